/**
 * Renders plans that core's planner made from a small hand-built snapshot,
 * so the renderers are checked on real plans as well as on hand-built ones.
 */
import { describe, expect, it } from 'vitest';

import { decodeConfig, listed, plan, type Bot, type Config, type Lease, type Snapshot } from '@makemac/core';
import * as E from 'fp-ts/lib/Either.js';

import { toPlanDocument } from '../src/render/json.js';
import { renderPlanTable } from '../src/render/table.js';

const HOST = 'chromium-swarm.appspot.com';
const IMAGE = 'b16a8a5f2d1e383667c3764d915551f4af56d63edd0679539703688a6b9f6754';
const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 2, 8, 17, 0, 0);

const decoded = decodeConfig({
  swarmingHosts: [
    {
      host: HOST,
      pool: 'luci.golang.shared-workers',
      images: [
        {
          hostname: 'darwin-amd64-14',
          image: IMAGE,
          count: 2,
          cert: 'secret:proj/darwin-amd64-14-cert',
          key: 'secret:proj/darwin-amd64-14-key',
        },
      ],
    },
  ],
});
if (E.isLeft(decoded)) throw new Error('the test configuration is invalid');
const config: Config = decoded.right;

const lease = (leaseId: string, projectName: string, hoursLeft: number): Lease => ({
  leaseId,
  projectName,
  image: IMAGE,
  expires: NOW + hoursLeft * HOUR,
  metadata: {},
});

const bot = (leaseId: string, isDead: boolean): Bot => ({
  botId: `darwin-amd64-14--${leaseId}.golang.c3.macservice.goog`,
  leaseId,
  isDead,
  quarantined: false,
});

// Lease 1 has a live bot and 22 h left, lease 2 a dead bot, lease 3 belongs to another team.
const snapshot: Snapshot = {
  now: NOW,
  leases: [
    lease('00000000-0000-0000-0000-000000000001', `makemac/${HOST}`, 22),
    lease('00000000-0000-0000-0000-000000000002', `makemac/${HOST}`, 20),
    lease('00000000-0000-0000-0000-000000000003', 'other-team/ci', 5),
  ],
  swarming: [listed(HOST, [bot('00000000-0000-0000-0000-000000000001', false), bot('00000000-0000-0000-0000-000000000002', true)])],
};

describe('rendering plans from the planner', () => {
  it('writes the JSON decisions and actions', () => {
    const document = toPlanDocument(plan(config, snapshot));

    expect(document.decisions.map((decision) => [decision.leaseId.slice(-1), decision.decision, decision.reason])).toEqual([
      ['1', 'renew', 'renew-due'],
      ['2', 'vacate', 'bot-dead'],
      ['3', 'skip', 'unmanaged'],
    ]);
    expect(document.actions.map((action) => action.type)).toEqual(['vacate', 'renew', 'create']);
    expect(document.groups).toEqual([
      { swarmingHost: HOST, image: IMAGE, hostname: 'darwin-amd64-14', have: 2, want: 2, create: 1, deferred: 0 },
    ]);
    expect(document.summary.converged).toBe(false);
  });

  it('writes the create with references only', () => {
    const create = toPlanDocument(plan(config, snapshot)).actions[2];

    expect(create?.type).toBe('create');
    if (create?.type !== 'create') return;
    expect(create.request.projectName).toBe(`makemac/${HOST}`);
    expect(create.request.duration).toBe('86400s');
    expect(create.request.metadata).toContainEqual({ key: 'golang.cert', secretReference: 'secret:proj/darwin-amd64-14-cert' });
    expect(create.request.metadata).toContainEqual({ key: 'golang.key', secretReference: 'secret:proj/darwin-amd64-14-key' });
  });

  it('writes the table sections and phrases', () => {
    const text = renderPlanTable(plan(config, snapshot));

    expect(text).toContain(`Swarming host ${HOST}\n`);
    expect(text).toContain('  b16a8a5f2d1e  darwin-amd64-14     2     2       1         0\n');
    expect(text).toMatch(/00000000-0000-0000-0000-000000000002 +b16a8a5f2d1e +darwin-amd64-14 +vacate +the bot is dead/);
    expect(text).toContain('Leases without a swarming host');
    expect(text).toMatch(/00000000-0000-0000-0000-000000000003 +b16a8a5f2d1e +- +skip +not managed by makemac/);
    expect(text).toContain('Summary: vacate 1, drain 0, renew 1, create 1; keep 0, skip 1; 3 leases;');
  });
});
