/**
 * Keeps `@makemac/core` pure. Every TypeScript file under its `src` is
 * parsed, and none may import modules other than relative ones, fp-ts and
 * io-ts, read the clock or randomness, or touch a global that reaches the
 * process, the console, timers, the network or the file system. The
 * checker itself is tested on planted violations.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { FORBIDDEN_GLOBALS, findImpurities, formatImpurity } from './checker.js';

const packageRoot = fileURLToPath(new URL('../../', import.meta.url));
const sourceRoot = join(packageRoot, 'src');

/** Every `.ts` file under `directory`, recursively, sorted. */
const typeScriptFiles = (directory: string): string[] =>
  readdirSync(directory, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();

/** The findings for one source snippet, as `line: found`. */
const findingsIn = (sourceText: string): string[] =>
  findImpurities('snippet.ts', sourceText).map((impurity) => `${impurity.line}: ${impurity.found}`);

describe('core purity', () => {
  it('finds no impure code in src', () => {
    const files = typeScriptFiles(sourceRoot);
    expect(files.length).toBeGreaterThan(10);

    const findings = files.flatMap((file) => findImpurities(relative(packageRoot, file), readFileSync(file, 'utf8')).map(formatImpurity));
    expect(findings, 'impure code in packages/core/src').toEqual([]);
  });

  it('depends only on fp-ts and io-ts', () => {
    const manifest = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };

    expect(Object.keys(manifest.dependencies ?? {}).sort()).toEqual(['fp-ts', 'io-ts']);
  });
});

describe('purity checker', () => {
  it('accepts pure code', () => {
    const clean = [
      "import * as E from 'fp-ts/lib/Either.js';",
      "import { pipe } from 'fp-ts/lib/function.js';",
      "import * as t from 'io-ts';",
      "import { PathReporter } from 'io-ts/lib/PathReporter.js';",
      "import type { Lease } from './domain.js';",
      "export { plan } from '../plan.js';",
      'const at = (now: number) => new Date(now).toISOString();',
      'const parsed = Date.parse("2026-03-08T17:00:00Z") + Date.UTC(2026, 2, 8);',
      'const options = { process: 1, console: "x", fetch: true };',
      'const field = options.process + lease.crypto + row.performance;',
      'interface Window { readonly setTimeout: number; crypto(): void }',
      'class Job { process(): void {} readonly Buffer = 1; }',
      'const { process: step } = options;',
      'type Clock = typeof Date.now;',
      'const rounded = Math.floor(Math.max(1, 2));',
    ].join('\n');

    expect(findingsIn(clean)).toEqual([]);
  });

  it('reports file, line and column', () => {
    const impurities = findImpurities('src/plan.ts', 'const a = 1;\n  const b = Date.now();');

    expect(impurities).toEqual([{ fileName: 'src/plan.ts', line: 2, column: 13, found: 'Date.now' }]);
    expect(impurities.map(formatImpurity)).toEqual(['src/plan.ts:2:13: Date.now']);
  });

  it.each([
    ['a Node module', "import { readFileSync } from 'node:fs';", 'import of "node:fs"'],
    ['a bare Node module', "import * as fs from 'fs';", 'import of "fs"'],
    ['a package', "import fc from 'fast-check';", 'import of "fast-check"'],
    ['fp-ts without lib', "import * as E from 'fp-ts/Either';", 'import of "fp-ts/Either"'],
    ['the fp-ts root', "import * as fp from 'fp-ts';", 'import of "fp-ts"'],
    ['a type-only import', "import type { Stats } from 'node:fs';", 'import of "node:fs"'],
    ['a side-effect import', "import 'reflect-metadata';", 'import of "reflect-metadata"'],
    ['a re-export', "export * from 'node:os';", 'export of "node:os"'],
    ['import = require', "import fs = require('fs');", 'import = require()'],
    ['a dynamic import', "const fs = await import('./local.js');", 'dynamic import()'],
    ['an import type', "type Stats = import('node:fs').Stats;", 'import() type'],
    ['import.meta', 'const here = import.meta.url;', 'import.meta'],
  ])('rejects %s', (_, sourceText, expected) => {
    expect(findingsIn(sourceText)).toEqual([`1: ${expected}`]);
  });

  it.each([
    ['Date.now', 'const now = Date.now();', 'Date.now'],
    ['Date.now as a value', 'const clock = Date.now;', 'Date.now'],
    ['Date["now"]', "const now = Date['now']();", 'Date.now'],
    ['new Date()', 'const now = new Date();', 'new Date() without arguments'],
    ['new Date without parentheses', 'const now = new Date;', 'new Date() without arguments'],
    ['Date() as a function', 'const text = Date();', 'Date() called as a function'],
    ['Math.random', 'const pick = Math.random();', 'Math.random'],
  ])('rejects %s', (_, sourceText, expected) => {
    expect(findingsIn(sourceText)).toEqual([`1: ${expected}`]);
  });

  it.each(FORBIDDEN_GLOBALS.map((name) => [name]))('rejects the global %s', (name) => {
    expect(findingsIn(`const value = ${name};`)).toEqual([`1: use of ${name}`]);
    expect(findingsIn(`call(${name}.member);`)).toEqual([`1: use of ${name}`]);
    expect(findingsIn(`const record = { ${name} };`)).toEqual([`1: use of ${name}`]);
  });

  it('rejects globals wherever they run', () => {
    const sourceText = [
      'export const plan = () => {',
      '  if (process.env.DEBUG) console.log("planning");',
      '  setTimeout(() => undefined, 0);',
      '  return require("node:fs");',
      '};',
      'class Sleeper extends EventTarget { wake = queueMicrotask; }',
      'const typed: string = globalThis.name as string;',
    ].join('\n');

    expect(findingsIn(sourceText)).toEqual([
      '2: use of process',
      '2: use of console',
      '3: use of setTimeout',
      '4: use of require',
      '6: use of queueMicrotask',
      '7: use of globalThis',
    ]);
  });
});
