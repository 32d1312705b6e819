/**
 * End-to-end tests of bad input to `makemac plan`, through the built CLI:
 * every problem ends with exit code 2 and a message that names the file, the
 * place in it and what was expected.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { PRODUCTION_CONFIG, requireBuiltCli, runCliProcess } from './cli-process.js';

let directory: string;

const write = async (name: string, text: string): Promise<string> => {
  const path = join(directory, name);
  await writeFile(path, text);
  return path;
};

const HOST = 'chromium-swarm.appspot.com';
const IMAGE = 'b16a8a5f2d1e383667c3764d915551f4af56d63edd0679539703688a6b9f6754';

const validConfig = JSON.stringify({
  swarmingHosts: [
    {
      host: HOST,
      pool: 'luci.golang.shared-workers',
      images: [{ hostname: 'darwin-amd64-14', image: IMAGE, count: 2, cert: 'secret:p/cert', key: 'secret:p/key' }],
    },
  ],
});

beforeAll(async () => {
  requireBuiltCli();
  directory = await mkdtemp(join(tmpdir(), 'makemac-plan-input-'));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe.concurrent('makemac plan with bad input', () => {
  it('rejects a missing config file', async () => {
    const missing = join(directory, 'nope.json');
    const result = await runCliProcess(['plan', '--config', missing]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(missing);
    expect(result.stderr).toContain('no such file');
  });

  it('rejects config that is not JSON', async () => {
    const path = await write('broken.json', '{\n  "swarmingHosts": [\n    {"host": "a",}\n  ]\n}\n');
    const result = await runCliProcess(['plan', '--config', path]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(path);
    expect(result.stderr).toContain('invalid JSON at line 3');
  });

  it('rejects an invalid config with its path', async () => {
    const config = JSON.parse(validConfig) as { swarmingHosts: { images: { count: unknown }[] }[] };
    config.swarmingHosts[0]!.images[0]!.count = 'twenty';
    const path = await write('invalid.json', JSON.stringify(config));
    const result = await runCliProcess(['plan', '--config', path]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(path);
    expect(result.stderr).toContain('swarmingHosts[0].images[0].count');
  });

  it('rejects an unknown flag with help', async () => {
    const result = await runCliProcess(['plan', '--config', PRODUCTION_CONFIG, '--frobnicate']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option '--frobnicate'");
    expect(result.stderr).toContain('Usage: makemac plan [options]');
  });

  it('rejects an unknown command with help', async () => {
    const result = await runCliProcess(['plna']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown command 'plna'");
    expect(result.stderr).toContain('Usage: makemac');
  });

  it('rejects a time that is not RFC 3339', async () => {
    const result = await runCliProcess(['plan', '--config', PRODUCTION_CONFIG, '--now', 'yesterday']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--now must be an RFC 3339 time');
  });

  it('names a host without a bots capture', async () => {
    const config = await write('one-host.json', validConfig);
    const leases = await write('find.json', '{"instances": []}');
    const result = await runCliProcess(['plan', '--config', config, '--leases', leases, '--bots', `other.example.com=${leases}`]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('other.example.com');
    expect(result.stderr).toContain('not list');
  });

  it('requires bots for every configured host', async () => {
    const result = await runCliProcess([
      'plan',
      '--config',
      PRODUCTION_CONFIG,
      '--leases',
      await write('find-empty.json', '{}'),
      '--bots',
      `${HOST}=${await write('bots-empty.json', '{}')}`,
    ]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no ListBots capture for swarming host chrome-swarming.appspot.com');
  });

  it('names the path of a bad leases capture', async () => {
    const config = await write('config.json', validConfig);
    const bots = await write('bots.json', ")]}'\n{}");
    const leases = await write(
      'find-bad.json',
      JSON.stringify({
        instances: [
          {
            lease: { leaseId: 'a', expires: 12, vmResourceNamespace: { projectName: `makemac/${HOST}` } },
            instanceSpecification: {
              metadata: [{ key: 'golang.key', value: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----' }],
            },
          },
        ],
      }),
    );
    const result = await runCliProcess(['plan', '--config', config, '--leases', leases, '--bots', `${HOST}=${bots}`]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(leases);
    expect(result.stderr).toContain('instances[0].lease.expires');
    expect(result.stderr).not.toContain('BEGIN PRIVATE KEY');
  });

  it('names the page of a bad bots capture', async () => {
    const config = await write('config2.json', validConfig);
    const leases = await write('find-ok.json', '{"instances": []}');
    const bots = await write('bots-pages.json', JSON.stringify([{ items: [] }, { items: [{ botId: 7 }] }]));
    const result = await runCliProcess(['plan', '--config', config, '--leases', leases, '--bots', `${HOST}=${bots}`]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(bots);
    expect(result.stderr).toContain('[1].items[0].botId');
  });

  it('requires leases with bots', async () => {
    const result = await runCliProcess(['plan', '--config', PRODUCTION_CONFIG, '--bots', `${HOST}=x.json`]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--bots needs --leases');
  });

  it('requires the API key in live mode', async () => {
    const result = await runCliProcess(['plan', '--config', PRODUCTION_CONFIG, '--api-key-env', 'MAKEMAC_TEST_NO_SUCH_KEY']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('MAKEMAC_TEST_NO_SUCH_KEY');
  });
});
