/**
 * Tests of decodeConfig. The production configuration decodes with its
 * hosts and counts, and absent fields take their defaults. Each kind of
 * invalid input is rejected with a message that names the JSON path and the
 * value found, except secrets, which never appear.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import type { Config, ConfigError } from '@makemac/core';
import { decodeConfig, describeConfigError, encodeConfig, formatConfigErrors } from '@makemac/core';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';

const repositoryRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** The production configuration shipped with the examples. */
const productionConfigPath = ['examples/config/production.json', 'examples/cli/config/production.json']
  .map((path) => repositoryRoot + path)
  .find((path) => existsSync(path));

const IMAGE = 'b16a8a5f2d1e383667c3764d915551f4af56d63edd0679539703688a6b9f6754';
const OTHER_IMAGE = 'f48c5538d2ac7b91c592dcce18f247e3aad70503558f92b41bdc010f2c8728a9';

/** A valid image entry; tests override one field at a time. */
const imageJson = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  hostname: 'darwin-amd64-14',
  image: IMAGE,
  count: 20,
  cert: 'secret:symbolic-datum-552/darwin-amd64-14-cert',
  key: 'secret:symbolic-datum-552/darwin-amd64-14-key',
  ...overrides,
});

/** A valid configuration with one host and the given images; tests override top-level fields. */
const configJson = (images: unknown[] = [imageJson()], overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  swarmingHosts: [{ host: 'chromium-swarm.appspot.com', pool: 'luci.golang.shared-workers', images }],
  ...overrides,
});

const decoded = (json: unknown): Config => {
  const result = decodeConfig(json);
  if (E.isLeft(result)) throw new Error(formatConfigErrors(result.left));
  return result.right;
};

const errorsOf = (json: unknown): readonly ConfigError[] => {
  const result = decodeConfig(json);
  if (E.isRight(result)) throw new Error('decodeConfig accepted an invalid configuration');
  return result.left;
};

/** Returns the message of the only error, so a test also fails when other errors appear. */
const onlyMessage = (json: unknown): string => {
  const errors = errorsOf(json);
  expect(errors.map(describeConfigError)).toHaveLength(1);
  return describeConfigError(errors[0] as ConfigError);
};

describe('decodeConfig accepts', () => {
  it('the production configuration', () => {
    expect(productionConfigPath, 'no production.json under examples').toBeDefined();
    const config = decoded(JSON.parse(readFileSync(productionConfigPath as string, 'utf8')));

    expect(config.swarmingHosts.map((host) => [host.host, host.pool])).toEqual([
      ['chromium-swarm.appspot.com', 'luci.golang.shared-workers'],
      ['chrome-swarming.appspot.com', 'luci.golang.security-try-workers'],
    ]);
    expect(config.swarmingHosts[0]?.images.map((image) => [image.hostname, image.count])).toEqual([
      ['darwin-amd64-12', 5],
      ['darwin-amd64-13', 10],
      ['darwin-amd64-14', 20],
      ['darwin-arm64-14', 7],
      ['darwin-arm64-15', 7],
      ['darwin-arm64-26', 7],
    ]);
    expect(config.swarmingHosts[1]?.images.map((image) => [image.hostname, image.count])).toEqual([
      ['darwin-amd64-12-security', 4],
      ['darwin-amd64-13-security', 4],
      ['darwin-amd64-14-security', 7],
      ['darwin-arm64-14-security', 3],
      ['darwin-arm64-15-security', 3],
      ['darwin-arm64-26-security', 3],
    ]);
    expect(config.swarmingHosts[0]?.images[2]).toMatchObject({
      image: IMAGE,
      cert: 'secret:symbolic-datum-552/darwin-amd64-14-cert',
      key: 'secret:symbolic-datum-552/darwin-amd64-14-key',
    });
    expect(config.swarmingHosts[1]?.images.map((image) => image.image)).toEqual(config.swarmingHosts[0]?.images.map((image) => image.image));
    expect([config.customer, config.projectPrefix, config.createDuration, config.renewDuration]).toEqual(['golang', 'makemac', 86_400_000, 82_800_000]);
  });

  it('absent fields with their defaults', () => {
    const config = decoded({ swarmingHosts: [] });

    expect(config).toMatchObject({
      customer: 'golang',
      projectPrefix: 'makemac',
      createDuration: 24 * 3_600_000,
      renewDuration: 23 * 3_600_000,
      profile: 'V1_MEDIUM_VM',
      accessLevel: 'GOLANG_OSS',
      swarmingHosts: [],
    });
  });

  it('durations in every written form', () => {
    const config = decoded(configJson(undefined, { createDuration: '86400s', renewDuration: '22h30m' }));

    expect(config.createDuration).toBe(86_400_000);
    expect(config.renewDuration).toBe(81_000_000);
  });

  it('the same image on two hosts', () => {
    const json = {
      swarmingHosts: [
        { host: 'chromium-swarm.appspot.com', pool: 'public', images: [imageJson()] },
        { host: 'chrome-swarming.appspot.com', pool: 'internal', images: [imageJson({ hostname: 'darwin-amd64-14-security' })] },
      ],
    };

    expect(decoded(json).swarmingHosts.map((host) => host.images[0]?.image)).toEqual([IMAGE, IMAGE]);
  });

  it('its own encoding', () => {
    const config = decoded(configJson([imageJson(), imageJson({ hostname: 'darwin-amd64-12', image: OTHER_IMAGE, count: 0 })], { renewDuration: '22h' }));

    expect(decoded(JSON.parse(JSON.stringify(encodeConfig(config))))).toEqual(config);
  });
});

describe('decodeConfig rejects', () => {
  it('a repeated image within a host', () => {
    const message = onlyMessage(configJson([imageJson(), imageJson({ hostname: 'darwin-amd64-14-b' })]));

    expect(message).toContain('swarmingHosts[0].images[1].image');
    expect(message).toContain(IMAGE);
    expect(message).toContain('swarmingHosts[0].images[0].image');
  });

  it('a repeated host', () => {
    const host = { host: 'chromium-swarm.appspot.com', pool: 'luci.golang.shared-workers', images: [imageJson()] };
    const message = onlyMessage({ swarmingHosts: [host, { ...host, pool: 'other' }] });

    expect(message).toContain('swarmingHosts[1].host');
    expect(message).toContain('chromium-swarm.appspot.com');
  });

  it.each([
    ['a negative count', -1, '-1'],
    ['a fractional count', 2.5, '2.5'],
    ['a count given as a string', '5', '"5"'],
    ['a count that is not a number', null, 'null'],
  ])('%s', (_, count, shown) => {
    const message = onlyMessage(configJson([imageJson({ count })]));

    expect(message).toContain('swarmingHosts[0].images[0].count');
    expect(message).toContain(shown);
  });

  it('a missing count', () => {
    const { count: _, ...withoutCount } = imageJson();
    const message = onlyMessage(configJson([withoutCount]));

    expect(message).toContain('swarmingHosts[0].images[0].count');
    expect(message).toContain('missing');
  });

  it.each([
    ['equal to', '24h', '24h'],
    ['longer than', '25h', '24h'],
  ])('a renew duration %s the create duration', (_, renewDuration, createDuration) => {
    const message = onlyMessage(configJson(undefined, { renewDuration, createDuration }));

    expect(message).toContain('renewDuration');
    expect(message).toContain(renewDuration);
    expect(message).toContain(createDuration);
  });

  it('an empty hostname', () => {
    const message = onlyMessage(configJson([imageJson({ hostname: '' })]));

    expect(message).toContain('swarmingHosts[0].images[0].hostname');
    expect(message).toContain('""');
  });

  it('an empty host', () => {
    const message = onlyMessage({ swarmingHosts: [{ host: '', pool: 'p', images: [] }] });

    expect(message).toContain('swarmingHosts[0].host');
    expect(message).toContain('""');
  });

  it('an empty image', () => {
    const message = onlyMessage(configJson([imageJson({ image: '' })]));

    expect(message).toContain('swarmingHosts[0].images[0].image');
    expect(message).toContain('""');
  });

  it.each([
    ['not hex', 'z'.repeat(64)],
    ['upper-case hex', IMAGE.toUpperCase()],
    ['too short', IMAGE.slice(0, 63)],
    ['too long', `${IMAGE}0`],
  ])('an image that is %s', (_, image) => {
    const message = onlyMessage(configJson([imageJson({ image })]));

    expect(message).toContain('swarmingHosts[0].images[0].image');
    expect(message).toContain(image.slice(0, 40));
    expect(message).toContain('64 lower-case hex digits');
  });

  it.each([['1 day'], ['24'], ['h'], ['24x'], ['1d'], ['-5h'], ['0s'], [''], ['0.0001s']])('the create duration %j', (createDuration) => {
    const message = onlyMessage(configJson(undefined, { createDuration, renewDuration: '1s' }));

    expect(message).toContain('createDuration');
    expect(message).toContain(JSON.stringify(createDuration));
  });

  it('a duration given as a number', () => {
    const message = onlyMessage(configJson(undefined, { renewDuration: 82_800 }));

    expect(message).toContain('renewDuration');
    expect(message).toContain('82800');
  });

  it('an unknown top-level key', () => {
    const message = onlyMessage(configJson(undefined, { renewDurration: '23h' }));

    expect(message).toContain('renewDurration');
    expect(message).toContain('did you mean "renewDuration"');
  });

  it('an unknown image key', () => {
    const message = onlyMessage(configJson([imageJson({ counts: 3 })]));

    expect(message).toContain('swarmingHosts[0].images[0].counts');
    expect(message).toContain('unknown key "counts"');
  });

  it('all problems at once', () => {
    const errors = errorsOf(configJson([imageJson({ count: -1, image: '' })], { createDuration: 'soon' }));

    expect(errors.map((error) => error.path).sort()).toEqual(['createDuration', 'swarmingHosts[0].images[0].count', 'swarmingHosts[0].images[0].image']);
  });
});

describe('decodeConfig secrets', () => {
  const PEM_BODY = 'MIIBkTCB+wIJAKHBfpegPjMCMA0GCSqGSIb3DQEBCwUAMBExDzANBgNVBAMMBnVu';
  const certificate = `-----BEGIN CERTIFICATE-----\n${PEM_BODY}\n-----END CERTIFICATE-----\n`;
  const privateKey = `-----BEGIN PRIVATE KEY-----\n${PEM_BODY}\n-----END PRIVATE KEY-----`;

  it.each([
    ['a certificate in cert', 'cert', certificate],
    ['a private key in key', 'key', privateKey],
    ['multi-line text in key', 'key', `line one ${PEM_BODY}\nline two`],
  ])('rejects %s without showing it', (_, field, secret) => {
    const errors = errorsOf(configJson([imageJson({ [field]: secret })]));
    const report = formatConfigErrors(errors, 'config.json');

    expect(report).toContain(`swarmingHosts[0].images[0].${field}`);
    expect(report).toContain('secret:project/name');
    expect(report).not.toContain(PEM_BODY);
    expect(report).not.toContain('BEGIN');
    expect(JSON.stringify(errors)).not.toContain(PEM_BODY);
  });

  it('never echoes a secret next to other errors', () => {
    const errors = errorsOf(configJson([imageJson({ cert: certificate, key: privateKey, count: 'many' })], { unknown: certificate }));
    const report = formatConfigErrors(errors);

    expect(errors.length).toBeGreaterThanOrEqual(4);
    expect(report).not.toContain(PEM_BODY);
    expect(JSON.stringify(errors)).not.toContain(PEM_BODY);
  });
});
