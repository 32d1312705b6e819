/**
 * End-to-end test that an offline plan from captured response bodies equals
 * the live plan against the emulator holding the same state. The captures
 * are fetched with plain fetch, as an operator would save them.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Emulator } from '@makemac/emulator';

import { PRODUCTION_CONFIG, requireBuiltCli, runCliProcess } from './cli-process.js';
import { liveEnv, liveFlags, startSeededEmulator, virtualNow } from './emulator-harness.js';

const XSSI_PREFIX = ")]}'";

let emulator: Emulator;
let directory: string;

beforeAll(async () => {
  requireBuiltCli();
  directory = await mkdtemp(join(tmpdir(), 'makemac-offline-'));
  emulator = (await startSeededEmulator({ seed: 5 })).emulator;
});

afterAll(async () => {
  await emulator.stop();
  await rm(directory, { recursive: true, force: true });
});

const fetchFindBody = async (): Promise<string> => {
  const response = await fetch(`${emulator.macServiceUrl}leases:find`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'x-goog-api-key': emulator.apiKey },
    body: JSON.stringify({ vmResourceNamespace: { customerName: 'golang', projectName: '', subCustomerName: '' } }),
  });
  expect(response.status).toBe(200);
  return response.text();
};

const fetchListBots = async (url: string, pool: string, limit: number, cursor?: string): Promise<string> => {
  const response = await fetch(`${url}/prpc/swarming.v2.Bots/ListBots`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Accept: 'application/json',
      Authorization: `Bearer ${emulator.token}`,
    },
    body: JSON.stringify({
      limit,
      ...(cursor === undefined ? {} : { cursor }),
      dimensions: [
        { key: 'pool', value: pool },
        { key: 'os', value: 'Mac' },
      ],
    }),
  });
  expect(response.status).toBe(200);
  return response.text();
};

const parsePage = (text: string): { cursor?: string } & Record<string, unknown> =>
  JSON.parse(text.startsWith(XSSI_PREFIX) ? text.slice(XSSI_PREFIX.length) : text) as { cursor?: string };

describe('offline plan from captures', () => {
  it('equals the live plan', async () => {
    const [first, second] = emulator.swarmingHosts;
    if (first === undefined || second === undefined) throw new Error('the emulator serves fewer than two swarming hosts');

    // The first host as one body, exactly as received (with the pRPC prefix);
    // the second as a JSON array of small pages.
    const findPath = join(directory, 'find.json');
    await writeFile(findPath, await fetchFindBody());
    const firstPath = join(directory, 'bots-first.json');
    await writeFile(firstPath, await fetchListBots(first.url, first.pool, 1000));

    const pages: unknown[] = [];
    let cursor: string | undefined;
    do {
      const page = parsePage(await fetchListBots(second.url, second.pool, 7, cursor));
      pages.push(page);
      cursor = page.cursor;
    } while (cursor !== undefined && cursor !== '');
    expect(pages.length).toBeGreaterThan(1);
    const secondPath = join(directory, 'bots-second.json');
    await writeFile(secondPath, JSON.stringify(pages));

    const now = virtualNow(emulator);
    const offline = await runCliProcess([
      'plan',
      '--config',
      PRODUCTION_CONFIG,
      '--output',
      'json',
      '--now',
      now,
      '--leases',
      findPath,
      '--bots',
      `${first.host}=${firstPath}`,
      '--bots',
      `${second.host}=${secondPath}`,
    ]);
    const live = await runCliProcess(['plan', '--config', PRODUCTION_CONFIG, '--output', 'json', '--now', now, ...liveFlags(emulator)], {
      env: liveEnv(emulator),
    });

    expect(offline.stderr).toBe('');
    expect(offline.code).toBe(0);
    expect(live.code).toBe(0);
    expect(offline.stdout).toBe(live.stdout);

    const plan = JSON.parse(offline.stdout) as { now: string; actions: unknown[]; decisions: unknown[] };
    expect(plan.now).toBe(now);
    expect(plan.actions.length).toBeGreaterThan(0);
    expect(plan.decisions.length).toBe(emulator.fleet.leases().length);
    // The find body carries bot certificates and keys; the plan must not.
    expect(offline.stdout).not.toContain('-----BEGIN');
  });
});
