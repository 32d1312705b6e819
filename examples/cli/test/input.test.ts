/**
 * Unit tests of input parsing: JSON files with positioned errors, the pRPC
 * prefix, JSON paths, and the option value parsers.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { InvalidArgumentError } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CliError } from '../src/errors.js';
import { lineAndColumn, parseJsonText, readJsonFile, toBracketPath } from '../src/input/json-file.js';
import { collectKeyValue, parseDuration, parseInteger, parseRfc3339 } from '../src/options.js';

const usageMessage = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(2);
    return (error as CliError).message;
  }
  throw new Error('expected a usage error');
};

describe('JSON input files', () => {
  let directory: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'makemac-input-'));
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('counts lines and columns from 1', () => {
    expect(lineAndColumn('ab\ncd', 0)).toEqual({ line: 1, column: 1 });
    expect(lineAndColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
  });

  it('names line and column of a syntax error', () => {
    const message = usageMessage(() => parseJsonText('{\n  "a": 1,\n}', 'config.json'));
    expect(message).toMatch(/^config\.json: invalid JSON at line 3, column 1: /);
  });

  it('never quotes the input', () => {
    const text = '{"golang.key": "-----BEGIN PRIVATE KEY-----\\nAAAA" tru}';
    const message = usageMessage(() => parseJsonText(text, 'find.json'));
    expect(message).not.toContain('BEGIN');
    expect(message).toContain('find.json');
  });

  it('strips the pRPC prefix only when allowed', () => {
    expect(parseJsonText(")]}'\n{\"items\": []}", 'bots.json', { allowXssiPrefix: true })).toEqual({ items: [] });
    expect(usageMessage(() => parseJsonText(")]}'\n{}", 'bots.json'))).toContain('invalid JSON');
  });

  it('keeps positions after the prefix', () => {
    const message = usageMessage(() => parseJsonText(")]}'\n{\n  x\n}", 'bots.json', { allowXssiPrefix: true }));
    expect(message).toContain('line 3, column 3');
  });

  it('rejects an empty file', () => {
    expect(usageMessage(() => parseJsonText(' \n', 'empty.json'))).toBe('empty.json: the file is empty, expected a JSON document');
  });

  it('names a missing file', async () => {
    await expect(readJsonFile('missing.json', directory, 'ListBots capture')).rejects.toThrow(
      'cannot read ListBots capture missing.json: no such file',
    );
  });

  it('reads relative to the directory', async () => {
    await writeFile(join(directory, 'ok.json'), '[1, 2]');
    await expect(readJsonFile('ok.json', directory, 'capture')).resolves.toEqual([1, 2]);
  });

  it('writes decoder paths with brackets', () => {
    expect(toBracketPath('instances.3.lease.expires')).toBe('instances[3].lease.expires');
    expect(toBracketPath('.1.items.0.botId')).toBe('[1].items[0].botId');
    expect(toBracketPath('')).toBe('');
  });
});

describe('option parsers', () => {
  it('parses whole numbers in range', () => {
    expect(parseInteger('--seed', 0)('42')).toBe(42);
    expect(() => parseInteger('--seed', 0)('4.2')).toThrow(InvalidArgumentError);
    expect(() => parseInteger('--concurrency', 1, 10)('0')).toThrow('--concurrency must be between 1 and 10, got 0.');
  });

  it('collects KEY=VALUE pairs', () => {
    const collect = collectKeyValue('--bots', 'HOST', 'FILE');
    const first = collect('a.example.com=a.json', undefined);
    expect(collect('b.example.com=x=y.json', first)).toEqual([
      { key: 'a.example.com', value: 'a.json' },
      { key: 'b.example.com', value: 'x=y.json' },
    ]);
  });

  it('rejects a repeated or malformed pair', () => {
    const collect = collectKeyValue('--bots', 'HOST', 'FILE');
    expect(() => collect('a=1', [{ key: 'a', value: '0' }])).toThrow('--bots names HOST a twice');
    expect(() => collect('novalue', undefined)).toThrow('--bots expects HOST=FILE, got "novalue".');
    expect(() => collect('=file', undefined)).toThrow(InvalidArgumentError);
  });

  it('parses RFC 3339 times', () => {
    const parse = parseRfc3339('--now');
    expect(parse('2026-03-08T17:00:00Z')).toBe(Date.UTC(2026, 2, 8, 17, 0, 0));
    expect(parse('2026-03-08T18:00:00.5+01:00')).toBe(Date.UTC(2026, 2, 8, 17, 0, 0, 500));
    expect(() => parse('2026-03-08')).toThrow(InvalidArgumentError);
    expect(() => parse('2026-02-30T00:00:00Z')).toThrow(InvalidArgumentError);
    expect(parse('2024-02-29T23:59:59Z')).toBe(Date.UTC(2024, 1, 29, 23, 59, 59));
  });

  it('parses positive durations', () => {
    expect(parseDuration('--period')('1h30m')).toBe(5_400_000);
    expect(() => parseDuration('--period')('0s')).toThrow('--period must be longer than zero');
    expect(() => parseDuration('--period')('soon')).toThrow(InvalidArgumentError);
  });
});
