/**
 * The checks the demo makes after its cycles. They read the emulator's own
 * records rather than makemac's reports: the managed leases per (swarming
 * host, image), the leases each mutating request named, and whether any
 * request named a lease makemac does not own.
 */
import { parseLeaseIdFromBotId, type Config } from '@makemac/core';
import * as E from 'fp-ts/lib/Either.js';
import type { Emulator, RequestLogEntry, SeededLease, SeededLeaseKind } from '@makemac/emulator';

/** One mutating request the emulator received. */
export interface MutatingRequest {
  readonly endpoint: string;
  /** The lease id of a renew or vacate, or the lease a TerminateBot's bot id names. */
  readonly leaseId: string | null;
  /** The swarming host a create was for, or the host a TerminateBot went to. */
  readonly swarmingHost: string | null;
  readonly status: number | null;
}

/** Counts of one configured (swarming host, image) at the end of the demo. */
export interface ImageCount {
  readonly image: string;
  readonly hostname: string;
  readonly have: number;
  readonly want: number;
}

/** The end state of one configured swarming host. */
export interface HostAudit {
  readonly swarmingHost: string;
  readonly images: readonly ImageCount[];
  /** Successful requests per kind that concerned this host's leases. */
  readonly vacated: number;
  /** Successful TerminateBot requests to this host. */
  readonly drained: number;
  readonly renewed: number;
  readonly created: number;
}

/** Leases of one kind that makemac must leave alone, and the requests that named them anyway. */
export interface UntouchedCheck {
  readonly kind: SeededLeaseKind;
  readonly leaseIds: readonly string[];
  /** Mutating requests that named one of `leaseIds`; empty when makemac left them alone. */
  readonly touchedBy: readonly MutatingRequest[];
}

/** Everything the demo verifies at the end. */
export interface DemoAudit {
  readonly hosts: readonly HostAudit[];
  readonly untouched: readonly UntouchedCheck[];
  readonly mutatingRequests: readonly MutatingRequest[];
}

const MUTATING_ENDPOINTS = new Set(['leases:create', 'leases:renew', 'leases:vacate', 'TerminateBot']);

const field = (body: unknown, ...path: string[]): string | null => {
  let node = body;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return null;
    node = (node as Record<string, unknown>)[key];
  }
  return typeof node === 'string' ? node : null;
};

/** Returns the lease id a request names: its `leaseId` field, or the lease in a TerminateBot's bot id. */
const requestLeaseId = (entry: RequestLogEntry): string | null => {
  if (entry.endpoint !== 'TerminateBot') return field(entry.body, 'leaseId');

  const botId = field(entry.body, 'botId');
  if (botId === null) return null;
  const leaseId = parseLeaseIdFromBotId(botId);
  return E.isRight(leaseId) ? leaseId.right : null;
};

/** Lists the mutating requests of the emulator's request log, in arrival order. */
export const mutatingRequests = (entries: readonly RequestLogEntry[]): MutatingRequest[] =>
  entries
    .filter((entry) => MUTATING_ENDPOINTS.has(entry.endpoint))
    .map((entry) => {
      const project = field(entry.body, 'vmResourceNamespace', 'projectName');
      return {
        endpoint: entry.endpoint,
        leaseId: requestLeaseId(entry),
        swarmingHost:
          entry.endpoint === 'leases:create' ? (project?.slice(project.indexOf('/') + 1) ?? null) : (entry.swarmingHost ?? null),
        status: entry.status ?? null,
      };
    });

/** Kinds of seeded leases that makemac must never renew or vacate. */
export const UNTOUCHABLE_KINDS: readonly SeededLeaseKind[] = ['unmanaged', 'foreign-host'];

/** Audits the emulator after the demo's cycles. */
export const auditEmulator = (emulator: Emulator, config: Config, seeded: readonly SeededLease[]): DemoAudit => {
  const requests = mutatingRequests(emulator.requestLog.entries());
  const leases = emulator.fleet.leases();
  const succeeded = requests.filter((request) => request.status === 200);

  // Map every lease id the emulator ever knew to its project, to attribute renews and vacates to a host.
  const projectOf = new Map<string, string>();
  for (const lease of seeded) projectOf.set(lease.leaseId, lease.projectName);
  for (const event of emulator.fleet.history()) {
    if (event._tag === 'LeaseCreated') projectOf.set(event.leaseId, event.projectName);
  }
  const hostOfLease = (leaseId: string | null): string | undefined => {
    const project = leaseId === null ? undefined : projectOf.get(leaseId);
    const prefix = `${config.projectPrefix}/`;
    return project?.startsWith(prefix) === true ? project.slice(prefix.length) : undefined;
  };

  const hosts = config.swarmingHosts.map((host) => {
    const project = `${config.projectPrefix}/${host.host}`;
    const concernsHost = (request: MutatingRequest): boolean =>
      request.endpoint === 'leases:create' || request.endpoint === 'TerminateBot'
        ? request.swarmingHost === host.host
        : hostOfLease(request.leaseId) === host.host;
    const count = (endpoint: string): number =>
      succeeded.filter((request) => request.endpoint === endpoint && concernsHost(request)).length;

    return {
      swarmingHost: host.host,
      images: host.images.map((image) => ({
        image: image.image,
        hostname: image.hostname,
        have: leases.filter((lease) => lease.projectName === project && lease.image === image.image).length,
        want: image.count,
      })),
      vacated: count('leases:vacate'),
      drained: count('TerminateBot'),
      renewed: count('leases:renew'),
      created: count('leases:create'),
    };
  });

  const untouched = UNTOUCHABLE_KINDS.map((kind) => {
    const leaseIds = seeded.filter((lease) => lease.kind === kind).map((lease) => lease.leaseId);
    return {
      kind,
      leaseIds,
      touchedBy: requests.filter((request) => request.leaseId !== null && leaseIds.includes(request.leaseId)),
    };
  });

  return { hosts, untouched, mutatingRequests: requests };
};
