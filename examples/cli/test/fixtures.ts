/**
 * Hand-built plans for the renderer tests. They use the plan types directly,
 * so the tests do not depend on what the planner decides.
 */
import type { Action, Decision, GroupSummary, Plan, PlannedLeaseRequest, Warning } from '@makemac/core';

export const HOST_PUBLIC = 'chromium-swarm.appspot.com';
export const HOST_INTERNAL = 'chrome-swarming.appspot.com';
export const HOST_FOREIGN = 'old-swarm.example.com';
export const IMAGE_A = 'f48c5538d2ac7b91c592dcce18f247e3aad70503558f92b41bdc010f2c8728a9';
export const IMAGE_B = 'b16a8a5f2d1e383667c3764d915551f4af56d63edd0679539703688a6b9f6754';
export const IMAGE_OLD = '0000aaaa1111bbbb2222cccc3333dddd4444eeee5555ffff6666777788889999';

/** 2026-03-08T17:00:00Z. */
export const NOW = Date.UTC(2026, 2, 8, 17, 0, 0);
export const HOUR = 3_600_000;

/** The busy bot of lease-y in {@link mixedPlan}. */
export const BOT_Y = 'darwin-amd64-10--lease-y.golang.c3.macservice.goog';

export const createRequest = (host: string, image: string, hostname: string): PlannedLeaseRequest => ({
  namespace: { customerName: 'golang', projectName: `makemac/${host}`, subCustomerName: '' },
  image,
  profile: 'V1_MEDIUM_VM',
  accessLevel: 'GOLANG_OSS',
  duration: 24 * HOUR,
  metadata: [
    { key: 'golang.swarming', value: { _tag: 'Plain', value: host } },
    { key: 'golang.hostname', value: { _tag: 'Plain', value: hostname } },
    { key: 'golang.cert', value: { _tag: 'SecretReference', reference: `secret:proj/${hostname}-cert` } },
    { key: 'golang.key', value: { _tag: 'SecretReference', reference: `secret:proj/${hostname}-key` } },
  ],
});

export const createAction = (host: string, image: string, hostname: string): Action => ({
  _tag: 'Create',
  swarmingHost: host,
  image,
  hostname,
  request: createRequest(host, image, hostname),
});

/** Builds a plan with every kind of action and decision and two warnings, deliberately out of order. */
export const mixedPlan = (): Plan => {
  const actions: Action[] = [
    createAction(HOST_PUBLIC, IMAGE_B, 'darwin-amd64-14'),
    { _tag: 'Renew', leaseId: 'lease-c', swarmingHost: HOST_PUBLIC, image: IMAGE_A, expires: NOW + 22 * HOUR, duration: 23 * HOUR },
    { _tag: 'Vacate', leaseId: 'lease-z', swarmingHost: HOST_PUBLIC, image: IMAGE_OLD, reason: 'image-obsolete' },
    { _tag: 'Vacate', leaseId: 'lease-b', swarmingHost: HOST_PUBLIC, image: IMAGE_A, reason: 'bot-dead' },
    createAction(HOST_INTERNAL, IMAGE_A, 'darwin-amd64-12-security'),
    { _tag: 'Drain', leaseId: 'lease-y', botId: BOT_Y, swarmingHost: HOST_PUBLIC, image: IMAGE_OLD, reason: 'image-obsolete' },
  ];
  const decisions: Decision[] = [
    { leaseId: 'lease-z', decision: 'vacate', reason: 'image-obsolete', swarmingHost: HOST_PUBLIC, image: IMAGE_OLD, detail: 'image 0000aaaa1111 is not configured for this host' },
    { leaseId: 'lease-y', decision: 'drain', reason: 'image-obsolete', swarmingHost: HOST_PUBLIC, image: IMAGE_OLD, detail: 'bot is running task 6a1f, so it is drained' },
    { leaseId: 'lease-b', decision: 'vacate', reason: 'bot-dead', swarmingHost: HOST_PUBLIC, image: IMAGE_A, detail: 'bot darwin-amd64-12--lease-b is dead' },
    { leaseId: 'lease-c', decision: 'renew', reason: 'renew-due', swarmingHost: HOST_PUBLIC, image: IMAGE_A, detail: '22h left, renewing to 23h' },
    { leaseId: 'lease-d', decision: 'keep', reason: 'booting', swarmingHost: HOST_PUBLIC, image: IMAGE_B, detail: '23h30m left, created within the last hour' },
    { leaseId: 'lease-u', decision: 'skip', reason: 'unmanaged', image: IMAGE_A, detail: 'project "other" is not makemac/<host>' },
    { leaseId: 'lease-f', decision: 'skip', reason: 'foreign-host', swarmingHost: HOST_FOREIGN, image: IMAGE_A, detail: 'host is not configured' },
    { leaseId: 'lease-i', decision: 'keep', reason: 'listing-failed', swarmingHost: HOST_INTERNAL, image: IMAGE_A, detail: 'listing of the host failed' },
  ];
  const groups: GroupSummary[] = [
    { swarmingHost: HOST_PUBLIC, image: IMAGE_A, hostname: 'darwin-amd64-12', have: 2, want: 1, create: 0, deferred: 0 },
    { swarmingHost: HOST_PUBLIC, image: IMAGE_B, hostname: 'darwin-amd64-14', have: 1, want: 3, create: 1, deferred: 1 },
    { swarmingHost: HOST_INTERNAL, image: IMAGE_A, hostname: 'darwin-amd64-12-security', have: 1, want: 2, create: 1, deferred: 0 },
  ];
  const warnings: Warning[] = [
    { code: 'listing-failed', message: `listing bots of ${HOST_INTERNAL} failed: HTTP 503`, swarmingHost: HOST_INTERNAL },
    { code: 'bot-id-unparsed', message: 'bot id "vm-17" names no lease', swarmingHost: HOST_PUBLIC, botId: 'vm-17' },
  ];
  return { now: NOW, actions, decisions, groups, warnings };
};

/** A plan for a pool at its configured counts: one lease to renew, one to keep. */
export const convergedPlan = (): Plan => ({
  now: NOW,
  actions: [
    { _tag: 'Renew', leaseId: 'lease-1', swarmingHost: HOST_PUBLIC, image: IMAGE_A, expires: NOW + 22 * HOUR, duration: 23 * HOUR },
  ],
  decisions: [
    { leaseId: 'lease-1', decision: 'renew', reason: 'renew-due', swarmingHost: HOST_PUBLIC, image: IMAGE_A, detail: '22h left' },
    { leaseId: 'lease-2', decision: 'keep', reason: 'renew-not-due', swarmingHost: HOST_PUBLIC, image: IMAGE_A, detail: '23h left' },
  ],
  groups: [{ swarmingHost: HOST_PUBLIC, image: IMAGE_A, hostname: 'darwin-amd64-12', have: 2, want: 2, create: 0, deferred: 0 }],
  warnings: [],
});
