/**
 * Read-only views of a plan that several properties share: the lease id an
 * action names, and the actions of each kind.
 */
import type { Action, Plan } from '@makemac/core';

/** The lease an action names, or undefined for a create. */
export const leaseIdOfAction = (action: Action): string | undefined => {
  switch (action._tag) {
    case 'Vacate':
    case 'Drain':
    case 'Renew':
      return action.leaseId;
    case 'Create':
      return undefined;
  }
};

export type VacateAction = Extract<Action, { _tag: 'Vacate' }>;
export type DrainAction = Extract<Action, { _tag: 'Drain' }>;
export type RenewAction = Extract<Action, { _tag: 'Renew' }>;
export type CreateAction = Extract<Action, { _tag: 'Create' }>;

export const vacatesOf = (plan: Plan): VacateAction[] => plan.actions.filter((action): action is VacateAction => action._tag === 'Vacate');
export const drainsOf = (plan: Plan): DrainAction[] => plan.actions.filter((action): action is DrainAction => action._tag === 'Drain');
export const renewalsOf = (plan: Plan): RenewAction[] => plan.actions.filter((action): action is RenewAction => action._tag === 'Renew');
export const createsOf = (plan: Plan): CreateAction[] => plan.actions.filter((action): action is CreateAction => action._tag === 'Create');

/** The ids of the leases the plan vacates. */
export const vacatedIds = (plan: Plan): Set<string> => new Set(vacatesOf(plan).map((action) => action.leaseId));

/** Why each leaving lease leaves: the reason of its vacate or drain, by lease id. */
export const leavingReasons = (plan: Plan): Map<string, VacateAction['reason']> =>
  new Map([...vacatesOf(plan), ...drainsOf(plan)].map((action) => [action.leaseId, action.reason]));
