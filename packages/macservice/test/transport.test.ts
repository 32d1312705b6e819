/**
 * Tests of how fetch failures become TransportErrors, with the error shapes
 * node-fetch and undici produce.
 */
import { describe, expect, it } from 'vitest';

import { makeScrubber } from '../src/scrub.js';
import { failedBeforeSending, transportError } from '../src/transport.js';

const systemError = (code: string, syscall?: string): Error =>
  Object.assign(new Error(`${syscall ?? 'op'} ${code} 127.0.0.1:9`), { code, ...(syscall ? { syscall } : {}) });

// node-fetch 2 copies the code onto its own FetchError and drops the syscall.
const nodeFetchError = (code: string): Error =>
  Object.assign(new Error(`request to http://127.0.0.1:9/ failed, reason: connect ${code}`), { code, type: 'system' });

// undici wraps the socket error in a TypeError's cause.
const undiciError = (cause: unknown): Error => new TypeError('fetch failed', { cause });

describe('failedBeforeSending', () => {
  it.each([
    ['node-fetch ECONNREFUSED', nodeFetchError('ECONNREFUSED'), true],
    ['node-fetch ENOTFOUND', nodeFetchError('ENOTFOUND'), true],
    ['node-fetch ECONNRESET', nodeFetchError('ECONNRESET'), false],
    ['node-fetch EHOSTUNREACH without syscall', nodeFetchError('EHOSTUNREACH'), false],
    ['undici ECONNREFUSED', undiciError(systemError('ECONNREFUSED', 'connect')), true],
    ['undici EHOSTUNREACH on connect', undiciError(systemError('EHOSTUNREACH', 'connect')), true],
    ['undici EHOSTUNREACH on read', undiciError(systemError('EHOSTUNREACH', 'read')), false],
    ['undici ECONNRESET', undiciError(systemError('ECONNRESET', 'read')), false],
    ['undici socket closed', undiciError(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' })), false],
    ['undici connect timeout', undiciError(Object.assign(new Error('Connect Timeout Error'), { code: 'UND_ERR_CONNECT_TIMEOUT' })), true],
    [
      'undici AggregateError of refusals',
      undiciError(Object.assign(new AggregateError([systemError('ECONNREFUSED', 'connect')], ''), { code: 'ECONNREFUSED' })),
      true,
    ],
    ['AbortError', Object.assign(new Error('aborted'), { name: 'AbortError' }), false],
    ['a string', 'boom', false],
    ['undefined', undefined, false],
  ])('%s gives %s', (_name, error, notSent) => {
    expect(failedBeforeSending(error)).toBe(notSent);
  });
});

describe('transportError', () => {
  const scrub = makeScrubber(['k3y-k3y-k3y-k3y']);

  it('describes a timeout without claiming the request was not sent', () => {
    expect(transportError('http://h/x', new Error('aborted'), true, 250, scrub)).toStrictEqual({
      _tag: 'TransportError',
      kind: 'timeout',
      url: 'http://h/x',
      message: 'no complete response within 250 ms',
      notSent: false,
    });
  });

  it('joins the messages of the cause chain and names the code', () => {
    const error = transportError('http://h/x', undiciError(systemError('ECONNREFUSED', 'connect')), false, 250, scrub);

    expect(error).toStrictEqual({
      _tag: 'TransportError',
      kind: 'connection',
      url: 'http://h/x',
      message: 'fetch failed: connect ECONNREFUSED 127.0.0.1:9',
      notSent: true,
    });
  });

  it('scrubs secrets from messages', () => {
    const error = transportError('http://h/x', new Error('bad header k3y-k3y-k3y-k3y'), false, 250, scrub);

    expect(error.message).toBe('bad header [redacted]');
  });
});
