/**
 * Ownership laws: the planner acts only on leases whose project is
 * `<prefix>/<configured host>`, and judges every other lease as skipped.
 */
import { plan } from '@makemac/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { scenarioArbitrary } from '../support/arbitraries.js';
import { ownershipOf, plannedCopies } from '../support/oracle.js';
import { leaseIdOfAction } from '../support/plan-queries.js';

describe('plan ownership', () => {
  it('never acts on unmanaged or foreign-host leases', () => {
    fc.assert(
      fc.property(scenarioArbitrary(), ({ config, snapshot }) => {
        const result = plan(config, snapshot);
        const copies = plannedCopies(snapshot.leases);

        for (const action of result.actions) {
          const leaseId = leaseIdOfAction(action);
          if (leaseId === undefined) continue;
          const lease = copies.get(leaseId);
          expect(lease, `action ${action._tag} names lease ${leaseId}, which the snapshot lacks`).toBeDefined();
          const ownership = ownershipOf(config, lease?.projectName ?? '');
          expect(ownership._tag, `${action._tag} of lease ${leaseId} with project ${JSON.stringify(lease?.projectName)}`).toBe('managed');
        }
      }),
    );
  });

  it('skips unmanaged and foreign-host leases with their reason', () => {
    fc.assert(
      fc.property(scenarioArbitrary(), ({ config, snapshot }) => {
        const result = plan(config, snapshot);
        const copies = plannedCopies(snapshot.leases);

        for (const decision of result.decisions) {
          const lease = copies.get(decision.leaseId);
          const ownership = ownershipOf(config, lease?.projectName ?? '');
          const label = `lease ${decision.leaseId} with project ${JSON.stringify(lease?.projectName)}`;
          switch (ownership._tag) {
            case 'unmanaged':
              expect({ decision: decision.decision, reason: decision.reason }, label).toEqual({ decision: 'skip', reason: 'unmanaged' });
              expect(decision.swarmingHost, label).toBeUndefined();
              break;
            case 'foreign-host':
              expect({ decision: decision.decision, reason: decision.reason }, label).toEqual({ decision: 'skip', reason: 'foreign-host' });
              expect(decision.swarmingHost, label).toBe(ownership.host);
              break;
            case 'managed':
              expect(decision.decision, label).not.toBe('skip');
              expect(decision.swarmingHost, label).toBe(ownership.host);
              break;
          }
        }
      }),
    );
  });
});
