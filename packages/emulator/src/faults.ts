/**
 * Fault injection and latency for both emulated servers. A test installs a
 * rule that matches a server and endpoint, and the next matching requests get
 * the faulty response instead of the real one. A fault is an HTTP status, a
 * gRPC code with or without its header, a request that gets no response, a
 * truncated body or an empty bot list.
 */
import { SeededRandom } from './random.js';

/** The two emulated services. */
export type EmulatedServer = 'macservice' | 'swarming';

/** Endpoints of the MacService server, as named after the base path. */
export const MACSERVICE_ENDPOINTS = ['leases:find', 'leases:create', 'leases:renew', 'leases:vacate'] as const;

/** Methods of `swarming.v2.Bots` that the Swarming server implements. */
export const SWARMING_METHODS = ['ListBots', 'TerminateBot'] as const;

/** The response a matching request gets instead of the real one. */
export type FaultAction =
  /** An HTTP status with a plain-text body and no `X-Prpc-Grpc-Code` header, like a proxy error. */
  | { readonly _tag: 'HttpStatus'; readonly status: number; readonly body?: string }
  /**
   * A pRPC error (Swarming only). `header: false` leaves out `X-Prpc-Grpc-Code`;
   * `httpStatus` defaults to the status pRPC maps the code to.
   */
  | {
      readonly _tag: 'GrpcError';
      readonly code: number;
      readonly message?: string;
      readonly header?: boolean;
      readonly httpStatus?: number;
    }
  /** No response at all: the request is held until the client gives up or the emulator stops. */
  | { readonly _tag: 'Timeout' }
  /** Status 200 (gRPC code 0) with a JSON body cut off in the middle. */
  | { readonly _tag: 'MalformedBody' }
  /** A successful ListBots response with no bots and no cursor (Swarming ListBots only). */
  | { readonly _tag: 'EmptyBotList' };

/** A fault rule. */
export interface FaultRule {
  readonly server: EmulatedServer;
  /** `leases:create` and so on for MacService, `ListBots` or `TerminateBot` for Swarming, or `*` for all. */
  readonly endpoint: string;
  /** Limits a Swarming rule to one swarming host. @defaultValue every host */
  readonly swarmingHost?: string;
  readonly action: FaultAction;
  /** How many requests the rule fires for; it then stays installed but inactive. @defaultValue unlimited */
  readonly times?: number;
  /** Chance that a matching request fires the rule, drawn from the seeded generator. @defaultValue 1 */
  readonly probability?: number;
  /**
   * When true, the request is carried out first and only its response is
   * replaced, so for example a create that "timed out" still made a lease.
   * @defaultValue false
   */
  readonly applyRequest?: boolean;
}

/** An installed rule and how often it fired. */
export interface InstalledFault {
  readonly id: number;
  readonly rule: FaultRule;
  readonly fired: number;
  /** Requests left before the rule stops firing; undefined when unlimited. */
  readonly remaining?: number | undefined;
}

/** Handle of an installed rule. */
export interface FaultHandle {
  readonly id: number;
  /** Uninstalls the rule. */
  remove(): void;
  /** Returns how many requests the rule has fired for. */
  fired(): number;
}

/** The fault a request should get, as the servers receive it. */
export interface MatchedFault {
  readonly action: FaultAction;
  readonly applyRequest: boolean;
}

interface RuleState {
  readonly id: number;
  readonly rule: FaultRule;
  fired: number;
}

const validateRule = (rule: FaultRule): void => {
  const endpoints: readonly string[] = rule.server === 'macservice' ? MACSERVICE_ENDPOINTS : SWARMING_METHODS;
  if (rule.endpoint !== '*' && !endpoints.includes(rule.endpoint)) {
    throw new RangeError(
      `fault endpoint "${rule.endpoint}" is not a ${rule.server} endpoint; use one of ${endpoints.join(', ')} or "*"`,
    );
  }
  if (rule.times !== undefined && !(Number.isInteger(rule.times) && rule.times >= 0)) {
    throw new RangeError(`fault times must be a whole number of requests, got ${String(rule.times)}`);
  }
  if (rule.probability !== undefined && !(rule.probability >= 0 && rule.probability <= 1)) {
    throw new RangeError(`fault probability must be between 0 and 1, got ${String(rule.probability)}`);
  }

  const action = rule.action;
  switch (action._tag) {
    case 'HttpStatus':
      if (!(Number.isInteger(action.status) && action.status >= 100 && action.status <= 599)) {
        throw new RangeError(`fault HTTP status must be between 100 and 599, got ${String(action.status)}`);
      }
      return;
    case 'GrpcError':
      if (rule.server !== 'swarming') {
        throw new RangeError('a GrpcError fault applies to the swarming server only; use HttpStatus for MacService');
      }
      if (!(Number.isInteger(action.code) && action.code >= 1 && action.code <= 16)) {
        throw new RangeError(`fault gRPC code must be between 1 and 16, got ${String(action.code)}`);
      }
      if (action.httpStatus !== undefined && !(action.httpStatus >= 100 && action.httpStatus <= 599)) {
        throw new RangeError(`fault HTTP status must be between 100 and 599, got ${String(action.httpStatus)}`);
      }
      return;
    case 'EmptyBotList':
      if (rule.server !== 'swarming' || (rule.endpoint !== 'ListBots' && rule.endpoint !== '*')) {
        throw new RangeError('an EmptyBotList fault applies to the swarming ListBots method only');
      }
      return;
    case 'Timeout':
    case 'MalformedBody':
      return;
  }
};

/**
 * The installed fault rules, the latency per server and the ListBots page
 * size cap. The servers consult it on every request, so changes apply to the
 * next request.
 */
export class FaultController {
  readonly #random: SeededRandom;
  #rules: RuleState[] = [];
  #nextId = 1;
  #latency: Record<EmulatedServer, number> = { macservice: 0, swarming: 0 };
  #listBotsPageSize: number | undefined;

  /** Creates a controller whose probabilities draw from the `faults` stream of `seed`. */
  constructor(seed: number) {
    this.#random = new SeededRandom(seed, 'faults');
  }

  /** Installs a rule; rules are tried in the order they were added. Throws a RangeError for an invalid rule. */
  add(rule: FaultRule): FaultHandle {
    validateRule(rule);

    const state: RuleState = { id: this.#nextId, rule, fired: 0 };
    this.#nextId += 1;
    this.#rules.push(state);

    return {
      id: state.id,
      remove: () => this.remove(state.id),
      fired: () => state.fired,
    };
  }

  /** Uninstalls a rule by id. */
  remove(id: number): void {
    this.#rules = this.#rules.filter((state) => state.id !== id);
  }

  /** Uninstalls every rule; latency and the page size cap stay. */
  clear(): void {
    this.#rules = [];
  }

  /** Lists the installed rules. */
  list(): readonly InstalledFault[] {
    return this.#rules.map((state) => ({
      id: state.id,
      rule: state.rule,
      fired: state.fired,
      remaining: state.rule.times === undefined ? undefined : Math.max(0, state.rule.times - state.fired),
    }));
  }

  /** Sets the wall-clock delay in milliseconds before each request of `server` (both when omitted) is handled. */
  setLatency(milliseconds: number, server?: EmulatedServer): void {
    if (!(Number.isFinite(milliseconds) && milliseconds >= 0)) {
      throw new RangeError(`latency must be 0 or more milliseconds, got ${String(milliseconds)}`);
    }
    if (server === undefined || server === 'macservice') this.#latency.macservice = milliseconds;
    if (server === undefined || server === 'swarming') this.#latency.swarming = milliseconds;
  }

  /** Returns the latency of `server` in milliseconds. */
  latencyOf(server: EmulatedServer): number {
    return this.#latency[server];
  }

  /** Caps the number of bots per ListBots page, below the request's limit; undefined removes the cap. */
  setListBotsPageSize(pageSize: number | undefined): void {
    if (pageSize !== undefined && !(Number.isInteger(pageSize) && pageSize >= 1)) {
      throw new RangeError(`the ListBots page size cap must be a whole number of 1 or more, got ${String(pageSize)}`);
    }
    this.#listBotsPageSize = pageSize;
  }

  /** Returns the ListBots page size cap, or undefined when there is none. */
  listBotsPageSize(): number | undefined {
    return this.#listBotsPageSize;
  }

  /**
   * Finds the first active rule for a request and counts it as fired. The
   * servers call this once per request.
   */
  match(server: EmulatedServer, endpoint: string, swarmingHost?: string): MatchedFault | undefined {
    for (const state of this.#rules) {
      const rule = state.rule;
      if (rule.server !== server) continue;
      if (rule.endpoint !== '*' && rule.endpoint !== endpoint) continue;
      if (rule.swarmingHost !== undefined && rule.swarmingHost !== swarmingHost) continue;
      if (rule.action._tag === 'EmptyBotList' && endpoint !== 'ListBots') continue;
      if (rule.times !== undefined && state.fired >= rule.times) continue;
      if (rule.probability !== undefined && !this.#random.chance(rule.probability)) continue;

      state.fired += 1;
      return { action: rule.action, applyRequest: rule.applyRequest ?? false };
    }
    return undefined;
  }
}
