/**
 * Keeps @makemac/core pure: every source file is parsed and checked for IO,
 * the clock, randomness and imports beyond fp-ts and io-ts, and the package
 * may depend on nothing else. The type-check adds a second line of defence:
 * core's tsconfig has no Node or DOM types, so console, process and fetch do
 * not even compile.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { checkPurity } from './purity-checker.js';

const packageDirectory = fileURLToPath(new URL('..', import.meta.url));
const sourceDirectory = join(packageDirectory, 'src');

const sourceFiles = (directory: string): string[] =>
  readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });

describe('core purity', () => {
  it('finds the source files', () => {
    const names = sourceFiles(sourceDirectory).map((path) => relative(sourceDirectory, path));

    expect(names).toContain('plan.ts');
    expect(names).toContain('planner/join.ts');
  });

  it('has no IO in any source file', () => {
    const violations = sourceFiles(sourceDirectory).flatMap((path) => checkPurity(relative(packageDirectory, path), readFileSync(path, 'utf8')));

    expect(violations).toEqual([]);
  });

  it('depends only on fp-ts and io-ts', () => {
    const manifest = JSON.parse(readFileSync(join(packageDirectory, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;

    expect(Object.keys(manifest.dependencies ?? {}).sort()).toEqual(['fp-ts', 'io-ts']);
    expect(manifest.peerDependencies).toBeUndefined();
    expect(manifest.optionalDependencies).toBeUndefined();
  });
});

describe('purity checker', () => {
  it.each([
    ["import { readFileSync } from 'node:fs';", 'imports "node:fs"'],
    ["import * as TE from 'fp-ts/TaskEither';", 'imports "fp-ts/TaskEither"'],
    ["export * from 'lodash';", 'imports "lodash"'],
    ["const fs = await import('node:fs');", 'dynamic import()'],
    ["import fs = require('fs');", 'import = require'],
    ['const now = Date.now();', 'Date.now'],
    ['const now = new Date();', 'new Date()'],
    ['const text = Date();', 'Date()'],
    ["const now = Date['now']();", 'Date[...]'],
    ['const roll = Math.random();', 'Math.random'],
    ['const start = performance.now();', 'global performance'],
    ['const home = process.env.HOME;', 'global process'],
    ["console.log('plan');", 'global console'],
    ['const root = globalThis;', 'global globalThis'],
    ["const fs = require('fs');", 'global require'],
    ["void fetch('http://127.0.0.1');", 'global fetch'],
    ['setTimeout(() => undefined, 10);', 'global setTimeout'],
    ['queueMicrotask(() => undefined);', 'global queueMicrotask'],
    ['const id = crypto.randomUUID();', 'global crypto'],
  ])('catches %s', (code, message) => {
    const violations = checkPurity('planted.ts', `export const value = 1;\n${code}\n`);

    expect(violations).toEqual([expect.objectContaining({ file: 'planted.ts', line: 2, message: expect.stringContaining(message) })]);
  });

  it('accepts pure code', () => {
    const code = [
      "import * as E from 'fp-ts/lib/Either.js';",
      "import * as t from 'io-ts';",
      "import { PathReporter } from 'io-ts/lib/PathReporter.js';",
      "import type { Lease } from './domain.js';",
      'const when = new Date(0);',
      'const options = { process: 1, console: 2 };',
      'interface Timing { readonly performance: number }',
      'const read = (clock: { now(): number }) => clock.now();',
      'const value = options.process + Math.max(1, 2);',
    ].join('\n');

    expect(checkPurity('pure.ts', code)).toEqual([]);
  });
});
