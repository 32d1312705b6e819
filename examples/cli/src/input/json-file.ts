/**
 * Reading JSON input files with errors that name the file, the position and
 * what was expected. The messages never quote the file's content, because a
 * captured `leases:find` body can contain bot certificates and keys.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

import { usageError, type CliError } from '../errors.js';

/** Prefix that pRPC servers put before JSON bodies to stop them being run as scripts. */
export const XSSI_PREFIX = ")]}'";

/** Reads a UTF-8 file, turning a read failure into a usage error that names the file. */
export const readTextFile = async (path: string, cwd: string, fileKind: string): Promise<string> => {
  try {
    return await readFile(resolve(cwd, path), 'utf8');
  } catch (cause) {
    throw usageError(`cannot read ${fileKind} ${path}: ${describeReadError(cause)}`);
  }
};

const describeReadError = (cause: unknown): string => {
  const code = (cause as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory, expected a file';
    default:
      return cause instanceof Error ? cause.message : String(cause);
  }
};

/** Converts a character offset in `text` to a 1-based line and column. */
export const lineAndColumn = (text: string, offset: number): { line: number; column: number } => {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return { line, column };
};

/**
 * Describes a `JSON.parse` failure without the excerpt of the input that V8
 * adds to some messages.
 */
const describeJsonError = (cause: unknown, text: string): string => {
  const message = cause instanceof Error ? cause.message : String(cause);
  const positioned = /^(.*) in JSON at position (\d+)/.exec(message);
  if (positioned !== null) {
    const { line, column } = lineAndColumn(text, Number(positioned[2]));
    return `invalid JSON at line ${line}, column ${column}: ${positioned[1]}`;
  }

  const token = /^Unexpected token '(.)'/.exec(message);
  if (token !== null) {
    return `invalid JSON: unexpected character '${token[1]}'`;
  }
  if (message.startsWith('Unexpected end of JSON input')) {
    return 'invalid JSON: the input ends early';
  }
  return 'invalid JSON';
};

/**
 * Parses JSON text, after removing the pRPC prefix when `allowXssiPrefix` is
 * set. Throws a usage error naming the file on invalid JSON.
 */
export const parseJsonText = (
  text: string,
  file: string,
  options: { readonly allowXssiPrefix?: boolean } = {},
): unknown => {
  let body = text;
  if (options.allowXssiPrefix === true && body.trimStart().startsWith(XSSI_PREFIX)) {
    // Keep the offset of the prefix as spaces so line and column still match the file.
    const start = body.indexOf(XSSI_PREFIX);
    body = body.slice(0, start) + ' '.repeat(XSSI_PREFIX.length) + body.slice(start + XSSI_PREFIX.length);
  }

  if (body.trim() === '') {
    throw usageError(`${file}: the file is empty, expected a JSON document`);
  }
  try {
    return JSON.parse(body) as unknown;
  } catch (cause) {
    throw usageError(`${file}: ${describeJsonError(cause, body)}`);
  }
};

/** Reads and parses a JSON file; every failure is a usage error naming the file. */
export const readJsonFile = async (
  path: string,
  cwd: string,
  fileKind: string,
  options: { readonly allowXssiPrefix?: boolean } = {},
): Promise<unknown> => parseJsonText(await readTextFile(path, cwd, fileKind), path, options);

/** Formats a location inside a JSON document: `<file>: at <path>: <message>`. */
export const inputError = (file: string, jsonPath: string, message: string): CliError =>
  usageError(`${file}: at ${jsonPath === '' ? '<root>' : jsonPath}: ${message}`);

/**
 * Writes a dotted path from a decoder (`instances.3.lease.expires`) in the
 * bracket form the configuration errors use (`instances[3].lease.expires`).
 */
export const toBracketPath = (dotted: string): string =>
  dotted
    .split('.')
    .filter((segment) => segment !== '')
    .map((segment, index) => {
      if (/^\d+$/.test(segment)) return `[${segment}]`;
      return index === 0 ? segment : `.${segment}`;
    })
    .join('');
