/**
 * Readers for fields of parsed JSON request bodies. They throw
 * {@link InvalidRequestError} with the path of the bad field, which the
 * servers turn into 400 (MacService) or INVALID_ARGUMENT (Swarming).
 */

/** A request body field is missing or has the wrong type or value. */
export class InvalidRequestError extends Error {
  override readonly name = 'InvalidRequestError';
}

/** A parsed JSON object. */
export type JsonObject = Readonly<Record<string, unknown>>;

const describeValue = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return 'a string';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
};

/** Parses `text` as a JSON object; an empty body counts as `{}` only when `emptyIsObject` is set. */
export const parseJsonObject = (text: string, emptyIsObject: boolean): JsonObject => {
  if (emptyIsObject && text.trim() === '') return {};

  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InvalidRequestError(`the request body is not valid JSON: ${(error as Error).message}`);
  }
  return requireObject(value, 'the request body');
};

/** Returns `value` as an object or throws naming `path`. */
export const requireObject = (value: unknown, path: string): JsonObject => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidRequestError(`${path} must be a JSON object, got ${describeValue(value)}`);
  }
  return value as JsonObject;
};

/** Reads an optional object field; undefined when absent or null. */
export const optionalObject = (record: JsonObject, key: string, path: string): JsonObject | undefined => {
  const value = record[key];
  return value === undefined || value === null ? undefined : requireObject(value, path);
};

/** Reads a string field; absent or null reads as `''`. */
export const optionalString = (record: JsonObject, key: string, path: string): string => {
  const value = record[key];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new InvalidRequestError(`${path} must be a string, got ${describeValue(value)}`);
  return value;
};

/** Reads a string field that must be present and not empty. */
export const requiredString = (record: JsonObject, key: string, path: string): string => {
  const value = optionalString(record, key, path);
  if (value === '') throw new InvalidRequestError(`${path} is required and must not be empty`);
  return value;
};

/** Reads an optional array field; absent or null reads as an empty array. */
export const optionalArray = (record: JsonObject, key: string, path: string): readonly unknown[] => {
  const value = record[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new InvalidRequestError(`${path} must be an array, got ${describeValue(value)}`);
  return value;
};
