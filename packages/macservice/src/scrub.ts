/**
 * Keeps secrets out of errors and events.
 *
 * Every string this package puts into an error (body excerpts, value
 * excerpts, messages, URLs) goes through a {@link Scrubber} first. A scrubber
 * replaces, with {@link REDACTED}:
 * - each known secret (the API key, and the bot cert and key of a create
 *   request) as is, JSON-escaped and URL-encoded, because a server may echo
 *   the request in any of those forms;
 * - every PEM block (`-----BEGIN ...`), even one cut off by a truncated body,
 *   because `leases:find` may echo bot certs and keys that this package never
 *   saw;
 * - the value of a `{"key":"golang.cert","value":...}` style metadata entry in
 *   JSON text, in either key order.
 *
 * An excerpt is scrubbed before it is cut, so a cut never splits a secret
 * past recognition. Only a window at the start of the text is scrubbed: the
 * excerpt length plus the longest secret plus a margin, so long bodies stay
 * cheap while every secret that starts inside the excerpt is still whole.
 */
import { REDACTED, SECRET_METADATA_KEYS } from '@makemac/core';

/** Replaces secrets in a string with {@link REDACTED}. */
export interface Scrubber {
  (text: string): string;
  /** Length of the longest secret form it replaces, in UTF-16 code units. */
  readonly longestSecret: number;
}

/** Maximum length of `HttpError.bodyExcerpt` before the length note. */
export const BODY_EXCERPT_LENGTH = 500;

/** Maximum length of `DecodeError.valueExcerpt` before the length note. */
export const VALUE_EXCERPT_LENGTH = 200;

// Extra characters scrubbed past an excerpt, so that a metadata entry written
// value-first is still recognised by a key that follows the value.
// NOTE: A value-first entry whose value is longer than this margin and ends
// past the excerpt is caught only when it is a known secret or a PEM block.
const SCRUB_MARGIN = 1024;

// Values nested deeper than this are left out of excerpts, which also keeps
// JSON.stringify away from the stack limit.
const MAX_EXCERPT_DEPTH = 20;

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const PEM_BLOCK = /-----BEGIN [^\r\n]*?-----[\s\S]*?(?:-----END [^\r\n]*?-----|$)/g;

const SECRET_KEY_PATTERN = SECRET_METADATA_KEYS.map(escapeRegExp).join('|');

// A JSON string literal, possibly cut off at the end of the text.
const JSON_STRING_PATTERN = String.raw`"(?:[^"\\]|\\.)*(?:"|\\?$)`;

const SECRET_KEY_THEN_VALUE = new RegExp(
  String.raw`("key"\s*:\s*"(?:${SECRET_KEY_PATTERN})"\s*,\s*"value"\s*:\s*)${JSON_STRING_PATTERN}`,
  'g',
);

const VALUE_THEN_SECRET_KEY = new RegExp(
  String.raw`("value"\s*:\s*)${JSON_STRING_PATTERN}(\s*,\s*"key"\s*:\s*"(?:${SECRET_KEY_PATTERN})")`,
  'g',
);

const REDACTED_JSON = JSON.stringify(REDACTED);

/** Lists the forms in which `secret` may come back in a body: as is, JSON-escaped and URL-encoded. */
const secretForms = (secret: string): string[] => {
  const forms = [secret, JSON.stringify(secret).slice(1, -1)];
  try {
    forms.push(encodeURIComponent(secret));
  } catch {
    // A lone surrogate cannot be URL-encoded, so that form cannot occur.
  }

  return forms;
};

/**
 * Builds a scrubber that removes `secrets` (empty strings are ignored), PEM
 * blocks and secret metadata values from text.
 */
export const makeScrubber = (secrets: readonly string[]): Scrubber => {
  const forms = [...new Set(secrets.filter((secret) => secret.length > 0).flatMap(secretForms))];

  // Longer forms first, so a secret that contains another is replaced whole.
  forms.sort((left, right) => right.length - left.length);

  const scrub = (text: string): string => {
    let scrubbed = text;
    for (const form of forms) {
      scrubbed = scrubbed.split(form).join(REDACTED);
    }

    scrubbed = scrubbed.replace(PEM_BLOCK, REDACTED);
    scrubbed = scrubbed.replace(SECRET_KEY_THEN_VALUE, `$1${REDACTED_JSON}`);
    return scrubbed.replace(VALUE_THEN_SECRET_KEY, `$1${REDACTED_JSON}$2`);
  };
  return Object.assign(scrub, { longestSecret: forms[0]?.length ?? 0 });
};

/**
 * Copies a decoded JSON value with the `value` of every secret metadata entry
 * (an object whose `key` is in `SECRET_METADATA_KEYS`) replaced by
 * {@link REDACTED}. Levels below a fixed depth become `"…"`.
 */
export const redactSecretMetadata = (value: unknown, depth = 0): unknown => {
  if (value === null || typeof value !== 'object') {
    return value;
  }
  if (depth >= MAX_EXCERPT_DEPTH) {
    return '…';
  }

  if (Array.isArray(value)) {
    return value.map((item) => redactSecretMetadata(item, depth + 1));
  }

  const record = value as Record<string, unknown>;
  const secretEntry = typeof record['key'] === 'string' && SECRET_METADATA_KEYS.includes(record['key']);
  return Object.fromEntries(
    Object.entries(record).map(([key, item]) => [
      key,
      secretEntry && key === 'value' ? REDACTED : redactSecretMetadata(item, depth + 1),
    ]),
  );
};

const cutAt = (text: string, maxLength: number): string => {
  const cut = text.slice(0, maxLength);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
};

/**
 * Cuts `text` to `maxLength` characters, noting the full length when it cut.
 * A surrogate pair at the cut is dropped whole.
 */
export const excerpt = (text: string, maxLength: number): string =>
  text.length <= maxLength ? text : `${cutAt(text, maxLength)}… (${text.length} characters in all)`;

/**
 * Scrubs the start of `text` and cuts it to `maxLength` characters, noting
 * the full length of `text` when it cut.
 */
export const scrubbedExcerpt = (text: string, scrub: Scrubber, maxLength: number): string => {
  const window = text.slice(0, maxLength + scrub.longestSecret + SCRUB_MARGIN);
  const scrubbed = scrub(window);
  if (window.length === text.length && scrubbed.length <= maxLength) {
    return scrubbed;
  }
  return `${cutAt(scrubbed, maxLength)}… (${text.length} characters in all)`;
};

/**
 * Describes a decoded JSON value for `DecodeError.valueExcerpt`: `(missing)`
 * for `undefined`, otherwise its JSON text with secrets removed, at most
 * {@link VALUE_EXCERPT_LENGTH} characters.
 */
export const describeValue = (value: unknown, scrub: Scrubber): string => {
  if (value === undefined) {
    return '(missing)';
  }

  let text: string;
  try {
    text = JSON.stringify(redactSecretMetadata(value)) ?? String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return scrubbedExcerpt(text, scrub, VALUE_EXCERPT_LENGTH);
};

/**
 * Describes a response body for `HttpError.bodyExcerpt` or a body that is not
 * JSON: `(empty body)` when empty, otherwise the text with secrets removed, at
 * most {@link BODY_EXCERPT_LENGTH} characters.
 */
export const describeBody = (body: string, scrub: Scrubber): string =>
  body.length === 0 ? '(empty body)' : scrubbedExcerpt(body, scrub, BODY_EXCERPT_LENGTH);
