/**
 * Plumbing shared by the emulated servers: reading a bounded request body,
 * listening on the loopback interface and closing a server together with the
 * requests it is holding.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The largest request body the emulator reads; larger bodies get 413. */
export const MAX_REQUEST_BYTES = 1024 * 1024;

/** A request body, or the fact that it was too large or cut off. */
export type RequestBody =
  | { readonly _tag: 'Body'; readonly text: string }
  | { readonly _tag: 'TooLarge'; readonly bytes: number }
  | { readonly _tag: 'Aborted' };

/** Reads the whole body of `request` as UTF-8, up to {@link MAX_REQUEST_BYTES}. */
export const readBody = (request: IncomingMessage): Promise<RequestBody> =>
  new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let bytes = 0;

    request.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= MAX_REQUEST_BYTES) chunks.push(chunk);
    });
    request.on('end', () => {
      if (bytes > MAX_REQUEST_BYTES) resolve({ _tag: 'TooLarge', bytes });
      else resolve({ _tag: 'Body', text: Buffer.concat(chunks).toString('utf8') });
    });
    request.on('aborted', () => resolve({ _tag: 'Aborted' }));
    request.on('error', () => resolve({ _tag: 'Aborted' }));
  });

/** Waits `milliseconds` of wall-clock time; 0 resolves at once. */
export const sleep = (milliseconds: number): Promise<void> =>
  milliseconds <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, milliseconds));

/** The only interface the emulator listens on. */
export const LOOPBACK = '127.0.0.1';

/** Starts `server` on 127.0.0.1 and returns the port it got (`port` 0 picks a free one). */
export const listenOnLoopback = (server: Server, port: number): Promise<number> =>
  new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen(port, LOOPBACK, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });

/** Stops `server`, cutting the connections of requests it is still holding. */
export const closeServer = (server: Server): Promise<void> =>
  new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeAllConnections();
  });
