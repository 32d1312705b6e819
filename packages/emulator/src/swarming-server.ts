/**
 * The emulated LUCI Swarming server of one swarming host: the pRPC methods
 * `swarming.v2.Bots/ListBots` and `swarming.v2.Bots/TerminateBot` over JSON,
 * backed by the shared fleet.
 *
 * Like a pRPC server it always sends `X-Prpc-Grpc-Code` and
 * `X-Content-Type-Options: nosniff`, prefixes JSON bodies with `)]}'` and a
 * newline, and sends errors as plain text with the HTTP status that pRPC maps
 * the gRPC code to. Only the JSON encoding is emulated, so a request for
 * binary protobuf gets UNIMPLEMENTED.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

import type { FaultAction, FaultController, MatchedFault } from './faults.js';
import { SWARMING_METHODS } from './faults.js';
import type { FleetBot } from './fleet-types.js';
import type { Fleet } from './fleet.js';
import { closeServer, listenOnLoopback, LOOPBACK, readBody, sleep } from './http-util.js';
import {
  InvalidRequestError,
  optionalArray,
  optionalString,
  parseJsonObject,
  requireObject,
  type JsonObject,
} from './json-fields.js';
import type { RequestLog, RequestLogHandle } from './request-log.js';
import { formatTimestamp, GrpcCode, httpStatusOfGrpcCode } from './wire-format.js';

/** Options of {@link startSwarmingServer}. */
export interface SwarmingServerOptions {
  /** The swarming host this server emulates, for example `chromium-swarm.appspot.com`. */
  readonly swarmingHost: string;
  readonly fleet: Fleet;
  readonly faults: FaultController;
  readonly requestLog: RequestLog;
  /** The bearer token `Authorization` must carry. */
  readonly token: string;
  /** `deathTimeout` in ListBots responses, in seconds. @defaultValue 600 */
  readonly deathTimeoutSeconds?: number;
  /** @defaultValue 0, a free port */
  readonly port?: number;
}

/** A running Swarming server. */
export interface SwarmingServer {
  readonly swarmingHost: string;
  /** Service URL without a trailing slash, for example `http://127.0.0.1:40124`; clients append `/prpc/...`. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

type Method = (typeof SWARMING_METHODS)[number];

type Reply =
  | { readonly _tag: 'Message'; readonly body: unknown }
  | { readonly _tag: 'RpcError'; readonly code: number; readonly message: string; readonly header: boolean; readonly status: number }
  | { readonly _tag: 'Http'; readonly status: number; readonly text: string };

const SERVICE = 'swarming.v2.Bots';

/** ListBots `limit` when the request gives 0. */
const DEFAULT_PAGE_SIZE = 100;

/** The largest `limit` ListBots accepts. */
const MAX_PAGE_SIZE = 1000;

/** The start of a ListBots response, cut off in the middle of a string. */
const TRUNCATED_BODY = '{"items":[{"botId":"';

const rpcError = (code: number, message: string): Reply => ({
  _tag: 'RpcError',
  code,
  message,
  header: true,
  status: httpStatusOfGrpcCode(code),
});

const isMethod = (name: string): name is Method => (SWARMING_METHODS as readonly string[]).includes(name);

// --- Content negotiation and auth -----------------------------------------

/** Tells whether a media type names the JSON encoding of pRPC. */
const isJsonMediaType = (mediaType: string): boolean => {
  const [type = '', ...parameters] = mediaType.split(';').map((part) => part.trim().toLowerCase());
  if (type === 'application/json') return true;
  return type === 'application/prpc' && parameters.includes('encoding=json');
};

/** Tells whether `Accept` lists a JSON media type with a quality above 0. */
const acceptsJson = (accept: string | undefined): boolean =>
  (accept ?? '').split(',').some((range) => {
    if (!isJsonMediaType(range)) return false;
    const quality = /;\s*q=([0-9.]+)/i.exec(range);
    return quality === null || Number(quality[1]) > 0;
  });

const ONLY_JSON =
  'the emulator speaks only the JSON encoding of pRPC; send Content-Type: application/json and Accept: application/json';

const checkEncoding = (request: IncomingMessage): Reply | undefined => {
  if (!isJsonMediaType(request.headers['content-type'] ?? '')) return rpcError(GrpcCode.UNIMPLEMENTED, ONLY_JSON);
  if (!acceptsJson(request.headers.accept)) return rpcError(GrpcCode.UNIMPLEMENTED, ONLY_JSON);
  return undefined;
};

const checkToken = (request: IncomingMessage, token: string, method: Method): Reply | undefined => {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  if (match === null) {
    return rpcError(GrpcCode.UNAUTHENTICATED, 'missing or malformed Authorization header; send "Authorization: Bearer <token>"');
  }
  if (match[1] !== token) {
    return rpcError(GrpcCode.PERMISSION_DENIED, `the caller's token is not allowed to call ${SERVICE}/${method}`);
  }
  return undefined;
};

// --- ListBots --------------------------------------------------------------

type NullableBool = 'NULL' | 'FALSE' | 'TRUE';

/** Reads a NullableBool filter given as a name or a number; the JSON name or the proto field name. */
const readNullableBool = (body: JsonObject, jsonName: string, protoName: string): NullableBool => {
  const value = body[jsonName] ?? body[protoName];
  if (value === undefined || value === null || value === 'NULL' || value === 0) return 'NULL';
  if (value === 'FALSE' || value === 1) return 'FALSE';
  if (value === 'TRUE' || value === 2) return 'TRUE';
  throw new InvalidRequestError(`${jsonName} must be "NULL", "FALSE" or "TRUE" (or 0, 1, 2), got ${JSON.stringify(value)}`);
};

const readLimit = (body: JsonObject): number => {
  const raw = body['limit'];
  if (raw === undefined || raw === null) return 0;

  // protobuf JSON accepts int32 values as numbers or as decimal strings.
  const limit = typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : raw;
  if (typeof limit !== 'number' || !Number.isInteger(limit)) {
    throw new InvalidRequestError(`limit must be an integer, got ${JSON.stringify(raw)}`);
  }
  if (limit < 0 || limit > MAX_PAGE_SIZE) {
    throw new InvalidRequestError(`limit must be between 0 and ${MAX_PAGE_SIZE}, got ${limit}`);
  }
  return limit;
};

const DIMENSION_KEY = /^[a-zA-Z\-_.][0-9a-zA-Z\-_.]*$/;

interface DimensionFilter {
  readonly key: string;
  readonly allowed: readonly string[];
}

/** Reads the dimension filter; `|` in a value separates allowed alternatives. */
const readDimensions = (body: JsonObject): readonly DimensionFilter[] =>
  optionalArray(body, 'dimensions', 'dimensions').map((item, index) => {
    const pair = requireObject(item, `dimensions.${index}`);
    const key = optionalString(pair, 'key', `dimensions.${index}.key`);
    const value = optionalString(pair, 'value', `dimensions.${index}.value`);

    if (key.length > 64 || !DIMENSION_KEY.test(key)) {
      throw new InvalidRequestError(`dimensions.${index}.key "${key}" is not a valid dimension key`);
    }
    const allowed = value.split('|');
    for (const alternative of allowed) {
      if (alternative === '' || alternative.length > 256 || alternative.trim() !== alternative) {
        throw new InvalidRequestError(`dimensions.${index}.value "${value}" has an empty or invalid alternative`);
      }
    }
    return { key, allowed };
  });

const CURSOR_PREFIX = 'bot:';

/** Encodes the position after `botId` as an opaque URL-safe base64 cursor. */
const encodeCursor = (botId: string): string => Buffer.from(CURSOR_PREFIX + botId, 'utf8').toString('base64url');

/** Decodes a cursor from {@link encodeCursor}; undefined when it is not one. */
const decodeCursor = (cursor: string): string | undefined => {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!decoded.startsWith(CURSOR_PREFIX) || encodeCursor(decoded.slice(CURSOR_PREFIX.length)) !== cursor) return undefined;
  return decoded.slice(CURSOR_PREFIX.length);
};

const matchesState = (filter: NullableBool, value: boolean): boolean =>
  filter === 'NULL' || (filter === 'TRUE') === value;

const matchesDimensions = (bot: FleetBot, filters: readonly DimensionFilter[]): boolean =>
  filters.every((filter) => {
    const values = bot.dimensions.find((dimension) => dimension.key === filter.key)?.value ?? [];
    return values.some((value) => filter.allowed.includes(value));
  });

/** Builds a BotInfo, leaving out default values as protobuf JSON does. */
const botJson = (bot: FleetBot): JsonObject => ({
  botId: bot.botId,
  ...(bot.taskId === undefined ? {} : { taskId: bot.taskId }),
  firstSeenTs: formatTimestamp(bot.firstSeen),
  ...(bot.isDead ? { isDead: true } : {}),
  lastSeenTs: formatTimestamp(bot.lastSeen),
  ...(bot.quarantined ? { quarantined: true } : {}),
  ...(bot.maintenanceMsg === undefined ? {} : { maintenanceMsg: bot.maintenanceMsg }),
  dimensions: bot.dimensions.map(({ key, value }) => ({ key, value })),
  ...(bot.isDead && bot.terminationTaskId !== undefined ? { terminationTaskId: bot.terminationTaskId } : {}),
});

const listBots = (options: SwarmingServerOptions, body: JsonObject, emptyList: boolean): Reply => {
  const limit = readLimit(body);
  const cursor = optionalString(body, 'cursor', 'cursor');
  const dimensions = readDimensions(body);
  const quarantined = readNullableBool(body, 'quarantined', 'quarantined');
  const inMaintenance = readNullableBool(body, 'inMaintenance', 'in_maintenance');
  const isDead = readNullableBool(body, 'isDead', 'is_dead');
  const isBusy = readNullableBool(body, 'isBusy', 'is_busy');

  const after = cursor === '' ? undefined : decodeCursor(cursor);
  if (cursor !== '' && after === undefined) return rpcError(GrpcCode.INVALID_ARGUMENT, 'bad pagination cursor');

  const envelope = {
    now: formatTimestamp(options.fleet.now()),
    deathTimeout: options.deathTimeoutSeconds ?? 600,
  };
  if (emptyList) return { _tag: 'Message', body: envelope };

  const matching = options.fleet
    .bots(options.swarmingHost)
    .filter(
      (bot) =>
        (after === undefined || bot.botId > after) &&
        matchesDimensions(bot, dimensions) &&
        matchesState(quarantined, bot.quarantined) &&
        matchesState(inMaintenance, bot.maintenanceMsg !== undefined) &&
        matchesState(isDead, bot.isDead) &&
        matchesState(isBusy, bot.taskId !== undefined),
    );

  const pageSize = Math.min(limit === 0 ? DEFAULT_PAGE_SIZE : limit, options.faults.listBotsPageSize() ?? MAX_PAGE_SIZE);
  const page = matching.slice(0, pageSize);

  // Like the real server, a full page always carries a cursor, even when no
  // bot follows, so the last page of an exact multiple is empty.
  const last = page[page.length - 1];
  return {
    _tag: 'Message',
    body: {
      ...(page.length === pageSize && last !== undefined ? { cursor: encodeCursor(last.botId) } : {}),
      ...(page.length === 0 ? {} : { items: page.map(botJson) }),
      ...envelope,
    },
  };
};

// --- TerminateBot ----------------------------------------------------------

const terminateBot = (options: SwarmingServerOptions, body: JsonObject): Reply => {
  const botId = optionalString(body, 'botId', 'botId') || optionalString(body, 'bot_id', 'bot_id');
  const reason = optionalString(body, 'reason', 'reason');
  if (botId === '') return rpcError(GrpcCode.INVALID_ARGUMENT, 'bot_id is required');

  const result = options.fleet.terminateBot(options.swarmingHost, botId, reason);
  switch (result._tag) {
    case 'BotNotFound':
      return rpcError(GrpcCode.NOT_FOUND, `bot ${botId} not found`);
    case 'TerminationQueued':
      return { _tag: 'Message', body: { taskId: result.taskId } };
  }
};

// --- Server ----------------------------------------------------------------

const send = (response: ServerResponse, reply: Reply): void => {
  switch (reply._tag) {
    case 'Message':
      response.writeHead(200, {
        'Content-Type': 'application/json',
        'X-Prpc-Grpc-Code': String(GrpcCode.OK),
        'X-Content-Type-Options': 'nosniff',
      });
      response.end(`)]}'\n${JSON.stringify(reply.body)}\n`);
      return;
    case 'RpcError':
      response.writeHead(reply.status, {
        'Content-Type': 'text/plain; charset=utf-8',
        'X-Content-Type-Options': 'nosniff',
        ...(reply.header ? { 'X-Prpc-Grpc-Code': String(reply.code) } : {}),
      });
      response.end(`${reply.message}\n`);
      return;
    case 'Http':
      response.writeHead(reply.status, { 'Content-Type': 'text/plain; charset=utf-8' });
      response.end(`${reply.text}\n`);
      return;
  }
};

const grpcCodeOf = (reply: Reply): number | undefined => {
  switch (reply._tag) {
    case 'Message':
      return GrpcCode.OK;
    case 'RpcError':
      return reply.header ? reply.code : undefined;
    case 'Http':
      return undefined;
  }
};

const statusOf = (reply: Reply): number => (reply._tag === 'Message' ? 200 : reply.status);

/** Builds the reply an HTTP status or gRPC error fault sends. */
const errorFaultReply = (action: Extract<FaultAction, { _tag: 'HttpStatus' | 'GrpcError' }>): Reply => {
  switch (action._tag) {
    case 'HttpStatus':
      return { _tag: 'Http', status: action.status, text: action.body ?? `injected fault: HTTP ${action.status}` };
    case 'GrpcError':
      return {
        _tag: 'RpcError',
        code: action.code,
        message: action.message ?? `injected fault: gRPC code ${action.code}`,
        header: action.header ?? true,
        status: action.httpStatus ?? httpStatusOfGrpcCode(action.code),
      };
  }
};

const sendMalformed = (response: ServerResponse, real: Reply | undefined): void => {
  const full = real?._tag === 'Message' ? JSON.stringify(real.body) : TRUNCATED_BODY;
  response.writeHead(200, {
    'Content-Type': 'application/json',
    'X-Prpc-Grpc-Code': String(GrpcCode.OK),
    'X-Content-Type-Options': 'nosniff',
  });
  response.end(`)]}'\n${full.slice(0, Math.max(1, Math.floor(full.length / 2)))}`);
};

/** Computes the real reply to a known method: encoding, token, body decoding, then the method. */
const reply = (
  options: SwarmingServerOptions,
  method: Method,
  request: IncomingMessage,
  bodyText: string,
  emptyList: boolean,
): Reply => {
  const rejected = checkEncoding(request) ?? checkToken(request, options.token, method);
  if (rejected !== undefined) return rejected;

  try {
    // protobuf JSON treats an empty body as a message with every field at its default.
    const body = parseJsonObject(bodyText, true);
    switch (method) {
      case 'ListBots':
        return listBots(options, body, emptyList);
      case 'TerminateBot':
        return terminateBot(options, body);
    }
  } catch (error) {
    if (error instanceof InvalidRequestError) return rpcError(GrpcCode.INVALID_ARGUMENT, error.message);
    throw error;
  }
};

const handle = async (options: SwarmingServerOptions, request: IncomingMessage, response: ServerResponse): Promise<void> => {
  const path = new URL(request.url ?? '/', `http://${LOOPBACK}`).pathname;
  const match = /^\/prpc\/([^/]+)\/([^/]+)$/.exec(path);
  const service = match?.[1];
  const methodName = match?.[2] ?? '';
  const method = service === SERVICE && isMethod(methodName) ? methodName : undefined;

  const body = await readBody(request);
  const log: RequestLogHandle = options.requestLog.begin({
    server: 'swarming',
    swarmingHost: options.swarmingHost,
    httpMethod: request.method ?? '',
    endpoint: method ?? path,
    body: body._tag === 'Body' ? body.text : undefined,
    virtualTime: options.fleet.now(),
  });
  const finish = (sent: Reply, fault?: FaultAction['_tag']): void => {
    send(response, sent);
    log.finish({ status: statusOf(sent), grpcCode: grpcCodeOf(sent), fault });
  };

  // A bug in the emulator must still end the request and show up in the request log.
  const respond = async (): Promise<void> => {

    await sleep(options.faults.latencyOf('swarming'));

    if (match === null) {
      finish({ _tag: 'Http', status: 404, text: `no pRPC route at ${path}; paths look like /prpc/${SERVICE}/ListBots` });
      return;
    }
    if (request.method !== 'POST') {
      response.setHeader('Allow', 'POST');
      finish({ _tag: 'Http', status: 405, text: `pRPC accepts POST only, got ${request.method ?? 'no method'}` });
      return;
    }
    if (method === undefined) {
      const what = service === SERVICE ? `method ${SERVICE}/${methodName}` : `service ${service ?? ''}`;
      finish(rpcError(GrpcCode.UNIMPLEMENTED, `${what} is not implemented by the emulator`));
      return;
    }
    if (body._tag === 'Aborted') return;
    if (body._tag === 'TooLarge') {
      finish(rpcError(GrpcCode.RESOURCE_EXHAUSTED, `the request body has ${body.bytes} bytes; the emulator accepts at most 1 MiB`));
      return;
    }

    const fault: MatchedFault | undefined = options.faults.match('swarming', method, options.swarmingHost);
    if (fault === undefined) {
      finish(reply(options, method, request, body.text, false));
      return;
    }

    const tag = fault.action._tag;
    log.markFault(tag);
    switch (fault.action._tag) {
      case 'EmptyBotList':
        // The request is still checked, so auth and argument errors come through.
        finish(reply(options, method, request, body.text, true), tag);
        return;
      case 'Timeout':
        // Hold the request: the client's timeout or stop() ends the connection.
        if (fault.applyRequest) reply(options, method, request, body.text, false);
        return;
      case 'MalformedBody': {
        const real = fault.applyRequest ? reply(options, method, request, body.text, false) : undefined;
        sendMalformed(response, real);
        log.finish({ status: 200, grpcCode: GrpcCode.OK, fault: tag });
        return;
      }
      case 'HttpStatus':
      case 'GrpcError':
        if (fault.applyRequest) reply(options, method, request, body.text, false);
        finish(errorFaultReply(fault.action), tag);
        return;
    }
  };

  try {
    await respond();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (!response.headersSent) send(response, rpcError(GrpcCode.INTERNAL, `emulator error: ${message}`));
    log.finish({ status: 500, error: message });
  }
};

/** Starts the Swarming server of one swarming host on 127.0.0.1. Throws when the port is taken. */
export const startSwarmingServer = async (options: SwarmingServerOptions): Promise<SwarmingServer> => {
  const server: Server = createServer((request, response) => {
    handle(options, request, response).catch(() => {
      // Only a failure before the request was logged gets here, so drop the connection.
      response.destroy();
    });
  });
  const port = await listenOnLoopback(server, options.port ?? 0);

  return {
    swarmingHost: options.swarmingHost,
    url: `http://${LOOPBACK}:${port}`,
    port,
    close: () => closeServer(server),
  };
};
