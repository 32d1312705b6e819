/**
 * Tests of the token providers. Application Default Credentials are only
 * exercised with injected fakes, so no test contacts a Google host or the
 * metadata server.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  googleAdcTokenProvider,
  staticToken,
  tokenFromEnv,
  tokenFromFile,
  USERINFO_EMAIL_SCOPE,
  type GoogleAuthLike,
  type TokenProvider,
} from '../src/token.js';

const run = (provider: TokenProvider) => provider()();

describe('staticToken', () => {
  it('returns the trimmed token', async () => {
    expect(await run(staticToken(' ya29.static \n'))).toEqual(E.right('ya29.static'));
  });

  it('rejects an empty token', () => {
    expect(() => staticToken('  ')).toThrow('invalid static token: it is empty');
  });
});

describe('tokenFromEnv', () => {
  it('reads the variable on each call', async () => {
    const env: Record<string, string | undefined> = { SWARMING_TOKEN: 'first\n' };
    const provider = tokenFromEnv('SWARMING_TOKEN', env);

    const first = await run(provider);
    env.SWARMING_TOKEN = 'second';
    const second = await run(provider);

    expect(first).toEqual(E.right('first'));
    expect(second).toEqual(E.right('second'));
  });

  it('names an unset or empty variable', async () => {
    for (const env of [{}, { SWARMING_TOKEN: '' }, { SWARMING_TOKEN: ' \n' }]) {
      const result = await run(tokenFromEnv('SWARMING_TOKEN', env));
      expect(result).toEqual(
        E.left({
          _tag: 'TokenError',
          source: 'environment variable SWARMING_TOKEN',
          message: 'SWARMING_TOKEN is not set or is empty; set it to an OAuth access token for the swarming host',
          retryable: false,
        }),
      );
    }
  });
});

describe('tokenFromFile', () => {
  let directory = '';

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'makemac-swarming-token-'));
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('rereads the file on each call', async () => {
    const path = join(directory, 'token');
    const provider = tokenFromFile(path);

    await writeFile(path, 'ya29.one\n');
    const first = await run(provider);
    await writeFile(path, 'ya29.two');
    const second = await run(provider);

    expect(first).toEqual(E.right('ya29.one'));
    expect(second).toEqual(E.right('ya29.two'));
  });

  it('reports a missing file', async () => {
    const path = join(directory, 'missing');

    const result = await run(tokenFromFile(path));

    expect(result).toEqual(
      E.left({ _tag: 'TokenError', source: `file ${path}`, message: `token file ${path} not found; create it or fix the path`, retryable: false }),
    );
  });

  it('reports an empty file', async () => {
    const path = join(directory, 'empty');
    await writeFile(path, '\n\n');

    const result = await run(tokenFromFile(path));

    expect(result).toMatchObject({ _tag: 'Left', left: { message: `token file ${path} is empty; write an OAuth access token into it` } });
  });

  it('reports other read failures', async () => {
    const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    const broken = new Error('disk on fire');

    const deniedResult = await run(tokenFromFile('/secrets/token', { readTextFile: () => Promise.reject(denied) }));
    const brokenResult = await run(tokenFromFile('/secrets/token', { readTextFile: () => Promise.reject(broken) }));

    expect(deniedResult).toMatchObject({ left: { message: 'permission denied reading token file /secrets/token; make it readable by this process' } });
    expect(brokenResult).toMatchObject({ left: { message: 'failed to read token file /secrets/token: disk on fire' } });
  });
});

describe('googleAdcTokenProvider', () => {
  const fakeAuth = (result: Awaited<ReturnType<GoogleAuthLike['getAccessToken']>>): GoogleAuthLike & { calls: number } => {
    const auth = {
      calls: 0,
      getAccessToken: async () => {
        auth.calls += 1;
        return result;
      },
    };
    return auth;
  };

  it('returns the token of an injected auth', async () => {
    const auth = fakeAuth('ya29.adc');
    const provider = googleAdcTokenProvider({ auth });

    expect(await run(provider)).toEqual(E.right('ya29.adc'));
    expect(await run(provider)).toEqual(E.right('ya29.adc'));
    expect(auth.calls).toBe(2);
  });

  it('accepts a token object', async () => {
    expect(await run(googleAdcTokenProvider({ auth: fakeAuth({ token: 'ya29.object' }) }))).toEqual(E.right('ya29.object'));
  });

  it('reports a missing token', async () => {
    for (const result of [null, undefined, '', { token: null }, {}]) {
      const outcome = await run(googleAdcTokenProvider({ auth: fakeAuth(result) }));
      expect(outcome).toMatchObject({ _tag: 'Left', left: { _tag: 'TokenError', source: 'Application Default Credentials', retryable: false } });
    }
  });

  it('marks network failures retryable', async () => {
    const failing = (error: unknown): GoogleAuthLike => ({ getAccessToken: () => Promise.reject(error) });
    const network = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const serverError = Object.assign(new Error('metadata server error'), { response: { status: 503 } });
    const noCredentials = new Error('Could not load the default credentials.');

    const results = await Promise.all([network, serverError, noCredentials].map((error) => run(googleAdcTokenProvider({ auth: failing(error) }))));

    expect(results).toMatchObject([
      { left: { retryable: true, message: 'failed to get an access token: connect ECONNREFUSED' } },
      { left: { retryable: true } },
      { left: { retryable: false, message: 'failed to get an access token: Could not load the default credentials.' } },
    ]);
  });

  it('loads the library lazily and once', async () => {
    const constructed: Array<{ scopes: string[] }> = [];
    let imports = 0;
    class FakeGoogleAuth implements GoogleAuthLike {
      constructor(options: { scopes: string[] }) {
        constructed.push(options);
      }
      async getAccessToken() {
        return 'ya29.lazy';
      }
    }
    const provider = googleAdcTokenProvider({
      importLibrary: async () => {
        imports += 1;
        return { GoogleAuth: FakeGoogleAuth };
      },
    });

    expect(imports).toBe(0);
    const results = await Promise.all([run(provider), run(provider), run(provider)]);

    expect(results).toEqual([E.right('ya29.lazy'), E.right('ya29.lazy'), E.right('ya29.lazy')]);
    expect(imports).toBe(1);
    expect(constructed).toEqual([{ scopes: [USERINFO_EMAIL_SCOPE] }]);
  });

  it('passes configured scopes', async () => {
    const constructed: Array<{ scopes: string[] }> = [];
    const provider = googleAdcTokenProvider({
      scopes: ['https://www.googleapis.com/auth/cloud-platform'],
      importLibrary: async () => ({
        default: {
          GoogleAuth: class {
            constructor(options: { scopes: string[] }) {
              constructed.push(options);
            }
            async getAccessToken() {
              return { token: 'ya29.scoped' };
            }
          },
        },
      }),
    });

    expect(await run(provider)).toEqual(E.right('ya29.scoped'));
    expect(constructed).toEqual([{ scopes: ['https://www.googleapis.com/auth/cloud-platform'] }]);
  });

  it('explains a missing google-auth-library', async () => {
    const notFound = Object.assign(new Error("Cannot find package 'google-auth-library'"), { code: 'ERR_MODULE_NOT_FOUND' });
    let imports = 0;
    const provider = googleAdcTokenProvider({
      importLibrary: async () => {
        imports += 1;
        throw notFound;
      },
    });

    const first = await run(provider);
    const second = await run(provider);

    expect(first).toMatchObject({
      _tag: 'Left',
      left: { _tag: 'TokenError', retryable: false, message: expect.stringContaining('google-auth-library is not installed') },
    });
    expect(second).toEqual(first);
    expect(imports).toBe(2);
  });

  it('reports a library without GoogleAuth', async () => {
    const result = await run(googleAdcTokenProvider({ importLibrary: async () => ({}) }));

    expect(result).toMatchObject({ left: { message: 'google-auth-library has no GoogleAuth export; reinstall google-auth-library' } });
  });

  it('finds GoogleAuth in the installed library', async () => {
    const library = await import('google-auth-library');

    expect(typeof library.GoogleAuth).toBe('function');
  });
});
