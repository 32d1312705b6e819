/**
 * A scripted MacService stand-in for contract tests: an HTTP server on
 * 127.0.0.1 that records every request and responds to each route with the
 * next reply from its script.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the server saw it. */
export interface RecordedRequest {
  readonly method: string;
  /** Path and query, for example `/v1alpha1/leases:find`. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** One scripted response. */
export interface Reply {
  readonly status: number;
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Wait this long before sending the status line. */
  readonly delayMs?: number;
}

/** A scripted response, or a function that builds one from the request, for example to echo it. */
export type ScriptedReply = Reply | ((request: RecordedRequest) => Reply);

/** The path prefix the fake serves, like the real service's `/v1alpha1/`. */
export const API_PREFIX = '/v1alpha1/';

/** Response once a route's script has run out: 418, which no client retries. */
const UNSCRIPTED: Reply = { status: 418, body: 'no scripted reply left for this route' };

export interface FakeServer {
  /** Base URL to pass as `baseUrl`, ending in `/v1alpha1/`. */
  readonly baseUrl: string;
  readonly port: number;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Requests whose path ends in `route`, for example `leases:find`. */
  requestsTo(route: string): RecordedRequest[];
  close(): Promise<void>;
}

/**
 * Starts a fake on 127.0.0.1. `script` maps a route such as `leases:find` to
 * the replies for its successive requests. A request to a route whose
 * replies ran out gets 418. With `port` 0 the system picks a free port.
 */
export const startFakeServer = async (
  script: Readonly<Record<string, readonly ScriptedReply[]>>,
  port = 0,
): Promise<FakeServer> => {
  const queues = new Map(Object.entries(script).map(([route, replies]) => [route, [...replies]]));
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '';
      const recorded: RecordedRequest = {
        method: request.method ?? '',
        path,
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);

      const route = path.startsWith(API_PREFIX) ? path.slice(API_PREFIX.length) : path;
      const scripted = queues.get(route)?.shift() ?? UNSCRIPTED;
      const reply = typeof scripted === 'function' ? scripted(recorded) : scripted;
      const send = (): void => {
        response.writeHead(reply.status, { 'Content-Type': 'application/json', ...reply.headers });
        response.end(reply.body ?? '');
      };

      if (reply.delayMs === undefined) {
        send();
        return;
      }
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!response.destroyed) {
          send();
        }
      }, reply.delayMs);
      timers.add(timer);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;

  return {
    baseUrl: `http://127.0.0.1:${actualPort}${API_PREFIX}`,
    port: actualPort,
    requests,
    requestsTo: (route) => requests.filter((recorded) => recorded.path.endsWith(route)),
    close: async () => {
      for (const timer of timers) {
        clearTimeout(timer);
      }
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

/** Opens and closes a port on 127.0.0.1 and returns it, so that connecting to it is refused. */
export const closedPort = async (): Promise<number> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
};
