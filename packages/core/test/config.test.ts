/**
 * Configuration decoding: defaults, the production example, one test per
 * rejection (each error names its JSON path), secret hygiene, and the
 * agreement between the codec and the Config type.
 */
import { readFileSync } from 'node:fs';

import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import { describe, expect, expectTypeOf, it } from 'vitest';

import type { Config, ConfigError } from '../src/index.js';
import { CONFIG_DEFAULTS, ConfigCodec, decodeConfig, describeConfigError, encodeConfig, formatConfigErrors } from '../src/index.js';
import { configArbitrary } from './arbitraries.js';

const HOUR = 3_600_000;
const SHA_14 = 'b16a8a5f2d1e383667c3764d915551f4af56d63edd0679539703688a6b9f6754';
const SHA_15 = '203520220bdfe6b42592d2ae731c9cb985768c701c569ff1bc572d1573e63ad6';

const image = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  hostname: 'darwin-amd64-14',
  cert: 'secret:symbolic-datum-552/darwin-amd64-14-cert',
  key: 'secret:symbolic-datum-552/darwin-amd64-14-key',
  image: SHA_14,
  count: 20,
  ...overrides,
});

const host = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  host: 'chromium-swarm.appspot.com',
  pool: 'luci.golang.shared-workers',
  images: [image()],
  ...overrides,
});

const minimal = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({ swarmingHosts: [host()], ...overrides });

/** Decodes `json` and returns its errors, failing the test if it decoded. */
const errorsOf = (json: unknown): readonly ConfigError[] => {
  const result = decodeConfig(json);
  if (E.isRight(result)) throw new Error('expected the configuration to be rejected');
  return result.left;
};

/** Decodes `json`, failing the test with the formatted errors if it was rejected. */
const decodedOf = (json: unknown): Config => {
  const result = decodeConfig(json);
  if (E.isLeft(result)) throw new Error(formatConfigErrors(result.left));
  return result.right;
};

/** The one-line messages of the errors of `json`. */
const messagesOf = (json: unknown): string[] => errorsOf(json).map(describeConfigError);

describe('decodeConfig', () => {
  it('fills in the defaults', () => {
    expect(decodedOf(minimal())).toMatchObject(
      {
        customer: 'golang',
        projectPrefix: 'makemac',
        createDuration: 24 * HOUR,
        renewDuration: 23 * HOUR,
        profile: 'V1_MEDIUM_VM',
        accessLevel: 'GOLANG_OSS',
        swarmingHosts: [
          {
            host: 'chromium-swarm.appspot.com',
            pool: 'luci.golang.shared-workers',
            images: [
              {
                hostname: 'darwin-amd64-14',
                cert: 'secret:symbolic-datum-552/darwin-amd64-14-cert',
                key: 'secret:symbolic-datum-552/darwin-amd64-14-key',
                image: SHA_14,
                count: 20,
              },
            ],
          },
        ],
      },
    );
  });

  it('reads every top-level field', () => {
    const config = decodedOf(
      minimal({
        customer: 'chromium',
        projectPrefix: 'macpool',
        createDuration: '12h',
        renewDuration: '39600s',
        profile: 'V2_LARGE_VM',
        accessLevel: 'INTERNAL',
      }),
    );

    expect(config).toMatchObject({
      customer: 'chromium',
      projectPrefix: 'macpool',
      createDuration: 12 * HOUR,
      renewDuration: 11 * HOUR,
      profile: 'V2_LARGE_VM',
      accessLevel: 'INTERNAL',
    });
  });

  it('matches the documented defaults', () => {
    expect(CONFIG_DEFAULTS).toEqual({
      customer: 'golang',
      projectPrefix: 'makemac',
      createDuration: 86_400_000,
      renewDuration: 82_800_000,
      profile: 'V1_MEDIUM_VM',
      accessLevel: 'GOLANG_OSS',
    });
  });

  it('accepts a host with no images', () => {
    expect(E.isRight(decodeConfig(minimal({ swarmingHosts: [host({ images: [] })] })))).toBe(true);
  });
});

describe('production example', () => {
  const file = new URL('../../../examples/config/production.json', import.meta.url);
  const result = decodeConfig(JSON.parse(readFileSync(file, 'utf8')));
  const config = E.isRight(result) ? result.right : undefined;

  it('decodes', () => {
    expect(E.isLeft(result) ? formatConfigErrors(result.left, 'production.json') : 'ok').toBe('ok');
  });

  it('has both hosts and their pools', () => {
    expect(config?.swarmingHosts.map((entry) => [entry.host, entry.pool])).toEqual([
      ['chromium-swarm.appspot.com', 'luci.golang.shared-workers'],
      ['chrome-swarming.appspot.com', 'luci.golang.security-try-workers'],
    ]);
  });

  it('has the production counts', () => {
    const counts = config?.swarmingHosts.map((entry) => entry.images.map((item) => `${item.hostname}=${item.count}`));

    expect(counts).toEqual([
      ['darwin-amd64-12=5', 'darwin-amd64-13=10', 'darwin-amd64-14=20', 'darwin-arm64-14=7', 'darwin-arm64-15=7', 'darwin-arm64-26=7'],
      [
        'darwin-amd64-12-security=4',
        'darwin-amd64-13-security=4',
        'darwin-amd64-14-security=7',
        'darwin-arm64-14-security=3',
        'darwin-arm64-15-security=3',
        'darwin-arm64-26-security=3',
      ],
    ]);
  });

  it('uses the same images on both hosts', () => {
    const [publicHost, securityHost] = config?.swarmingHosts ?? [];

    expect(publicHost?.images.map((item) => item.image)).toEqual(securityHost?.images.map((item) => item.image));
    expect(publicHost?.images.find((item) => item.hostname === 'darwin-amd64-14')?.image).toBe(SHA_14);
  });

  it('refers to secrets by name', () => {
    for (const entry of config?.swarmingHosts ?? []) {
      for (const item of entry.images) {
        expect(item.cert).toBe(`secret:symbolic-datum-552/${item.hostname}-cert`);
        expect(item.key).toBe(`secret:symbolic-datum-552/${item.hostname}-key`);
      }
    }
  });
});

describe('rejections', () => {
  it('names an unknown top-level key and the allowed ones', () => {
    expect(messagesOf(minimal({ renewDurration: '23h' }))).toEqual([
      'renewDurration: unknown key "renewDurration" (did you mean "renewDuration"?); allowed keys here: customer, projectPrefix, createDuration, renewDuration, profile, accessLevel, swarmingHosts',
    ]);
  });

  it('names an unknown nested key', () => {
    const errors = errorsOf(minimal({ swarmingHosts: [host({ images: [image({ counts: 3 })] })] }));

    expect(errors).toEqual([
      {
        _tag: 'UnknownKey',
        path: 'swarmingHosts[0].images[0].counts',
        key: 'counts',
        allowed: ['hostname', 'cert', 'key', 'image', 'count'],
        suggestion: 'count',
      },
    ]);
  });

  it('rejects a missing swarmingHosts', () => {
    expect(messagesOf({})).toEqual(['swarmingHosts: missing; expected a list of swarming host objects']);
  });

  it('rejects a configuration that is not an object', () => {
    expect(messagesOf([])).toEqual(['<root>: expected a configuration object, found a list']);
  });

  it.each([
    [-1, '-1'],
    [2.5, '2.5'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
  ])('rejects count %s', (count, found) => {
    const messages = messagesOf(minimal({ swarmingHosts: [host(), host({ host: 'chrome-swarming.appspot.com', images: [image(), image({ image: SHA_15, count })] })] }));

    expect(messages).toEqual([`swarmingHosts[1].images[1].count: invalid value ${found}; expected a non-negative integer such as 0 or 20`]);
  });

  it('rejects a count that is a string', () => {
    expect(messagesOf(minimal({ swarmingHosts: [host({ images: [image({ count: '20' })] })] }))).toEqual([
      'swarmingHosts[0].images[0].count: expected a non-negative integer, found "20"',
    ]);
  });

  it('rejects a duplicate image within one host', () => {
    const errors = errorsOf(minimal({ swarmingHosts: [host({ images: [image(), image({ hostname: 'darwin-amd64-14b' })] })] }));

    expect(errors).toEqual([
      expect.objectContaining({ _tag: 'DuplicateValue', path: 'swarmingHosts[0].images[1].image', firstPath: 'swarmingHosts[0].images[0].image' }),
    ]);
    expect(describeConfigError(errors[0] as ConfigError)).toContain('an image may appear once per swarming host');
  });

  it('rejects a duplicate host', () => {
    expect(messagesOf(minimal({ swarmingHosts: [host(), host()] }))).toEqual([
      'swarmingHosts[1].host: "chromium-swarm.appspot.com" is already used at swarmingHosts[0].host; each swarming host may appear once; merge the two entries',
    ]);
  });

  it('rejects a renew duration that is not shorter than create', () => {
    expect(messagesOf(minimal({ createDuration: '23h' }))).toEqual([
      'renewDuration: invalid value "23h"; expected a duration shorter than createDuration (23h), because a lease with more than renewDuration left counts as booting',
    ]);
  });

  it('rejects an unparsable duration', () => {
    expect(messagesOf(minimal({ createDuration: '1 day' }))).toEqual([
      'createDuration: invalid value "1 day"; expected a positive duration such as "24h", "1h30m" or "86400s" (invalid duration "1 day": every number needs a unit (h, m, s, ms, us or ns); write it like "24h", "1h30m", "90m" or "86400s")',
    ]);
  });

  it.each(['0s', '-1h'])('rejects the non-positive duration %s', (value) => {
    expect(messagesOf(minimal({ renewDuration: value }))).toEqual([
      `renewDuration: invalid value "${value}"; expected a positive duration such as "24h", "1h30m" or "86400s"`,
    ]);
  });

  it('rejects a duration given as a number', () => {
    expect(messagesOf(minimal({ createDuration: 86400 }))).toEqual([
      'createDuration: expected a positive duration such as "24h", "1h30m" or "86400s", found 86400',
    ]);
  });

  it.each(['', '   '])('rejects the hostname %j', (hostname) => {
    expect(messagesOf(minimal({ swarmingHosts: [host({ images: [image({ hostname })] })] }))).toEqual([
      `swarmingHosts[0].images[0].hostname: invalid value ${JSON.stringify(hostname)}; expected a non-empty LUCI hostname such as darwin-amd64-14`,
    ]);
  });

  it('rejects an empty image', () => {
    expect(messagesOf(minimal({ swarmingHosts: [host({ images: [image({ image: '' })] })] }))).toEqual([
      'swarmingHosts[0].images[0].image: invalid value ""; expected a boot image SHA-256: 64 lower-case hex digits',
    ]);
  });

  it.each([
    ['a short hash', 'b16a8a5f'],
    ['upper-case hex', SHA_14.toUpperCase()],
  ])('rejects %s as an image', (_, value) => {
    const errors = errorsOf(minimal({ swarmingHosts: [host({ images: [image({ image: value })] })] }));

    expect(errors).toEqual([expect.objectContaining({ _tag: 'InvalidValue', path: 'swarmingHosts[0].images[0].image' })]);
  });

  it('rejects an empty host', () => {
    expect(messagesOf(minimal({ swarmingHosts: [host({ host: '' })] }))).toEqual([
      'swarmingHosts[0].host: invalid value ""; expected a bare host name such as chromium-swarm.appspot.com, without scheme, path or spaces',
    ]);
  });

  it('rejects a host given as a URL', () => {
    expect(errorsOf(minimal({ swarmingHosts: [host({ host: 'https://chromium-swarm.appspot.com' })] }))).toEqual([
      expect.objectContaining({ _tag: 'InvalidValue', path: 'swarmingHosts[0].host' }),
    ]);
  });

  it('rejects an empty pool', () => {
    expect(messagesOf(minimal({ swarmingHosts: [host({ pool: '' })] }))).toEqual([
      'swarmingHosts[0].pool: invalid value ""; expected a non-empty Swarming pool such as luci.golang.shared-workers',
    ]);
  });

  it('rejects a missing pool', () => {
    const { pool: _, ...withoutPool } = host();

    expect(messagesOf(minimal({ swarmingHosts: [withoutPool] }))).toEqual([
      'swarmingHosts[0].pool: missing; expected a non-empty Swarming pool such as luci.golang.shared-workers',
    ]);
  });

  it('rejects a project prefix with a slash', () => {
    expect(errorsOf(minimal({ projectPrefix: 'makemac/v2' }))).toEqual([expect.objectContaining({ _tag: 'InvalidValue', path: 'projectPrefix' })]);
  });

  it('rejects an empty cert reference', () => {
    expect(errorsOf(minimal({ swarmingHosts: [host({ images: [image({ cert: '' })] })] }))).toEqual([
      expect.objectContaining({ _tag: 'InvalidValue', path: 'swarmingHosts[0].images[0].cert' }),
    ]);
  });

  it('rejects a wrong type inside a list', () => {
    expect(messagesOf(minimal({ swarmingHosts: [host({ images: ['darwin-amd64-14'] })] }))).toEqual([
      'swarmingHosts[0].images[0]: expected an image object with hostname, cert, key, image and count, found "darwin-amd64-14"',
    ]);
  });

  it('reports every problem at once', () => {
    const errors = errorsOf({ customer: '', swarmingHosts: [host({ pool: 7, images: [image({ count: -2, hostname: '' })] })], extra: true });

    expect(errors.map((error) => error.path)).toEqual([
      'extra',
      'customer',
      'swarmingHosts[0].pool',
      'swarmingHosts[0].images[0].hostname',
      'swarmingHosts[0].images[0].count',
    ]);
  });
});

describe('secrets', () => {
  const pem = '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIIrYSSNQFaA2Hwf1duRSxKtLYX5CB04fSeQ6tF1aY/PuoAoGCCqGSM49\n-----END EC PRIVATE KEY-----\n';

  it('rejects a key value without repeating it', () => {
    const errors = errorsOf(minimal({ swarmingHosts: [host({ images: [image({ key: pem })] })] }));
    const text = formatConfigErrors(errors, 'makemac.json');

    expect(errors).toEqual([{ _tag: 'SecretValue', path: 'swarmingHosts[0].images[0].key' }]);
    expect(text).toContain('looks like a secret value; give a reference such as secret:project/name, env:VAR or file:/path');
    expect(text).not.toContain('MHcCAQEE');
    expect(text).not.toContain('BEGIN');
  });

  it('rejects a cert value without repeating it', () => {
    const errors = errorsOf(minimal({ swarmingHosts: [host({ images: [image({ cert: '-----BEGIN CERTIFICATE-----\nMIIB' })] })] }));

    expect(errors).toEqual([{ _tag: 'SecretValue', path: 'swarmingHosts[0].images[0].cert' }]);
  });

  it('does not echo secret-like text in other fields', () => {
    const text = formatConfigErrors(errorsOf(minimal({ swarmingHosts: [host({ images: [image({ image: pem })] })] })));

    expect(text).not.toContain('MHcCAQEE');
    expect(text).toContain('swarmingHosts[0].images[0].image');
  });
});

describe('formatConfigErrors', () => {
  it('writes one line per error under a heading', () => {
    const errors = errorsOf(minimal({ customer: '', swarmingHosts: [host({ images: [image({ count: -1 })] })] }));

    expect(formatConfigErrors(errors, 'makemac.json')).toBe(
      [
        'invalid configuration in makemac.json (2 errors):',
        '  customer: invalid value ""; expected a non-empty MacService customer such as golang',
        '  swarmingHosts[0].images[0].count: invalid value -1; expected a non-negative integer such as 0 or 20',
      ].join('\n'),
    );
  });

  it('names the configuration when no file is given', () => {
    expect(formatConfigErrors(errorsOf({}))).toMatch(/^invalid configuration in the makemac configuration \(1 error\):\n {2}swarmingHosts: /);
  });
});

describe('codec', () => {
  it('decodes to the Config type', () => {
    expectTypeOf<t.TypeOf<typeof ConfigCodec>>().toEqualTypeOf<{
      readonly [K in keyof Config]: Config[K];
    }>();
  });

  it('reads back what it writes', () => {
    fc.assert(
      fc.property(configArbitrary, (config) => {
        const decoded = decodeConfig(JSON.parse(JSON.stringify(encodeConfig(config))));
        if (E.isLeft(decoded)) throw new Error(formatConfigErrors(decoded.left));

        // Decoding may fill in optional fields the arbitrary leaves out; every field it sets must survive.
        expect(decoded.right).toMatchObject(config);
        expect(decodeConfig(JSON.parse(JSON.stringify(encodeConfig(decoded.right))))).toEqual(decoded);
      }),
    );
  });
});
