/**
 * Tests of secret resolution: the `env:`, `file:` and embedder-supplied
 * schemes, the errors for unknown schemes and missing values, and the
 * building of the request the port receives.
 */
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';

import { buildLeaseRequest, createSecretResolver, secretReferences } from '../src/index.js';
import { HOST_A, IMAGE_1, plannedRequest, testConfig } from './fakes.js';

const leftMessage = (result: E.Either<{ message: string }, string>): string =>
  E.isLeft(result) ? result.left.message : `unexpected value of length ${result.right.length}`;

describe('createSecretResolver', () => {
  it('reads env: from the injected environment', async () => {
    const resolve = createSecretResolver({ env: { DARWIN_CERT: 'cert-value' } });

    expect(await resolve('env:DARWIN_CERT')).toEqual(E.right('cert-value'));
  });

  it('names the variable when env: is unset', async () => {
    const resolve = createSecretResolver({ env: {} });

    const result = await resolve('env:DARWIN_CERT');

    expect(result).toEqual(
      E.left({
        _tag: 'SecretError',
        reference: 'env:DARWIN_CERT',
        scheme: 'env',
        message: 'secret reference "env:DARWIN_CERT" could not be resolved: environment variable DARWIN_CERT is not set',
      }),
    );
  });

  it('reads file: through the injected reader', async () => {
    const paths: string[] = [];
    const resolve = createSecretResolver({
      readFile: async (path) => {
        paths.push(path);
        return 'key-value\n';
      },
    });

    expect(await resolve('file:/etc/makemac/key.pem')).toEqual(E.right('key-value\n'));
    expect(paths).toEqual(['/etc/makemac/key.pem']);
  });

  it('reads file: from disk by default', async () => {
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const directory = await mkdtemp(join(tmpdir(), 'makemac-secrets-'));
    const path = join(directory, 'cert.pem');
    await writeFile(path, 'cert-from-disk');
    const resolve = createSecretResolver();

    expect(await resolve(`file:${path}`)).toEqual(E.right('cert-from-disk'));
    expect(leftMessage(await resolve(`file:${join(directory, 'missing.pem')}`))).toMatch(
      /^secret reference "file:.*missing\.pem" could not be resolved: ENOENT/,
    );
  });

  it('passes secret: to the scheme the embedder supplies', async () => {
    const names: string[] = [];
    const resolve = createSecretResolver({
      schemes: {
        secret: async (name) => {
          names.push(name);
          return 'from-secret-manager';
        },
      },
    });

    expect(await resolve('secret:symbolic-datum-552/darwin-amd64-14-cert')).toEqual(E.right('from-secret-manager'));
    expect(names).toEqual(['symbolic-datum-552/darwin-amd64-14-cert']);
  });

  it('keeps the message of a failing scheme', async () => {
    const resolve = createSecretResolver({
      schemes: { secret: () => Promise.reject(new Error('permission denied on project/name')) },
    });

    expect(leftMessage(await resolve('secret:project/name'))).toBe(
      'secret reference "secret:project/name" could not be resolved: permission denied on project/name',
    );
  });

  it('names the scheme and the reference when the scheme is unknown', async () => {
    const resolve = createSecretResolver({ env: {} });

    const result = await resolve('secret:project/name');

    expect(E.isLeft(result) && result.left.scheme).toBe('secret');
    expect(leftMessage(result)).toBe(
      'secret reference "secret:project/name" uses the unknown scheme "secret"; known schemes: env, file',
    );
  });

  it('rejects a reference without a scheme', async () => {
    const resolve = createSecretResolver({ env: { CERT: 'x' } });

    expect(leftMessage(await resolve('CERT'))).toBe(
      'secret reference "CERT" has no scheme; write env:NAME, file:/path or secret:project/name',
    );
  });

  it('rejects an empty value', async () => {
    const resolve = createSecretResolver({ env: { CERT: '' } });

    expect(leftMessage(await resolve('env:CERT'))).toBe('secret reference "env:CERT" resolved to an empty value');
  });

  it('does not treat object properties as schemes', async () => {
    const resolve = createSecretResolver({ env: {} });

    expect(leftMessage(await resolve('toString:x'))).toContain('unknown scheme "toString"');
  });
});

describe('buildLeaseRequest', () => {
  const request = plannedRequest(testConfig(), HOST_A, IMAGE_1);

  it('lists the references of a planned request', () => {
    expect(secretReferences(request)).toEqual(['env:A1_CERT', 'env:A1_KEY']);
  });

  it('puts the values in metadata order', () => {
    const built = buildLeaseRequest(
      request,
      new Map([
        ['env:A1_CERT', 'cert'],
        ['env:A1_KEY', 'key'],
      ]),
    );

    expect(built?.metadata).toEqual([
      { key: 'golang.swarming', value: HOST_A },
      { key: 'golang.hostname', value: 'darwin-amd64-14' },
      { key: 'golang.cert', value: 'cert' },
      { key: 'golang.key', value: 'key' },
    ]);
    expect(built?.namespace.projectName).toBe(`makemac/${HOST_A}`);
    expect(built?.duration).toBe(request.duration);
  });

  it('returns undefined when a value is missing', () => {
    expect(buildLeaseRequest(request, new Map([['env:A1_CERT', 'cert']]))).toBeUndefined();
  });
});
