/**
 * Loading the makemac configuration file: read, parse and decode it, with
 * errors that name the file, the JSON path and what was expected there.
 */
import { decodeConfig, formatConfigErrors, type Config } from '@makemac/core';
import * as E from 'fp-ts/lib/Either.js';

import { usageError } from '../errors.js';
import { readJsonFile } from './json-file.js';

/** Reads and decodes a configuration file; any problem is a usage error (exit code 2). */
export const loadConfig = async (path: string, cwd: string): Promise<Config> => {
  const json = await readJsonFile(path, cwd, 'configuration file');
  const decoded = decodeConfig(json);

  if (E.isLeft(decoded)) {
    throw usageError(`${path}: ${formatConfigErrors(decoded.left)}`);
  }
  return decoded.right;
};
