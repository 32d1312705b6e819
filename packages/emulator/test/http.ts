/**
 * Plain-fetch clients for the tests: they talk to the emulator over HTTP on
 * 127.0.0.1 the way an adapter would, with no makemac adapter code involved.
 */
import type { Emulator } from '../src/index.js';

/** A response with its body read as text. */
export interface RawResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/** POSTs a MacService request; `apiKey: null` sends no key. */
export const callMacService = async (
  emulator: Emulator,
  endpoint: string,
  body: unknown,
  options: { apiKey?: string | null; rawBody?: string; signal?: AbortSignal } = {},
): Promise<RawResponse> => {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  const apiKey = options.apiKey === undefined ? emulator.apiKey : options.apiKey;
  if (apiKey !== null) headers['x-goog-api-key'] = apiKey;

  // new URL('leases:find', base) would read "leases:" as a URL scheme, so concatenate.
  const response = await fetch(`${emulator.macServiceUrl}${endpoint}`, {
    method: 'POST',
    headers,
    // Go's JSON encoder ends bodies with a newline, so the tests do too.
    body: options.rawBody ?? `${JSON.stringify(body)}\n`,
    signal: options.signal,
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
};

/** Calls a MacService endpoint and parses its JSON reply, failing on a non-200 status. */
export const macServiceJson = async (emulator: Emulator, endpoint: string, body: unknown): Promise<any> => {
  const response = await callMacService(emulator, endpoint, body);
  if (response.status !== 200) throw new Error(`${endpoint} returned ${response.status}: ${response.text}`);
  return JSON.parse(response.text);
};

/** POSTs a pRPC request to `swarming.v2.Bots/<method>`; header values of null are left out. */
export const callPrpc = async (
  emulator: Emulator,
  swarmingHost: string,
  method: string,
  body: unknown,
  headerOverrides: Record<string, string | null> = {},
  options: { signal?: AbortSignal; service?: string } = {},
): Promise<RawResponse> => {
  const merged: Record<string, string | null> = {
    'Content-Type': 'application/json',
    Accept: 'application/json',
    Authorization: `Bearer ${emulator.token}`,
    ...headerOverrides,
  };
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(merged)) if (value !== null) headers[name] = value;

  const service = options.service ?? 'swarming.v2.Bots';
  const response = await fetch(`${emulator.swarmingUrl(swarmingHost)}/prpc/${service}/${method}`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
    signal: options.signal,
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
};

const XSSI_PREFIX = ")]}'\n";

/** Strips the XSSI prefix of a pRPC JSON body and parses it, failing when the prefix is missing. */
export const parsePrpcJson = (text: string): any => {
  if (!text.startsWith(XSSI_PREFIX)) throw new Error(`missing XSSI prefix in ${JSON.stringify(text.slice(0, 40))}`);
  return JSON.parse(text.slice(XSSI_PREFIX.length));
};

/** Calls a pRPC method and parses its reply, failing unless it is gRPC code 0. */
export const prpcJson = async (emulator: Emulator, swarmingHost: string, method: string, body: unknown): Promise<any> => {
  const response = await callPrpc(emulator, swarmingHost, method, body);
  if (response.headers.get('x-prpc-grpc-code') !== '0') {
    throw new Error(`${method} returned ${response.status} code ${response.headers.get('x-prpc-grpc-code')}: ${response.text}`);
  }
  return parsePrpcJson(response.text);
};

/** Lists every bot of a host through all pages, as a client with `limit` per page would. */
export const listAllBots = async (
  emulator: Emulator,
  swarmingHost: string,
  request: Record<string, unknown> = {},
  limit = 1000,
): Promise<{ items: any[]; pages: number }> => {
  const items: any[] = [];
  let cursor = '';
  let pages = 0;
  do {
    const page = await prpcJson(emulator, swarmingHost, 'ListBots', { ...request, limit, cursor });
    items.push(...(page.items ?? []));
    cursor = page.cursor ?? '';
    pages += 1;
    if (pages > 1000) throw new Error('paging did not end');
  } while (cursor !== '');
  return { items, pages };
};

/** A create request body as makemac sends it. */
export const createRequest = (options: {
  swarmingHost?: string;
  hostname?: string;
  image?: string;
  projectName?: string;
  customerName?: string;
  duration?: string;
  cert?: string;
  key?: string;
}): unknown => {
  const swarmingHost = options.swarmingHost ?? 'chromium-swarm.appspot.com';
  return {
    vmResourceNamespace: {
      customerName: options.customerName ?? 'golang',
      projectName: options.projectName ?? `makemac/${swarmingHost}`,
      subCustomerName: '',
    },
    instanceSpecification: {
      profile: 'V1_MEDIUM_VM',
      accessLevel: 'GOLANG_OSS',
      metadata: [
        { key: 'golang.swarming', value: swarmingHost },
        { key: 'golang.hostname', value: options.hostname ?? 'darwin-amd64-14' },
        { key: 'golang.cert', value: options.cert ?? 'CERT-VALUE-1234' },
        { key: 'golang.key', value: options.key ?? 'KEY-VALUE-5678' },
      ],
      diskSelection: { imageHashes: { bootSha256: options.image ?? 'a'.repeat(64) } },
    },
    duration: options.duration ?? '86400s',
  };
};

/** Minutes in milliseconds. */
export const minutes = (count: number): number => count * 60_000;

/** Hours in milliseconds. */
export const hours = (count: number): number => count * 3_600_000;
