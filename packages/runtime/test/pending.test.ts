/** Tests of pending creates: pruning against find and the memory store. */
import { describe, expect, it } from 'vitest';

import { createMemoryPendingStore, pendingLease, prunePending, type PendingCreate } from '../src/index.js';
import { HOST_A, HOUR, IMAGE_1, managedLease } from './fakes.js';

const T0 = Date.UTC(2026, 0, 1);

const entry = (leaseId: string, createdAt = T0, expires = T0 + 24 * HOUR): PendingCreate => ({
  leaseId,
  swarmingHost: HOST_A,
  projectName: `makemac/${HOST_A}`,
  image: IMAGE_1,
  hostname: 'darwin-amd64-14',
  expires,
  createdAt,
});

describe('prunePending', () => {
  it('keeps entries find does not list yet', () => {
    const result = prunePending([entry('new')], [], T0 + HOUR, 24 * HOUR);

    expect(result.keep.map((kept) => kept.leaseId)).toEqual(['new']);
    expect(result.forget).toEqual([]);
  });

  it('forgets entries find lists', () => {
    const result = prunePending([entry('new')], [managedLease('new', HOST_A, IMAGE_1, T0 + 24 * HOUR)], T0, 24 * HOUR);

    expect(result.keep).toEqual([]);
    expect(result.forget).toEqual([{ entry: entry('new'), reason: 'listed' }]);
  });

  it('forgets expired entries at their expiry', () => {
    const before = prunePending([entry('new', T0, T0 + HOUR)], [], T0 + HOUR - 1, 24 * HOUR);
    const at = prunePending([entry('new', T0, T0 + HOUR)], [], T0 + HOUR, 24 * HOUR);

    expect(before.keep).toHaveLength(1);
    expect(at.forget.map((forgotten) => forgotten.reason)).toEqual(['expired']);
  });

  it('forgets entries at the maximum age', () => {
    const before = prunePending([entry('new')], [], T0 + 2 * HOUR - 1, 2 * HOUR);
    const at = prunePending([entry('new')], [], T0 + 2 * HOUR, 2 * HOUR);

    expect(before.keep).toHaveLength(1);
    expect(at.forget.map((forgotten) => forgotten.reason)).toEqual(['max-age']);
  });
});

describe('pendingLease', () => {
  it('tags the lease like a created one', () => {
    expect(pendingLease(entry('new'))).toEqual({
      leaseId: 'new',
      projectName: `makemac/${HOST_A}`,
      image: IMAGE_1,
      expires: T0 + 24 * HOUR,
      metadata: { 'golang.swarming': HOST_A, 'golang.hostname': 'darwin-amd64-14' },
    });
  });
});

describe('createMemoryPendingStore', () => {
  it('adds, replaces and removes entries', async () => {
    const store = createMemoryPendingStore();

    await store.add([entry('a'), entry('b')]);
    await store.add([entry('a', T0 + 1)]);
    await store.remove(['b', 'unknown']);

    expect(await store.list()).toEqual([entry('a', T0 + 1)]);
  });
});
