/**
 * The JSON form of a plan (`makemac plan --output json`). The document is
 * stable: fields come in a fixed order, every array is sorted, times are
 * RFC 3339 and durations come both as protobuf strings and as milliseconds.
 * docs/plan-format.md describes every field; change both together and bump
 * {@link PLAN_FORMAT_VERSION} when a field changes meaning or disappears.
 */
import {
  formatProtoDuration,
  REDACTED,
  SECRET_METADATA_KEYS,
  type Action,
  type Decision,
  type GroupSummary,
  type Plan,
  type PlannedLeaseRequest,
  type Warning,
} from '@makemac/core';

import { formatTimestamp } from './time.js';

/** Version of the JSON plan document. */
export const PLAN_FORMAT_VERSION = 1;

/** Counts of actions and decisions, and whether the pool is at its configured counts. */
export interface SummaryDocument {
  readonly vacate: number;
  readonly drain: number;
  readonly renew: number;
  readonly create: number;
  readonly keep: number;
  readonly skip: number;
  readonly converged: boolean;
}

/** One metadata entry of a planned create: a plain value or a secret reference. */
export type MetadataDocument =
  | { readonly key: string; readonly value: string }
  | { readonly key: string; readonly secretReference: string };

/** The `leases:create` request of a create action, secrets as references only. */
export interface CreateRequestDocument {
  readonly customerName: string;
  readonly projectName: string;
  readonly subCustomerName: string;
  readonly profile: string;
  readonly accessLevel: string;
  readonly duration: string;
  readonly durationMs: number;
  readonly metadata: readonly MetadataDocument[];
}

/** One action of the JSON document. */
export type ActionDocument =
  | {
      readonly type: 'vacate';
      readonly leaseId: string;
      readonly swarmingHost: string;
      readonly image: string;
      readonly reason: string;
    }
  | {
      readonly type: 'drain';
      readonly leaseId: string;
      readonly botId: string;
      readonly swarmingHost: string;
      readonly image: string;
      readonly reason: string;
    }
  | {
      readonly type: 'renew';
      readonly leaseId: string;
      readonly swarmingHost: string;
      readonly image: string;
      readonly expires: string;
      readonly duration: string;
      readonly durationMs: number;
    }
  | {
      readonly type: 'create';
      readonly swarmingHost: string;
      readonly image: string;
      readonly hostname: string;
      readonly request: CreateRequestDocument;
    };

/** One decision of the JSON document. */
export interface DecisionDocument {
  readonly leaseId: string;
  readonly decision: string;
  readonly reason: string;
  readonly swarmingHost: string | null;
  readonly image: string;
  readonly detail: string;
}

/** One (swarming host, image) group of the JSON document. */
export interface GroupDocument {
  readonly swarmingHost: string;
  readonly image: string;
  readonly hostname: string;
  readonly have: number;
  readonly want: number;
  readonly create: number;
  readonly deferred: number;
}

/** One warning of the JSON document. */
export interface WarningDocument {
  readonly code: string;
  readonly message: string;
  readonly swarmingHost: string | null;
  readonly leaseId: string | null;
  readonly botId: string | null;
}

/** The whole JSON plan document. */
export interface PlanDocument {
  readonly formatVersion: typeof PLAN_FORMAT_VERSION;
  readonly now: string;
  readonly summary: SummaryDocument;
  readonly actions: readonly ActionDocument[];
  readonly decisions: readonly DecisionDocument[];
  readonly groups: readonly GroupDocument[];
  readonly warnings: readonly WarningDocument[];
}

// Plain code-unit order, so the output does not depend on the locale.
const compareStrings = (a: string, b: string): number => {
  if (a < b) return -1;
  return a > b ? 1 : 0;
};

const compareBy =
  <T>(...keys: readonly ((value: T) => string)[]) =>
  (a: T, b: T): number => {
    for (const key of keys) {
      const order = compareStrings(key(a), key(b));
      if (order !== 0) return order;
    }
    return 0;
  };

const ACTION_RANK: Readonly<Record<Action['_tag'], string>> = { Vacate: '0', Drain: '1', Renew: '2', Create: '3' };

const actionLeaseId = (action: Action): string => (action._tag === 'Create' ? '' : action.leaseId);

const actionHostname = (action: Action): string => (action._tag === 'Create' ? action.hostname : '');

/** Sorts actions as the document lists them: vacates, drains, renews, creates; then by lease id, host and image. */
export const sortActions = (actions: readonly Action[]): Action[] =>
  [...actions].sort(
    compareBy<Action>(
      (action) => ACTION_RANK[action._tag],
      actionLeaseId,
      (action) => action.swarmingHost,
      (action) => action.image,
      actionHostname,
    ),
  );

const toMetadataDocument = (entry: PlannedLeaseRequest['metadata'][number]): MetadataDocument => {
  const value = entry.value;
  switch (value._tag) {
    case 'SecretReference':
      return { key: entry.key, secretReference: value.reference };
    case 'Plain':
      // A secret key should always carry a reference; if a plain value ever
      // arrives under one, it is hidden rather than printed.
      return {
        key: entry.key,
        value: SECRET_METADATA_KEYS.includes(entry.key) ? REDACTED : value.value,
      };
  }
};

const toCreateRequestDocument = (request: PlannedLeaseRequest): CreateRequestDocument => ({
  customerName: request.namespace.customerName,
  projectName: request.namespace.projectName,
  subCustomerName: request.namespace.subCustomerName,
  profile: request.profile,
  accessLevel: request.accessLevel,
  duration: formatProtoDuration(request.duration),
  durationMs: request.duration,
  metadata: request.metadata.map(toMetadataDocument),
});

/** Converts one action to its document form. */
export const toActionDocument = (action: Action): ActionDocument => {
  switch (action._tag) {
    case 'Vacate':
      return {
        type: 'vacate',
        leaseId: action.leaseId,
        swarmingHost: action.swarmingHost,
        image: action.image,
        reason: action.reason,
      };
    case 'Drain':
      return {
        type: 'drain',
        leaseId: action.leaseId,
        botId: action.botId,
        swarmingHost: action.swarmingHost,
        image: action.image,
        reason: action.reason,
      };
    case 'Renew':
      return {
        type: 'renew',
        leaseId: action.leaseId,
        swarmingHost: action.swarmingHost,
        image: action.image,
        expires: formatTimestamp(action.expires),
        duration: formatProtoDuration(action.duration),
        durationMs: action.duration,
      };
    case 'Create':
      return {
        type: 'create',
        swarmingHost: action.swarmingHost,
        image: action.image,
        hostname: action.hostname,
        request: toCreateRequestDocument(action.request),
      };
  }
};

const toDecisionDocument = (decision: Decision): DecisionDocument => ({
  leaseId: decision.leaseId,
  decision: decision.decision,
  reason: decision.reason,
  swarmingHost: decision.swarmingHost ?? null,
  image: decision.image,
  detail: decision.detail,
});

const toGroupDocument = (group: GroupSummary): GroupDocument => ({
  swarmingHost: group.swarmingHost,
  image: group.image,
  hostname: group.hostname,
  have: group.have,
  want: group.want,
  create: group.create,
  deferred: group.deferred,
});

const toWarningDocument = (warning: Warning): WarningDocument => ({
  code: warning.code,
  message: warning.message,
  swarmingHost: warning.swarmingHost ?? null,
  leaseId: warning.leaseId ?? null,
  botId: warning.botId ?? null,
});

/**
 * Tells whether a plan leaves the pool as configured: it vacates, drains and
 * creates nothing, and every group already has its configured count.
 */
export const isConverged = (plan: Plan): boolean =>
  plan.actions.every((action) => action._tag === 'Renew') &&
  plan.groups.every((group) => group.have === group.want);

/** Counts the actions and decisions of a plan. */
export const summarizePlan = (plan: Plan): SummaryDocument => {
  const countActions = (tag: Action['_tag']): number =>
    plan.actions.filter((action) => action._tag === tag).length;
  const countDecisions = (kind: Decision['decision']): number =>
    plan.decisions.filter((decision) => decision.decision === kind).length;

  return {
    vacate: countActions('Vacate'),
    drain: countActions('Drain'),
    renew: countActions('Renew'),
    create: countActions('Create'),
    keep: countDecisions('keep'),
    skip: countDecisions('skip'),
    converged: isConverged(plan),
  };
};

/** Builds the JSON plan document, with its arrays sorted. */
export const toPlanDocument = (plan: Plan): PlanDocument => ({
  formatVersion: PLAN_FORMAT_VERSION,
  now: formatTimestamp(plan.now),
  summary: summarizePlan(plan),
  actions: sortActions(plan.actions).map(toActionDocument),
  decisions: [...plan.decisions]
    .sort(
      compareBy<Decision>(
        (d) => d.leaseId,
        (d) => d.swarmingHost ?? '',
        (d) => d.image,
        (d) => d.decision,
        (d) => d.reason,
      ),
    )
    .map(toDecisionDocument),
  groups: [...plan.groups]
    .sort(compareBy<GroupSummary>((g) => g.swarmingHost, (g) => g.image))
    .map(toGroupDocument),
  warnings: [...plan.warnings]
    .sort(
      compareBy<Warning>(
        (w) => w.code,
        (w) => w.swarmingHost ?? '',
        (w) => w.leaseId ?? '',
        (w) => w.botId ?? '',
        (w) => w.message,
      ),
    )
    .map(toWarningDocument),
});

/** Renders a plan as the JSON document, indented by two spaces and ending in a newline. */
export const renderPlanJson = (plan: Plan): string => `${JSON.stringify(toPlanDocument(plan), null, 2)}\n`;
