/**
 * Examples of the order of a plan: vacates first, then drains, then
 * renewals, each by lease id, then creates in configuration order;
 * decisions by lease id. Input order never shows through.
 */
import { describe, expect, it } from 'vitest';

import {
  HOUR,
  IMAGE_A,
  IMAGE_B,
  INTERNAL_HOST,
  PUBLIC_HOST,
  describeActions,
  makeBot,
  makeConfig,
  makeLease,
  planListed,
} from '../support/builders.js';

const config = makeConfig([
  { host: INTERNAL_HOST, images: [{ image: IMAGE_B, count: 1, hostname: 'internal-b' }] },
  { host: PUBLIC_HOST, images: [{ image: IMAGE_B, count: 1, hostname: 'public-b' }, { image: IMAGE_A, count: 3, hostname: 'public-a' }] },
]);

/** Leases given in reverse id order, with the vacates, the drain and the renewals interleaved by id. */
const leases = [
  makeLease({ leaseId: 'g-drain', host: PUBLIC_HOST, image: 'e'.repeat(64), expiresIn: 3 * HOUR }),
  makeLease({ leaseId: 'f-renew', host: PUBLIC_HOST, expiresIn: 3 * HOUR }),
  makeLease({ leaseId: 'e-vacate', host: PUBLIC_HOST, expiresIn: 3 * HOUR }),
  makeLease({ leaseId: 'd-renew', host: PUBLIC_HOST, expiresIn: 3 * HOUR }),
  makeLease({ leaseId: 'c-skip', projectName: 'other', expiresIn: 3 * HOUR }),
  makeLease({ leaseId: 'b-vacate', host: PUBLIC_HOST, image: IMAGE_B, expiresIn: 3 * HOUR }),
  makeLease({ leaseId: 'a-keep', host: PUBLIC_HOST, expiresIn: 23 * HOUR + 1 }),
];
const bots = [makeBot('g-drain', 'busy'), makeBot('f-renew'), makeBot('e-vacate', 'dead'), makeBot('d-renew'), makeBot('b-vacate', 'dead'), makeBot('a-keep')];

describe('plan order', () => {
  it('puts vacates, drains, renewals, then creates', () => {
    const result = planListed(config, leases, { [PUBLIC_HOST]: bots });

    expect(describeActions(result)).toEqual([
      'vacate b-vacate bot-dead',
      'vacate e-vacate bot-dead',
      'drain g-drain image-obsolete',
      'renew d-renew',
      'renew f-renew',
      `create ${INTERNAL_HOST} internal-b`,
      `create ${PUBLIC_HOST} public-b`,
    ]);
  });

  it('sorts decisions by lease id', () => {
    const result = planListed(config, leases, { [PUBLIC_HOST]: bots });

    expect(result.decisions.map((decision) => `${decision.leaseId} ${decision.decision}`)).toEqual([
      'a-keep keep',
      'b-vacate vacate',
      'c-skip skip',
      'd-renew renew',
      'e-vacate vacate',
      'f-renew renew',
      'g-drain drain',
    ]);
  });

  it('sorts lease ids by code unit', () => {
    const ids = ['b', 'B', 'a-1', 'a', '\u00e9', 'A', 'a1'];
    const unmanaged = ids.map((leaseId) => makeLease({ leaseId, projectName: 'other', expiresIn: HOUR }));

    const result = planListed(config, unmanaged);

    expect(result.decisions.map((decision) => decision.leaseId)).toEqual(['A', 'B', 'a', 'a-1', 'a1', 'b', '\u00e9']);
  });
});
