/**
 * The table form of a plan (`makemac plan`, the default): for people, so it
 * groups leases by swarming host and image, aligns columns, writes reasons in
 * words and ends with a summary line and the warnings.
 */
import type { Decision, DecisionKind, GroupSummary, Plan, ReasonCode } from '@makemac/core';

import { formatColumns } from './columns.js';
import { summarizePlan } from './json.js';
import { formatTimestamp } from './time.js';

/** Each reason code in words, as the table prints it. */
export const REASON_PHRASES: Readonly<Record<ReasonCode, string>> = {
  'never-connected': 'no bot ever connected',
  'bot-dead': 'the bot is dead',
  'image-obsolete': 'image not configured for this host',
  'over-count': 'more leases than the configured count',
  booting: 'new lease, bot may still be booting',
  'renew-not-due': 'renewal not due yet',
  'renew-due': 'renewal due',
  unmanaged: 'not managed by makemac',
  'foreign-host': 'swarming host not in the configuration',
  'listing-failed': 'bots of the host could not be listed',
  budget: 'disruption budget of the host spent this cycle',
  'sanity-gate': 'too many vacates to trust, host held',
  'rollout-waiting': 'old image, waits for new bots to go live',
  'rollout-paused': 'old image kept, new image fails to connect',
};

/** The set of leases the table lists. */
export type LeaseRows =
  /** Every lease. */
  | 'all'
  /** Only leases the plan vacates or drains; the group counts show creates. */
  | 'vacates';

/** Options of {@link renderPlanTable}. */
export interface TableOptions {
  /** The leases that get a row; `all` by default. */
  readonly leases?: LeaseRows;
  /** Adds the decision detail (the numbers behind the reason) to each lease row; true by default. */
  readonly detail?: boolean;
  /** Prints the "Plan for <time>" title line; true by default. */
  readonly title?: boolean;
  /** Lists every warning (`list`, the default) or prints only how many there are (`count`). */
  readonly warnings?: 'list' | 'count';
}

/** Length of the image prefix the table prints; image SHA-256s are unique within a host. */
const SHORT_IMAGE_LENGTH = 12;

const shortImage = (image: string): string => (image === '' ? '(none)' : image.slice(0, SHORT_IMAGE_LENGTH));

// Plain code-unit order, so the output does not depend on the locale.
const compareStrings = (a: string, b: string): number => {
  if (a < b) return -1;
  return a > b ? 1 : 0;
};

const DECISION_RANK: Readonly<Record<DecisionKind, number>> = { vacate: 0, drain: 1, renew: 2, keep: 3, skip: 4 };

interface HostSection {
  readonly title: string;
  readonly groups: readonly GroupSummary[];
  readonly decisions: readonly Decision[];
}

/**
 * Splits the plan into sections: configured hosts in configuration order,
 * then hosts the configuration does not name, then leases with no host.
 */
const buildSections = (plan: Plan): HostSection[] => {
  const configuredHosts = [...new Set(plan.groups.map((group) => group.swarmingHost))];
  const otherHosts = [
    ...new Set(
      plan.decisions
        .map((decision) => decision.swarmingHost)
        .filter((host): host is string => host !== undefined && !configuredHosts.includes(host)),
    ),
  ].sort(compareStrings);

  const sections: HostSection[] = [
    ...configuredHosts.map((host) => ({
      title: `Swarming host ${host}`,
      groups: plan.groups.filter((group) => group.swarmingHost === host),
      decisions: plan.decisions.filter((decision) => decision.swarmingHost === host),
    })),
    ...otherHosts.map((host) => ({
      title: `Swarming host ${host} (not in the configuration)`,
      groups: [],
      decisions: plan.decisions.filter((decision) => decision.swarmingHost === host),
    })),
  ];

  const withoutHost = plan.decisions.filter((decision) => decision.swarmingHost === undefined);
  if (withoutHost.length > 0) {
    sections.push({ title: 'Leases without a swarming host', groups: [], decisions: withoutHost });
  }
  return sections;
};

// Configured images first, in configuration order, then the others by SHA.
const sortDecisions = (decisions: readonly Decision[], groups: readonly GroupSummary[]): Decision[] => {
  const imageRank = (image: string): number => {
    const index = groups.findIndex((group) => group.image === image);
    return index === -1 ? groups.length : index;
  };

  return [...decisions].sort(
    (a, b) =>
      imageRank(a.image) - imageRank(b.image) ||
      compareStrings(a.image, b.image) ||
      DECISION_RANK[a.decision] - DECISION_RANK[b.decision] ||
      compareStrings(a.leaseId, b.leaseId),
  );
};

const renderGroups = (groups: readonly GroupSummary[]): string[] =>
  formatColumns(
    ['IMAGE', 'HOSTNAME', 'HAVE', 'WANT', 'CREATE', 'DEFERRED'],
    groups.map((group) => [
      shortImage(group.image),
      group.hostname,
      String(group.have),
      String(group.want),
      String(group.create),
      String(group.deferred),
    ]),
    { indent: '  ', align: ['left', 'left', 'right', 'right', 'right', 'right'] },
  );

const renderDecisions = (
  decisions: readonly Decision[],
  groups: readonly GroupSummary[],
  detail: boolean,
): string[] => {
  const hostnameOf = (image: string): string =>
    groups.find((group) => group.image === image)?.hostname ?? '-';
  const header = ['LEASE', 'IMAGE', 'HOSTNAME', 'DECISION', 'REASON', ...(detail ? ['DETAIL'] : [])];
  const rows = sortDecisions(decisions, groups).map((decision) => [
    decision.leaseId,
    shortImage(decision.image),
    hostnameOf(decision.image),
    decision.decision,
    REASON_PHRASES[decision.reason],
    ...(detail ? [decision.detail] : []),
  ]);
  return formatColumns(header, rows, { indent: '  ' });
};

const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** Writes the one-line summary of a plan. */
export const formatSummaryLine = (plan: Plan): string => {
  const summary = summarizePlan(plan);
  const state = summary.converged
    ? 'the pool is at its configured counts'
    : 'the pool is not at its configured counts yet';
  return (
    `Summary: vacate ${summary.vacate}, drain ${summary.drain}, renew ${summary.renew}, create ${summary.create}; ` +
    `keep ${summary.keep}, skip ${summary.skip}; ${plural(plan.decisions.length, 'lease')}; ${state}.`
  );
};

/** Renders a plan as text tables for people, ending in a newline. */
export const renderPlanTable = (plan: Plan, options: TableOptions = {}): string => {
  const leaseRows = options.leases ?? 'all';
  const detail = options.detail ?? true;
  const lines: string[] = [];

  if (options.title ?? true) {
    lines.push(`Plan for ${formatTimestamp(plan.now)}`, '');
  }

  for (const section of buildSections(plan)) {
    const decisions =
      leaseRows === 'all'
        ? section.decisions
        : section.decisions.filter((decision) => decision.decision === 'vacate' || decision.decision === 'drain');
    if (section.groups.length === 0 && decisions.length === 0) continue;

    lines.push(section.title);
    if (section.groups.length > 0) lines.push(...renderGroups(section.groups));
    if (decisions.length > 0) {
      if (section.groups.length > 0) lines.push('');
      lines.push(...renderDecisions(decisions, section.groups, detail));
    }
    lines.push('');
  }

  lines.push(formatSummaryLine(plan));

  if (plan.warnings.length > 0 && options.warnings === 'count') {
    lines.push(`${plural(plan.warnings.length, 'warning')}; makemac plan lists them.`);
  } else if (plan.warnings.length > 0) {
    lines.push('', `Warnings (${plan.warnings.length}):`);
    lines.push(
      ...formatColumns(
        ['CODE', 'MESSAGE'],
        plan.warnings.map((warning) => [warning.code, warning.message]),
        { indent: '  ' },
      ),
    );
  }
  return `${lines.join('\n')}\n`;
};
