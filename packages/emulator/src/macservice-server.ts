/**
 * The emulated MacService leases API: `POST <base>leases:find`, `:create`,
 * `:renew` and `:vacate` with JSON bodies and an `x-goog-api-key` header,
 * backed by the shared fleet.
 *
 * Responses follow protobuf JSON: timestamps in RFC 3339 UTC, and fields with
 * empty values (an empty `projectName`, no metadata) left out. Errors are
 * plain text with a non-200 status.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

import { SECRET_METADATA_KEYS, type MetadataEntry } from '@makemac/core';

import type { FaultAction, FaultController, MatchedFault } from './faults.js';
import { MACSERVICE_ENDPOINTS } from './faults.js';
import type { FleetLease } from './fleet-types.js';
import type { Fleet } from './fleet.js';
import { closeServer, listenOnLoopback, LOOPBACK, readBody, sleep } from './http-util.js';
import {
  InvalidRequestError,
  optionalArray,
  optionalObject,
  optionalString,
  parseJsonObject,
  requireObject,
  requiredString,
  type JsonObject,
} from './json-fields.js';
import type { RequestLog, RequestLogHandle } from './request-log.js';
import { formatTimestamp, parseDuration } from './wire-format.js';

/** Options of {@link startMacServiceServer}. */
export interface MacServiceServerOptions {
  readonly fleet: Fleet;
  readonly faults: FaultController;
  readonly requestLog: RequestLog;
  /** The value `x-goog-api-key` must have. */
  readonly apiKey: string;
  /** Path before the endpoint names; starts and ends with `/`. @defaultValue `'/v1alpha1/'` */
  readonly basePath?: string;
  /** Whether `leases:find` returns the bot certificate and key metadata values. @defaultValue true */
  readonly echoSecretMetadata?: boolean;
  /** @defaultValue 0, a free port */
  readonly port?: number;
}

/** A running MacService server. */
export interface MacServiceServer {
  /** Base URL ending in the base path, for example `http://127.0.0.1:40123/v1alpha1/`. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

type Endpoint = (typeof MACSERVICE_ENDPOINTS)[number];

type Reply =
  | { readonly _tag: 'Json'; readonly status: number; readonly body: unknown }
  | { readonly _tag: 'Text'; readonly status: number; readonly text: string };

const json = (body: unknown): Reply => ({ _tag: 'Json', status: 200, body });
const text = (status: number, message: string): Reply => ({ _tag: 'Text', status, text: `${message}\n` });

/** The start of a `leases:find` response, cut off in the middle of a string. */
const TRUNCATED_BODY = '{"instances":[{"lease":{"leaseId":"';

const isEndpoint = (name: string): name is Endpoint => (MACSERVICE_ENDPOINTS as readonly string[]).includes(name);

// --- Responses -------------------------------------------------------------

/** Builds a `vmResourceNamespace`, leaving out empty strings as protobuf JSON does. */
const namespaceJson = (lease: FleetLease): JsonObject => ({
  customerName: lease.customerName,
  ...(lease.projectName === '' ? {} : { projectName: lease.projectName }),
  ...(lease.subCustomerName === '' ? {} : { subCustomerName: lease.subCustomerName }),
});

const leaseJson = (lease: FleetLease): JsonObject => ({
  leaseId: lease.leaseId,
  vmResourceNamespace: namespaceJson(lease),
  expires: formatTimestamp(lease.expires),
});

const instanceJson = (lease: FleetLease, echoSecretMetadata: boolean): JsonObject => {
  const metadata = echoSecretMetadata
    ? lease.metadata
    : lease.metadata.filter((entry) => !SECRET_METADATA_KEYS.includes(entry.key));

  return {
    lease: leaseJson(lease),
    instanceSpecification: {
      ...(lease.profile === '' ? {} : { profile: lease.profile }),
      ...(lease.accessLevel === '' ? {} : { accessLevel: lease.accessLevel }),
      ...(metadata.length === 0 ? {} : { metadata: metadata.map(({ key, value }) => ({ key, value })) }),
      diskSelection: { imageHashes: { bootSha256: lease.image } },
    },
  };
};

// --- Request decoding ------------------------------------------------------

const readNamespace = (body: JsonObject): { customerName: string; projectName: string; subCustomerName: string } => {
  const namespace = optionalObject(body, 'vmResourceNamespace', 'vmResourceNamespace');
  if (namespace === undefined) throw new InvalidRequestError('vmResourceNamespace is required');

  return {
    customerName: requiredString(namespace, 'customerName', 'vmResourceNamespace.customerName'),
    projectName: optionalString(namespace, 'projectName', 'vmResourceNamespace.projectName'),
    subCustomerName: optionalString(namespace, 'subCustomerName', 'vmResourceNamespace.subCustomerName'),
  };
};

/** Reads a positive protobuf JSON duration such as `"86400s"`, in milliseconds. */
const readDuration = (body: JsonObject): number => {
  const raw = requiredString(body, 'duration', 'duration');
  const duration = parseDuration(raw);
  if (duration === undefined) {
    throw new InvalidRequestError(`duration must be a protobuf duration such as "86400s", got "${raw}"`);
  }
  if (duration <= 0) throw new InvalidRequestError(`duration must be positive, got "${raw}"`);
  return duration;
};

const readMetadata = (specification: JsonObject): readonly MetadataEntry[] =>
  optionalArray(specification, 'metadata', 'instanceSpecification.metadata').map((item, index) => {
    const path = `instanceSpecification.metadata.${index}`;
    const entry = requireObject(item, path);
    return {
      key: requiredString(entry, 'key', `${path}.key`),
      value: optionalString(entry, 'value', `${path}.value`),
    };
  });

const readImage = (specification: JsonObject): string => {
  const disk = optionalObject(specification, 'diskSelection', 'instanceSpecification.diskSelection');
  const hashes = disk === undefined ? undefined : optionalObject(disk, 'imageHashes', 'instanceSpecification.diskSelection.imageHashes');
  if (hashes === undefined) {
    throw new InvalidRequestError('instanceSpecification.diskSelection.imageHashes.bootSha256 is required');
  }
  return requiredString(hashes, 'bootSha256', 'instanceSpecification.diskSelection.imageHashes.bootSha256');
};

// --- Endpoints -------------------------------------------------------------

const handleFind = (fleet: Fleet, body: JsonObject, echoSecretMetadata: boolean): Reply => {
  const namespace = readNamespace(body);
  const leases = fleet.findLeases(namespace.customerName, namespace.projectName, namespace.subCustomerName);

  // NOTE: the real service documents no paging for find, so the emulator
  // always returns every matching lease in one response.
  return json(leases.length === 0 ? {} : { instances: leases.map((lease) => instanceJson(lease, echoSecretMetadata)) });
};

const handleCreate = (fleet: Fleet, body: JsonObject): Reply => {
  const namespace = readNamespace(body);
  const specification = optionalObject(body, 'instanceSpecification', 'instanceSpecification');
  if (specification === undefined) throw new InvalidRequestError('instanceSpecification is required');

  const profile = requiredString(specification, 'profile', 'instanceSpecification.profile');
  const accessLevel = requiredString(specification, 'accessLevel', 'instanceSpecification.accessLevel');
  const metadata = readMetadata(specification);
  const image = readImage(specification);
  const duration = readDuration(body);

  const lease = fleet.createLease({ namespace, image, profile, accessLevel, metadata }, duration);
  return json({ pendingLease: leaseJson(lease) });
};

const handleRenew = (fleet: Fleet, body: JsonObject): Reply => {
  const leaseId = requiredString(body, 'leaseId', 'leaseId');
  const duration = readDuration(body);

  const lease = fleet.renewLease(leaseId, duration);
  if (lease === undefined) return text(404, `lease ${leaseId} not found`);
  return json({ expires: formatTimestamp(lease.expires) });
};

const handleVacate = (fleet: Fleet, body: JsonObject): Reply => {
  const leaseId = requiredString(body, 'leaseId', 'leaseId');

  // NOTE: the real status for an unknown lease is not public. The emulator
  // returns 404 so that clients must handle "already gone" on purpose.
  if (!fleet.vacateLease(leaseId)) return text(404, `lease ${leaseId} not found`);
  return json({});
};

// --- Server ----------------------------------------------------------------

const send = (response: ServerResponse, reply: Reply): void => {
  if (reply._tag === 'Json') {
    response.writeHead(reply.status, { 'Content-Type': 'application/json; charset=utf-8' });
    response.end(`${JSON.stringify(reply.body)}\n`);
  } else {
    response.writeHead(reply.status, { 'Content-Type': 'text/plain; charset=utf-8' });
    response.end(reply.text);
  }
};

/** Sends 200 with the first half of `real`'s JSON body, or of a typical find response. */
const sendMalformed = (response: ServerResponse, real: Reply | undefined): void => {
  const full = real?._tag === 'Json' ? JSON.stringify(real.body) : TRUNCATED_BODY;
  response.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
  response.end(full.slice(0, Math.max(1, Math.floor(full.length / 2))));
};

const route = (fleet: Fleet, endpoint: Endpoint, body: JsonObject, echoSecretMetadata: boolean): Reply => {
  switch (endpoint) {
    case 'leases:find':
      return handleFind(fleet, body, echoSecretMetadata);
    case 'leases:create':
      return handleCreate(fleet, body);
    case 'leases:renew':
      return handleRenew(fleet, body);
    case 'leases:vacate':
      return handleVacate(fleet, body);
  }
};

/** Computes the real reply to a routed request: API key check, body decoding, then the endpoint. */
const reply = (
  options: MacServiceServerOptions,
  endpoint: Endpoint,
  request: IncomingMessage,
  bodyText: string,
): Reply => {
  const key = request.headers['x-goog-api-key'];
  if (key === undefined || key === '') {
    return text(403, 'The request is missing an API key. Send the key in the x-goog-api-key header.');
  }
  if (key !== options.apiKey) {
    return text(403, 'API key not valid. Send a valid key in the x-goog-api-key header.');
  }

  try {
    const body = parseJsonObject(bodyText, false);
    return route(options.fleet, endpoint, body, options.echoSecretMetadata ?? true);
  } catch (error) {
    if (error instanceof InvalidRequestError) return text(400, `invalid ${endpoint} request: ${error.message}`);
    throw error;
  }
};

const handle = async (
  options: MacServiceServerOptions,
  basePath: string,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> => {
  const path = new URL(request.url ?? '/', `http://${LOOPBACK}`).pathname;
  const name = path.startsWith(basePath) ? path.slice(basePath.length) : '';
  const endpoint = isEndpoint(name) ? name : undefined;

  const body = await readBody(request);
  const log: RequestLogHandle = options.requestLog.begin({
    server: 'macservice',
    httpMethod: request.method ?? '',
    endpoint: endpoint ?? path,
    body: body._tag === 'Body' ? body.text : undefined,
    virtualTime: options.fleet.now(),
  });
  const finish = (real: Reply, fault?: FaultAction['_tag']): void => {
    send(response, real);
    log.finish({ status: real.status, fault });
  };

  // A bug in the emulator must still end the request and show up in the request log.
  const respond = async (): Promise<void> => {

    await sleep(options.faults.latencyOf('macservice'));

    if (endpoint === undefined) {
      finish(text(404, `no endpoint at ${path}; the emulator serves ${MACSERVICE_ENDPOINTS.map((e) => basePath + e).join(', ')}`));
      return;
    }
    if (request.method !== 'POST') {
      response.setHeader('Allow', 'POST');
      finish(text(405, `${endpoint} accepts POST only, got ${request.method ?? 'no method'}`));
      return;
    }
    if (body._tag === 'Aborted') return;
    if (body._tag === 'TooLarge') {
      finish(text(413, `the request body has ${body.bytes} bytes; the emulator accepts at most 1 MiB`));
      return;
    }

    const fault: MatchedFault | undefined = options.faults.match('macservice', endpoint);
    if (fault === undefined) {
      finish(reply(options, endpoint, request, body.text));
      return;
    }

    const tag = fault.action._tag;
    log.markFault(tag);
    const real = fault.applyRequest ? reply(options, endpoint, request, body.text) : undefined;
    switch (fault.action._tag) {
      case 'Timeout':
        // Hold the request: the client's timeout or stop() ends the connection.
        return;
      case 'MalformedBody':
        sendMalformed(response, real);
        log.finish({ status: 200, fault: tag });
        return;
      case 'HttpStatus':
        finish(text(fault.action.status, fault.action.body ?? `injected fault: HTTP ${fault.action.status}`), tag);
        return;
      case 'GrpcError':
      case 'EmptyBotList':
        // FaultController.add rejects these for MacService, so this only keeps the switch exhaustive.
        finish(real ?? reply(options, endpoint, request, body.text), tag);
        return;
    }
  };

  try {
    await respond();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (!response.headersSent) send(response, text(500, `emulator error: ${message}`));
    log.finish({ status: 500, error: message });
  }
};

/**
 * Starts the MacService server on 127.0.0.1. Throws when the port is taken
 * or the base path does not start and end with `/`.
 */
export const startMacServiceServer = async (options: MacServiceServerOptions): Promise<MacServiceServer> => {
  const basePath = options.basePath ?? '/v1alpha1/';
  if (!basePath.startsWith('/') || !basePath.endsWith('/')) {
    throw new RangeError(`the MacService base path must start and end with "/", like "/v1alpha1/", got "${basePath}"`);
  }

  const server: Server = createServer((request, response) => {
    handle(options, basePath, request, response).catch(() => {
      // Only a failure before the request was logged gets here, so drop the connection.
      response.destroy();
    });
  });
  const port = await listenOnLoopback(server, options.port ?? 0);

  return {
    url: `http://${LOOPBACK}:${port}${basePath}`,
    port,
    close: () => closeServer(server),
  };
};
