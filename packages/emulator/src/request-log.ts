/**
 * The record of every request the emulated servers received. Bodies are
 * stored parsed and redacted: API keys, tokens, and bot certificate and key
 * values never reach the log, and a body that is not JSON is stored only as
 * its size. Headers are not stored at all.
 */
import { REDACTED, SECRET_METADATA_KEYS, type Timestamp } from '@makemac/core';

import type { EmulatedServer, FaultAction } from './faults.js';

/** One request as the log stores it. */
export interface RequestLogEntry {
  /** Position in the log, from 1. */
  readonly sequence: number;
  /** Wall-clock arrival time in milliseconds since the Unix epoch. */
  readonly wallTime: number;
  /** Virtual time at arrival. */
  readonly virtualTime: Timestamp;
  readonly server: EmulatedServer;
  /** The swarming host whose server received the request. */
  readonly swarmingHost?: string | undefined;
  readonly httpMethod: string;
  /** `leases:create`, `ListBots` and so on, or the request path when it matched no endpoint. */
  readonly endpoint: string;
  /** The HTTP status sent; undefined while the request is held or when the client left first. */
  readonly status?: number | undefined;
  /** The `X-Prpc-Grpc-Code` sent, if any. */
  readonly grpcCode?: number | undefined;
  /** The injected fault that replaced the response, if any. */
  readonly fault?: FaultAction['_tag'] | undefined;
  /** The message of an unexpected emulator error while handling the request. */
  readonly error?: string | undefined;
  /** Wall-clock milliseconds from arrival to the response. */
  readonly durationMs?: number | undefined;
  /** The request body as parsed JSON with secrets replaced by `[redacted]`, or a note with its size. */
  readonly body: unknown;
}

/** Lets a server fill in the outcome of a request it logged on arrival. */
export interface RequestLogHandle {
  finish(outcome: {
    status: number;
    grpcCode?: number | undefined;
    fault?: FaultAction['_tag'] | undefined;
    error?: string | undefined;
  }): void;
  markFault(fault: FaultAction['_tag']): void;
}

type MutableEntry = { -readonly [K in keyof RequestLogEntry]: RequestLogEntry[K] };

const PEM_MARKER = '-----BEGIN';

/**
 * Returns `value` with secrets replaced: the `value` of metadata entries
 * whose `key` is a bot certificate or key, every string containing one of
 * `secrets` or a PEM block, and object keys containing a secret.
 */
export const redactJson = (value: unknown, secrets: readonly string[]): unknown => {
  const hidesSecret = (text: string): boolean =>
    text.includes(PEM_MARKER) || secrets.some((secret) => secret !== '' && text.includes(secret));

  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return hidesSecret(node) ? REDACTED : node;
    if (Array.isArray(node)) return node.map(walk);
    if (node === null || typeof node !== 'object') return node;

    const record = node as Record<string, unknown>;
    const isSecretEntry = typeof record['key'] === 'string' && SECRET_METADATA_KEYS.includes(record['key']);
    return Object.fromEntries(
      Object.entries(record).map(([key, child]) => [
        hidesSecret(key) ? REDACTED : key,
        isSecretEntry && key === 'value' ? REDACTED : walk(child),
      ]),
    );
  };

  return walk(value);
};

/** Parses and redacts a request body for the log. */
const logBody = (text: string | undefined, secrets: readonly string[]): unknown => {
  if (text === undefined) return '[body not read]';
  if (text.trim() === '') return '[empty body]';
  try {
    return redactJson(JSON.parse(text), secrets);
  } catch {
    // Raw text could hold a secret that redaction cannot find without structure.
    return `[body that is not JSON, ${Buffer.byteLength(text, 'utf8')} bytes]`;
  }
};

/** The request log of one emulator, shared by its servers. */
export class RequestLog {
  readonly #secrets: () => readonly string[];
  readonly #limit: number;
  #entries: MutableEntry[] = [];
  #nextSequence = 1;

  /**
   * Creates a log that redacts the strings `secrets()` returns and keeps the
   * latest `limit` entries.
   */
  constructor(secrets: () => readonly string[], limit = 10_000) {
    if (!(Number.isInteger(limit) && limit >= 1)) {
      throw new RangeError(`the request log limit must be a whole number of 1 or more, got ${String(limit)}`);
    }
    this.#secrets = secrets;
    this.#limit = limit;
  }

  /** Lists the entries, oldest first, optionally only those of one server. */
  entries(server?: EmulatedServer): readonly RequestLogEntry[] {
    return this.#entries.filter((entry) => server === undefined || entry.server === server).map((entry) => ({ ...entry }));
  }

  /** Empties the log; sequence numbers keep counting. */
  clear(): void {
    this.#entries = [];
  }

  /** Records a request on arrival and returns a handle to record its outcome. */
  begin(request: {
    server: EmulatedServer;
    swarmingHost?: string | undefined;
    httpMethod: string;
    endpoint: string;
    body: string | undefined;
    virtualTime: Timestamp;
  }): RequestLogHandle {
    const wallTime = Date.now();
    const entry: MutableEntry = {
      sequence: this.#nextSequence,
      wallTime,
      virtualTime: request.virtualTime,
      server: request.server,
      swarmingHost: request.swarmingHost,
      httpMethod: request.httpMethod,
      endpoint: request.endpoint,
      body: logBody(request.body, this.#secrets()),
    };
    this.#nextSequence += 1;
    this.#entries.push(entry);
    if (this.#entries.length > this.#limit) this.#entries.shift();

    return {
      finish: (outcome) => {
        entry.status = outcome.status;
        entry.grpcCode = outcome.grpcCode;
        entry.fault = outcome.fault ?? entry.fault;
        entry.error = outcome.error;
        entry.durationMs = Date.now() - wallTime;
      },
      markFault: (fault) => {
        entry.fault = fault;
      },
    };
  }
}
