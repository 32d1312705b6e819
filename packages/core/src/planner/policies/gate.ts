/**
 * The sanity gate. A listing that succeeds but returns the wrong bots (a
 * wrong pool, a changed dimension, a new bot id format) makes every lease
 * past booting look never connected. When a host's involuntary vacates
 * (`never-connected`, `bot-dead`) exceed its threshold, or its listing
 * returned no bots while some of its leases look never connected, the gate
 * closes: nothing on the host is vacated or drained this cycle, and due
 * renewals still happen. Up to `sanityGateAllowance` involuntary vacates
 * never close the gate, so a small pool can always replace a broken VM.
 */
import type { WarningSink } from '../types.js';
import { OWNERSHIP_MANAGED, VACATE_NONE, type LeaseTable } from '../types.js';
import { describeGateCause } from './details.js';
import { holdLease } from './hold.js';
import { resolveCountOrPercent } from './resolve.js';
import { HOLD_SANITY_GATE, type HostPolicyState, type PolicyOutcome } from './state.js';

/**
 * Closes the gate of every listed host whose numbers look wrong, keeps
 * every lease on it that a rule would vacate, and warns once per closed host.
 */
export const closeSanityGates = (table: LeaseTable, outcome: PolicyOutcome, warnings: WarningSink): void => {
  let anyClosed = false;

  for (const state of outcome.hosts) {
    if (state.host.listing._tag !== 'Listed') continue;

    const threshold = resolveCountOrPercent(state.policy.sanityGateThreshold, state.managed, 'down');
    state.gateLimit = Math.max(state.policy.sanityGateAllowance, threshold);
    const emptyListing = state.listedBots === 0 && state.neverConnected > 0;
    const aboveAllowance = state.involuntary > state.policy.sanityGateAllowance;
    state.gateClosed = aboveAllowance && (state.involuntary > state.gateLimit || emptyListing);
    if (!state.gateClosed) continue;

    anyClosed = true;
    warnings.push({ code: 'sanity-gate', swarmingHost: state.host.config.host, message: gateWarning(state) });
  }

  if (!anyClosed) return;
  for (let position = 0; position < table.leases.length; position += 1) {
    if (table.ownership[position] !== OWNERSHIP_MANAGED || table.vacate[position] === VACATE_NONE) continue;
    if (outcome.hosts[table.hostOf[position] as number]?.gateClosed === true) holdLease(table, outcome, position, HOLD_SANITY_GATE);
  }
};

const gateWarning = (state: HostPolicyState): string => {
  const host = state.host.config.host;
  return (
    'the sanity gate of ' + host + ' is closed because ' + describeGateCause(state) +
    ', so no lease of ' + host + ' is vacated or drained this cycle and due renewals still happen; check that listing pool ' +
    state.host.config.pool + ' on ' + host + ' returns its bots'
  );
};
