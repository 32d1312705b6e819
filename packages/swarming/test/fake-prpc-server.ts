/**
 * A scripted fake pRPC server for contract tests. It listens on 127.0.0.1
 * with a port from the operating system, records every request, and
 * responds to each one with the next step of its script. Bodies are shaped like the
 * Swarming v2 server's: JSON with the `)]}'` guard on success, plain text
 * with a gRPC code header on failure.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the fake server received it. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** One scripted response. */
export interface ScriptedResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** Milliseconds to wait before responding. */
  readonly delayMs?: number;
}

/** A script: a list of responses in order, or a function of the request and its index. */
export type Script = readonly ScriptedResponse[] | ((request: RecordedRequest, index: number) => ScriptedResponse);

/** A running fake server. */
export interface FakePrpcServer {
  /** Base URL, for example `http://127.0.0.1:40123`. */
  readonly baseUrl: string;
  readonly requests: readonly RecordedRequest[];
  /** The JSON bodies of the requests, parsed. */
  readonly requestBodies: () => unknown[];
  close(): Promise<void>;
}

/** A successful pRPC JSON response, with the XSSI guard unless `xssi` is false. */
export const prpcOk = (message: unknown, options: { xssi?: boolean } = {}): ScriptedResponse => ({
  status: 200,
  headers: { 'Content-Type': 'application/json', 'X-Prpc-Grpc-Code': '0', 'X-Content-Type-Options': 'nosniff' },
  body: `${options.xssi === false ? '' : ")]}'\n"}${JSON.stringify(message)}\n`,
});

/** A successful pRPC response with a raw body, for malformed JSON. */
export const prpcOkRaw = (body: string): ScriptedResponse => ({
  status: 200,
  headers: { 'Content-Type': 'application/json', 'X-Prpc-Grpc-Code': '0' },
  body,
});

/** A pRPC error: the gRPC code header and the status message as plain text. */
export const prpcError = (code: number, httpStatus: number, message: string): ScriptedResponse => ({
  status: httpStatus,
  headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Prpc-Grpc-Code': String(code) },
  body: `${message}\n`,
});

/** An HTTP response without the gRPC code header, as a proxy or load balancer sends it. */
export const httpOnly = (status: number, body: string): ScriptedResponse => ({
  status,
  headers: { 'Content-Type': 'text/html' },
  body,
});

/** Starts a fake server on 127.0.0.1 with an ephemeral port. */
export const startFakePrpcServer = async (script: Script): Promise<FakePrpcServer> => {
  const requests: RecordedRequest[] = [];
  const timers = new Set<ReturnType<typeof setTimeout>>();

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const recorded: RecordedRequest = {
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      const index = requests.length;
      requests.push(recorded);

      const scripted =
        typeof script === 'function'
          ? script(recorded, index)
          : (script[index] ?? prpcError(13, 500, `fake server script has no step ${index + 1}`));

      const send = (): void => {
        response.writeHead(scripted.status, scripted.headers);
        response.end(scripted.body);
      };
      if (scripted.delayMs === undefined) {
        send();
        return;
      }
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!response.destroyed) {
          send();
        }
      }, scripted.delayMs);
      timers.add(timer);
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    requestBodies: () => requests.map((request) => JSON.parse(request.body) as unknown),
    close: async () => {
      for (const timer of timers) {
        clearTimeout(timer);
      }
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

/** Returns a base URL on which nothing listens: the port of a server that was started and closed. */
export const closedPortUrl = async (): Promise<string> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
};
