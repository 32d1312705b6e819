/**
 * Worked examples for each planner rule. Expected plans are written out by
 * hand from the rules in docs/planner.md, not computed by the planner. The
 * hosts use an open safety policy, so each example shows the rule alone.
 */
import { describe, expect, it } from 'vitest';

import type { Action, Decision, Plan } from '../src/index.js';
import { listed, listingFailed, plan } from '../src/index.js';
import {
  HOST_A,
  HOST_B,
  HOUR,
  IMAGE_14,
  IMAGE_15,
  IMAGE_OLD,
  MINUTE,
  NOW,
  bot,
  hostConfig,
  imageConfig,
  lease,
  leaseId,
  listingsOfA,
  makeConfig,
  snapshot,
} from './fixtures.js';

/** Host A wants two darwin-amd64-14 leases; host B wants none. */
const config = makeConfig([hostConfig(HOST_A, [imageConfig('darwin-amd64-14', IMAGE_14, 2)]), hostConfig(HOST_B, [])]);

const decisionOf = (result: Plan, id: string): Decision => {
  const found = result.decisions.find((decision) => decision.leaseId === id);
  if (found === undefined) throw new Error(`no decision for ${id}`);
  return found;
};

const actionsOf = (result: Plan, id: string): Action[] =>
  result.actions.filter((action) => action._tag !== 'Create' && action.leaseId === id);

const vacatedIds = (result: Plan): string[] =>
  result.actions.flatMap((action) => (action._tag === 'Vacate' ? [action.leaseId] : []));

const renewedIds = (result: Plan): string[] =>
  result.actions.flatMap((action) => (action._tag === 'Renew' ? [action.leaseId] : []));

const creates = (result: Plan): Extract<Action, { _tag: 'Create' }>[] =>
  result.actions.flatMap((action) => (action._tag === 'Create' ? [action] : []));

describe('ownership', () => {
  it('skips leases of other projects', () => {
    const projects = ['other-team/ci', 'makemac', 'makemac/', 'makemacx/chromium-swarm.appspot.com', ''];
    const leases = projects.map((projectName, index) => lease(leaseId(index + 1), { projectName, remaining: 20 * HOUR }));

    const result = plan(config, snapshot(leases, listingsOfA([])));

    for (const item of leases) {
      const decision = decisionOf(result, item.leaseId);
      expect(decision.decision).toBe('skip');
      expect(decision.reason).toBe('unmanaged');
      expect(decision.swarmingHost).toBeUndefined();
      expect(actionsOf(result, item.leaseId)).toEqual([]);
    }
  });

  it('skips leases of a host that is not configured', () => {
    const retired = lease(leaseId(1), { projectName: 'makemac/retired-swarm.appspot.com', remaining: HOUR });

    const result = plan(config, snapshot([retired], listingsOfA([])));

    expect(decisionOf(result, retired.leaseId)).toMatchObject({
      decision: 'skip',
      reason: 'foreign-host',
      swarmingHost: 'retired-swarm.appspot.com',
    });
    expect(actionsOf(result, retired.leaseId)).toEqual([]);
  });

  it('splits the project at the first slash', () => {
    const nested = lease(leaseId(1), { projectName: `makemac/${HOST_A}/extra` });

    const result = plan(config, snapshot([nested], listingsOfA([])));

    expect(decisionOf(result, nested.leaseId)).toMatchObject({ reason: 'foreign-host', swarmingHost: `${HOST_A}/extra` });
  });
});

describe('missing bots', () => {
  it('keeps a booting lease without a bot', () => {
    const booting = lease(leaseId(1), { remaining: 23 * HOUR + 30 * MINUTE });

    const result = plan(config, snapshot([booting], listingsOfA([])));

    expect(decisionOf(result, booting.leaseId)).toMatchObject({ decision: 'keep', reason: 'booting' });
    expect(decisionOf(result, booting.leaseId).detail).toContain('23h30m left');
    expect(actionsOf(result, booting.leaseId)).toEqual([]);
  });

  it('vacates a lease that never connected', () => {
    const stale = lease(leaseId(1), { remaining: 22 * HOUR });

    const result = plan(config, snapshot([stale], listingsOfA([])));

    expect(decisionOf(result, stale.leaseId)).toMatchObject({ decision: 'vacate', reason: 'never-connected' });
    expect(decisionOf(result, stale.leaseId).detail).toContain('22h left');
    expect(actionsOf(result, stale.leaseId)).toEqual([
      { _tag: 'Vacate', leaseId: stale.leaseId, swarmingHost: HOST_A, image: IMAGE_14, reason: 'never-connected' },
    ]);
  });

  it('stops booting at exactly the renew duration', () => {
    const atBoundary = lease(leaseId(1), { remaining: 23 * HOUR });
    const justAbove = lease(leaseId(2), { remaining: 23 * HOUR + 1 });

    const result = plan(config, snapshot([atBoundary, justAbove], listingsOfA([])));

    expect(decisionOf(result, atBoundary.leaseId).reason).toBe('never-connected');
    expect(decisionOf(result, justAbove.leaseId).reason).toBe('booting');
  });

  it('finds a bot listed by another host', () => {
    const roaming = lease(leaseId(1), { remaining: 22 * HOUR });

    const result = plan(config, snapshot([roaming], [listed(HOST_A, []), listed(HOST_B, [bot(roaming.leaseId)])]));

    expect(decisionOf(result, roaming.leaseId)).toMatchObject({ decision: 'renew', reason: 'renew-due' });
    expect(result.warnings).toContainEqual(
      expect.objectContaining({ code: 'bot-on-other-host', leaseId: roaming.leaseId, swarmingHost: HOST_A }),
    );
  });
});

describe('dead bots', () => {
  it('vacates the lease of a dead bot even while booting', () => {
    const young = lease(leaseId(1), { remaining: 23 * HOUR + 50 * MINUTE });
    const old = lease(leaseId(2), { remaining: 2 * HOUR });

    const result = plan(config, snapshot([young, old], listingsOfA([bot(young.leaseId, { dead: true }), bot(old.leaseId, { dead: true })])));

    expect(decisionOf(result, young.leaseId)).toMatchObject({ decision: 'vacate', reason: 'bot-dead' });
    expect(decisionOf(result, old.leaseId)).toMatchObject({ decision: 'vacate', reason: 'bot-dead' });
    expect(decisionOf(result, young.leaseId).detail).toBe(`bot darwin-amd64-14--${young.leaseId}.golang.c3.macservice.goog is dead`);
  });

  it('prefers a live bot when two name the lease', () => {
    const reimaged = lease(leaseId(1), { remaining: 22 * HOUR });
    const bots = [bot(reimaged.leaseId, { dead: true, hostname: 'darwin-amd64-13' }), bot(reimaged.leaseId)];

    const result = plan(config, snapshot([reimaged], listingsOfA(bots)));

    expect(decisionOf(result, reimaged.leaseId).reason).toBe('renew-due');
  });

  it('summarises dead bots without a lease per host', () => {
    const orphans = [bot(leaseId(7), { dead: true }), bot(leaseId(8), { dead: true }), bot(leaseId(9), { dead: true })];

    const result = plan(config, snapshot([], listingsOfA(orphans)));

    const summaries = result.warnings.filter((warning) => warning.code === 'bot-without-lease');
    expect(summaries).toHaveLength(1);
    expect(summaries[0]?.swarmingHost).toBe(HOST_A);
    expect(summaries[0]?.message).toMatch(/^3 dead bots listed by chromium-swarm\.appspot\.com/);
    expect(result.actions.filter((action) => action._tag === 'Vacate')).toEqual([]);
  });

  it('reports a live bot without a lease', () => {
    const result = plan(config, snapshot([], listingsOfA([bot(leaseId(9))])));

    expect(result.warnings).toContainEqual(
      expect.objectContaining({ code: 'bot-without-lease', botId: bot(leaseId(9)).botId, swarmingHost: HOST_A }),
    );
  });
});

describe('images', () => {
  it('vacates a lease whose image is no longer configured', () => {
    const obsolete = lease(leaseId(1), { image: IMAGE_OLD, remaining: 20 * HOUR });

    const result = plan(config, snapshot([obsolete], listingsOfA([bot(obsolete.leaseId)])));

    expect(decisionOf(result, obsolete.leaseId)).toMatchObject({ decision: 'vacate', reason: 'image-obsolete' });
    expect(decisionOf(result, obsolete.leaseId).detail).toBe(`image ${IMAGE_OLD} is not configured for ${HOST_A}`);
  });

  it('counts the same image separately on two hosts', () => {
    const twoHosts = makeConfig([
      hostConfig(HOST_A, [imageConfig('darwin-amd64-14', IMAGE_14, 1)]),
      hostConfig(HOST_B, [imageConfig('darwin-amd64-14-security', IMAGE_14, 2)]),
    ]);
    const onA = lease(leaseId(1), { host: HOST_A });
    const onB = lease(leaseId(2), { host: HOST_B });

    const result = plan(twoHosts, snapshot([onA, onB], [listed(HOST_A, [bot(onA.leaseId)]), listed(HOST_B, [bot(onB.leaseId)])]));

    expect(result.groups).toEqual([
      { swarmingHost: HOST_A, image: IMAGE_14, hostname: 'darwin-amd64-14', have: 1, want: 1, create: 0, deferred: 0 },
      { swarmingHost: HOST_B, image: IMAGE_14, hostname: 'darwin-amd64-14-security', have: 1, want: 2, create: 1, deferred: 0 },
    ]);
    expect(creates(result).map((action) => action.hostname)).toEqual(['darwin-amd64-14-security']);
    expect(vacatedIds(result)).toEqual([]);
  });
});

describe('over count', () => {
  it('vacates the surplus in victim order', () => {
    const quarantined = lease(leaseId(5), { remaining: 22 * HOUR });
    const booting = lease(leaseId(4), { remaining: 23 * HOUR + 30 * MINUTE });
    const idleEarly = lease(leaseId(3), { remaining: 21 * HOUR });
    const idleLate = lease(leaseId(2), { remaining: 22 * HOUR + 30 * MINUTE });
    const busy = lease(leaseId(1), { remaining: 20 * HOUR });
    const bots = [
      bot(quarantined.leaseId, { quarantined: true }),
      bot(idleEarly.leaseId),
      bot(idleLate.leaseId),
      bot(busy.leaseId, { taskId: '6d1e0fa42b1d8a10' }),
    ];

    const result = plan(config, snapshot([quarantined, booting, idleEarly, idleLate, busy], listingsOfA(bots)));

    expect(vacatedIds(result)).toEqual([idleEarly.leaseId, booting.leaseId, quarantined.leaseId]);
    expect(renewedIds(result)).toEqual([busy.leaseId, idleLate.leaseId]);
    expect(decisionOf(result, idleEarly.leaseId).reason).toBe('over-count');
    expect(decisionOf(result, idleEarly.leaseId).detail).toContain('5 leases of darwin-amd64-14 on chromium-swarm.appspot.com are in use and the count is 2, so 3 must go; its bot is idle');
    expect(decisionOf(result, quarantined.leaseId).detail).toContain('its bot is quarantined');
    expect(creates(result)).toEqual([]);
  });

  it('treats a bot in maintenance like a quarantined one', () => {
    const maintained = lease(leaseId(9), { remaining: 22 * HOUR });
    const idle = [lease(leaseId(1)), lease(leaseId(2))];
    const bots = [bot(maintained.leaseId, { maintenanceMessage: 'disk check' }), ...idle.map((item) => bot(item.leaseId))];

    const result = plan(config, snapshot([maintained, ...idle], listingsOfA(bots)));

    expect(vacatedIds(result)).toEqual([maintained.leaseId]);
    expect(decisionOf(result, maintained.leaseId).detail).toContain('its bot is in maintenance');
  });

  it('breaks expiry ties by lease id', () => {
    const leases = [lease(leaseId(3)), lease(leaseId(1)), lease(leaseId(2))];

    const result = plan(config, snapshot(leases, listingsOfA(leases.map((item) => bot(item.leaseId)))));

    expect(vacatedIds(result)).toEqual([leaseId(1)]);
  });

  it('counts only leases that survive the other rules', () => {
    const dead = lease(leaseId(1));
    const live = [lease(leaseId(2)), lease(leaseId(3))];
    const bots = [bot(dead.leaseId, { dead: true }), ...live.map((item) => bot(item.leaseId))];

    const result = plan(config, snapshot([dead, ...live], listingsOfA(bots)));

    expect(vacatedIds(result)).toEqual([dead.leaseId]);
    expect(decisionOf(result, dead.leaseId).reason).toBe('bot-dead');
    expect(result.groups[0]).toMatchObject({ have: 3, want: 2, create: 0 });
  });
});

describe('renewals', () => {
  it('renews at exactly the renew duration and not above it', () => {
    const due = lease(leaseId(1), { remaining: 23 * HOUR });
    const notDue = lease(leaseId(2), { remaining: 23 * HOUR + 1 });

    const result = plan(config, snapshot([due, notDue], listingsOfA([bot(due.leaseId), bot(notDue.leaseId)])));

    expect(decisionOf(result, due.leaseId)).toMatchObject({ decision: 'renew', reason: 'renew-due' });
    expect(decisionOf(result, due.leaseId).detail).toBe('23h left, renew due at <= 23h');
    expect(decisionOf(result, notDue.leaseId)).toMatchObject({ decision: 'keep', reason: 'renew-not-due' });
    expect(decisionOf(result, notDue.leaseId).detail).toBe('23h0.001s left, renew due at <= 23h');
    expect(actionsOf(result, due.leaseId)).toEqual([
      { _tag: 'Renew', leaseId: due.leaseId, swarmingHost: HOST_A, image: IMAGE_14, expires: NOW + 23 * HOUR, duration: 23 * HOUR },
    ]);
    expect(actionsOf(result, notDue.leaseId)).toEqual([]);
  });

  it('renews an expired lease whose bot is alive', () => {
    const expired = lease(leaseId(1), { remaining: -5 * MINUTE });

    const result = plan(config, snapshot([expired], listingsOfA([bot(expired.leaseId)])));

    expect(decisionOf(result, expired.leaseId)).toMatchObject({ decision: 'renew', reason: 'renew-due' });
    expect(decisionOf(result, expired.leaseId).detail).toBe('expired 5m ago, renew due at <= 23h');
    expect(renewedIds(result)).toEqual([expired.leaseId]);
  });

  it('shows time left to the second', () => {
    const due = lease(leaseId(1), { remaining: 22 * HOUR + 9 * MINUTE + 59_999 });

    const result = plan(config, snapshot([due], listingsOfA([bot(due.leaseId)])));

    expect(decisionOf(result, due.leaseId).detail).toBe('22h9m59s left, renew due at <= 23h');
  });

  it('does not renew a lease it vacates', () => {
    const dead = lease(leaseId(1), { remaining: 2 * HOUR });

    const result = plan(config, snapshot([dead], listingsOfA([bot(dead.leaseId, { dead: true })])));

    expect(renewedIds(result)).toEqual([]);
    expect(vacatedIds(result)).toEqual([dead.leaseId]);
  });
});

describe('creates', () => {
  it('creates the missing leases with a full request', () => {
    const existing = lease(leaseId(1));

    const result = plan(config, snapshot([existing], listingsOfA([bot(existing.leaseId)])));

    const request = {
      namespace: { customerName: 'golang', projectName: `makemac/${HOST_A}`, subCustomerName: '' },
      image: IMAGE_14,
      profile: 'V1_MEDIUM_VM',
      accessLevel: 'GOLANG_OSS',
      duration: 24 * HOUR,
      metadata: [
        { key: 'golang.swarming', value: { _tag: 'Plain', value: HOST_A } },
        { key: 'golang.hostname', value: { _tag: 'Plain', value: 'darwin-amd64-14' } },
        { key: 'golang.cert', value: { _tag: 'SecretReference', reference: 'secret:symbolic-datum-552/darwin-amd64-14-cert' } },
        { key: 'golang.key', value: { _tag: 'SecretReference', reference: 'secret:symbolic-datum-552/darwin-amd64-14-key' } },
      ],
    };
    expect(creates(result)).toEqual([{ _tag: 'Create', swarmingHost: HOST_A, image: IMAGE_14, hostname: 'darwin-amd64-14', request }]);
    expect(result.groups).toEqual([{ swarmingHost: HOST_A, image: IMAGE_14, hostname: 'darwin-amd64-14', have: 1, want: 2, create: 1, deferred: 0 }]);
  });

  it('replaces vacated leases in the same plan', () => {
    const dead = lease(leaseId(1));
    const obsolete = lease(leaseId(2), { image: IMAGE_OLD });

    const result = plan(config, snapshot([dead, obsolete], listingsOfA([bot(dead.leaseId, { dead: true }), bot(obsolete.leaseId)])));

    expect(vacatedIds(result)).toEqual([dead.leaseId, obsolete.leaseId]);
    expect(creates(result)).toHaveLength(2);
  });

  it('orders actions as vacates, renewals, then creates by configuration', () => {
    const twoImages = makeConfig([
      hostConfig(HOST_A, [imageConfig('darwin-arm64-15', IMAGE_15, 1), imageConfig('darwin-amd64-14', IMAGE_14, 2)]),
      hostConfig(HOST_B, [imageConfig('darwin-amd64-14-security', IMAGE_14, 1)]),
    ]);
    const leases = [lease(leaseId(4), { image: IMAGE_OLD }), lease(leaseId(3)), lease(leaseId(2), { image: IMAGE_OLD }), lease(leaseId(1))];
    const bots = leases.map((item) => bot(item.leaseId));

    const result = plan(twoImages, snapshot(leases, [listed(HOST_A, bots), listed(HOST_B, [])]));

    expect(result.actions.map((action) => (action._tag === 'Create' ? `create ${action.hostname}` : `${action._tag} ${action.leaseId}`))).toEqual([
      `Vacate ${leaseId(2)}`,
      `Vacate ${leaseId(4)}`,
      `Renew ${leaseId(1)}`,
      `Renew ${leaseId(3)}`,
      'create darwin-arm64-15',
      'create darwin-amd64-14-security',
    ]);
  });
});

describe('listing failures', () => {
  it('only renews on a host whose listing failed', () => {
    const twoHosts = makeConfig([
      hostConfig(HOST_A, [imageConfig('darwin-amd64-14', IMAGE_14, 3)]),
      hostConfig(HOST_B, [imageConfig('darwin-amd64-14-security', IMAGE_14, 1)]),
    ]);
    const due = lease(leaseId(1), { host: HOST_A, remaining: 22 * HOUR });
    const notDue = lease(leaseId(2), { host: HOST_A, remaining: 23 * HOUR + 10 * MINUTE });
    const obsolete = lease(leaseId(3), { host: HOST_A, image: IMAGE_OLD, remaining: 2 * HOUR });
    const strandedOnB = lease(leaseId(4), { host: HOST_B, remaining: 22 * HOUR });

    const result = plan(twoHosts, snapshot([due, notDue, obsolete, strandedOnB], [listingFailed(HOST_A, 'UNAVAILABLE'), listed(HOST_B, [])]));

    expect(decisionOf(result, due.leaseId)).toMatchObject({ decision: 'renew', reason: 'listing-failed' });
    expect(decisionOf(result, notDue.leaseId)).toMatchObject({ decision: 'keep', reason: 'listing-failed' });
    expect(decisionOf(result, obsolete.leaseId)).toMatchObject({ decision: 'renew', reason: 'listing-failed' });
    expect(renewedIds(result)).toEqual([due.leaseId, obsolete.leaseId]);
    expect(vacatedIds(result)).toEqual([strandedOnB.leaseId]);
    expect(creates(result).map((action) => action.swarmingHost)).toEqual([HOST_B]);
    expect(result.groups[0]).toMatchObject({ swarmingHost: HOST_A, have: 2, want: 3, create: 0 });
    expect(result.warnings).toContainEqual(expect.objectContaining({ code: 'listing-failed', swarmingHost: HOST_A }));
  });

  it('treats a host with no listing as failed', () => {
    const due = lease(leaseId(1), { remaining: 22 * HOUR });

    const result = plan(config, snapshot([due], [listed(HOST_B, [])]));

    expect(decisionOf(result, due.leaseId)).toMatchObject({ decision: 'renew', reason: 'listing-failed' });
    expect(creates(result)).toEqual([]);
    expect(result.warnings).toContainEqual(expect.objectContaining({ code: 'listing-missing', swarmingHost: HOST_A }));
  });

  it('lets a failure win over a success for the same host', () => {
    const stale = lease(leaseId(1), { remaining: 22 * HOUR });

    const result = plan(config, snapshot([stale], [listed(HOST_A, []), listingFailed(HOST_A, 'DEADLINE_EXCEEDED'), listed(HOST_B, [])]));

    expect(vacatedIds(result)).toEqual([]);
    expect(renewedIds(result)).toEqual([stale.leaseId]);
  });
});

describe('input anomalies', () => {
  it('plans a duplicated lease once', () => {
    const older = lease(leaseId(1), { remaining: 2 * HOUR });
    const newer = lease(leaseId(1), { remaining: 23 * HOUR + 30 * MINUTE });

    const result = plan(config, snapshot([older, newer], listingsOfA([])));

    expect(result.decisions).toHaveLength(1);
    expect(decisionOf(result, leaseId(1)).reason).toBe('booting');
    expect(result.warnings).toContainEqual(expect.objectContaining({ code: 'duplicate-lease', leaseId: leaseId(1) }));
  });

  it('reports bots whose id names no lease', () => {
    const result = plan(
      config,
      snapshot([], [listed(HOST_A, [], [{ botId: 'build-mac-1', reason: 'does not match the bot id pattern' }]), listed(HOST_B, [])]),
    );

    expect(result.warnings).toEqual([
      expect.objectContaining({ code: 'bot-id-unparsed', botId: 'build-mac-1', swarmingHost: HOST_A }),
    ]);
  });

  it('plans an empty snapshot as creates only', () => {
    const result = plan(config, snapshot([], listingsOfA([])));

    expect(result.decisions).toEqual([]);
    expect(result.actions).toHaveLength(2);
    expect(result.now).toBe(NOW);
  });

  it('creates nothing for a repeated image entry', () => {
    const repeated = makeConfig([
      hostConfig(HOST_A, [imageConfig('darwin-amd64-14', IMAGE_14, 1), imageConfig('darwin-amd64-14-copy', IMAGE_14, 1)]),
    ]);
    const existing = lease(leaseId(1));

    const result = plan(repeated, snapshot([existing], [listed(HOST_A, [bot(existing.leaseId)])]));

    expect(result.groups.map((group) => [group.hostname, group.have, group.create])).toEqual([
      ['darwin-amd64-14', 1, 0],
      ['darwin-amd64-14-copy', 0, 0],
    ]);
  });
});

describe('rule order', () => {
  it('vacates a booting lease whose image is obsolete', () => {
    const booting = lease(leaseId(1), { image: IMAGE_OLD, remaining: 23 * HOUR + 30 * MINUTE });

    const result = plan(config, snapshot([booting], listingsOfA([])));

    expect(decisionOf(result, booting.leaseId)).toMatchObject({ decision: 'vacate', reason: 'image-obsolete' });
  });

  it('names a dead bot before an obsolete image', () => {
    const both = lease(leaseId(1), { image: IMAGE_OLD });

    const result = plan(config, snapshot([both], listingsOfA([bot(both.leaseId, { dead: true })])));

    expect(decisionOf(result, both.leaseId).reason).toBe('bot-dead');
  });

  it('names a missing bot before an obsolete image', () => {
    const both = lease(leaseId(1), { image: IMAGE_OLD, remaining: 3 * HOUR });

    const result = plan(config, snapshot([both], listingsOfA([])));

    expect(decisionOf(result, both.leaseId).reason).toBe('never-connected');
  });
});
