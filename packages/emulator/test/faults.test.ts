/**
 * Injected faults, latency and the request log, observed over HTTP.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { startEmulator, type Emulator } from '../src/index.js';
import { callMacService, callPrpc, createRequest, macServiceJson, parsePrpcJson, prpcJson } from './http.js';

const HOST = 'chromium-swarm.appspot.com';
const FIND = { vmResourceNamespace: { customerName: 'golang', projectName: '', subCustomerName: '' } };

let emulator: Emulator;

beforeEach(async () => {
  emulator = await startEmulator({ seed: 21 });
});

afterEach(async () => {
  await emulator.stop();
});

describe('MacService faults', () => {
  it('replaces the response with an HTTP status and body', async () => {
    emulator.faults.add({ server: 'macservice', endpoint: 'leases:find', action: { _tag: 'HttpStatus', status: 503, body: 'backend unavailable' } });

    const response = await callMacService(emulator, 'leases:find', FIND);
    expect(response.status).toBe(503);
    expect(response.text).toBe('backend unavailable\n');
  });

  it('fires only the given number of times', async () => {
    const handle = emulator.faults.add({ server: 'macservice', endpoint: 'leases:find', action: { _tag: 'HttpStatus', status: 500 }, times: 2 });

    const statuses = [];
    for (let index = 0; index < 4; index += 1) statuses.push((await callMacService(emulator, 'leases:find', FIND)).status);
    expect(statuses).toEqual([500, 500, 200, 200]);
    expect(handle.fired()).toBe(2);
    expect(emulator.faults.list()[0]?.remaining).toBe(0);
  });

  it('leaves other endpoints alone', async () => {
    emulator.faults.add({ server: 'macservice', endpoint: 'leases:create', action: { _tag: 'HttpStatus', status: 500 } });
    expect((await callMacService(emulator, 'leases:find', FIND)).status).toBe(200);
  });

  it('does not create a lease unless applyRequest is set', async () => {
    emulator.faults.add({ server: 'macservice', endpoint: 'leases:create', action: { _tag: 'HttpStatus', status: 500 }, times: 1 });
    expect((await callMacService(emulator, 'leases:create', createRequest({}))).status).toBe(500);
    expect(emulator.fleet.leases()).toHaveLength(0);

    emulator.faults.add({
      server: 'macservice',
      endpoint: 'leases:create',
      action: { _tag: 'HttpStatus', status: 502 },
      times: 1,
      applyRequest: true,
    });
    expect((await callMacService(emulator, 'leases:create', createRequest({}))).status).toBe(502);
    expect(emulator.fleet.leases()).toHaveLength(1);
  });

  it('sends a truncated JSON body with status 200', async () => {
    await macServiceJson(emulator, 'leases:create', createRequest({}));
    emulator.faults.add({ server: 'macservice', endpoint: 'leases:find', action: { _tag: 'MalformedBody' }, applyRequest: true });

    const response = await callMacService(emulator, 'leases:find', FIND);
    expect(response.status).toBe(200);
    expect(response.text.startsWith('{"instances":[')).toBe(true);
    expect(() => JSON.parse(response.text)).toThrow();
  });

  it('holds a timed-out request until the client gives up', async () => {
    emulator.faults.add({ server: 'macservice', endpoint: 'leases:find', action: { _tag: 'Timeout' } });

    await expect(callMacService(emulator, 'leases:find', FIND, { signal: AbortSignal.timeout(150) })).rejects.toThrow();
    const [entry] = emulator.requestLog.entries();
    expect(entry?.fault).toBe('Timeout');
    expect(entry?.status).toBeUndefined();
  });

  it('ends held requests when the emulator stops', async () => {
    emulator.faults.add({ server: 'macservice', endpoint: 'leases:find', action: { _tag: 'Timeout' } });
    const pending = callMacService(emulator, 'leases:find', FIND);
    await new Promise((resolve) => setTimeout(resolve, 50));

    await emulator.stop();
    await expect(pending).rejects.toThrow();
  });

  it('fires by seeded probability', async () => {
    emulator.faults.add({ server: 'macservice', endpoint: '*', action: { _tag: 'HttpStatus', status: 503 }, probability: 0.5 });
    const statuses: number[] = [];
    for (let index = 0; index < 40; index += 1) statuses.push((await callMacService(emulator, 'leases:find', FIND)).status);

    const failures = statuses.filter((status) => status === 503).length;
    expect(failures).toBeGreaterThan(5);
    expect(failures).toBeLessThan(35);

    // The same seed fires for the same requests.
    const again = await startEmulator({ seed: 21 });
    try {
      again.faults.add({ server: 'macservice', endpoint: '*', action: { _tag: 'HttpStatus', status: 503 }, probability: 0.5 });
      const repeated: number[] = [];
      for (let index = 0; index < 40; index += 1) repeated.push((await callMacService(again, 'leases:find', FIND)).status);
      expect(repeated).toEqual(statuses);
    } finally {
      await again.stop();
    }
  });

  it('rejects rules that cannot apply', () => {
    expect(() => emulator.faults.add({ server: 'macservice', endpoint: 'ListBots', action: { _tag: 'Timeout' } })).toThrow(/not a macservice endpoint/);
    expect(() => emulator.faults.add({ server: 'macservice', endpoint: '*', action: { _tag: 'GrpcError', code: 14 } })).toThrow(/swarming server only/);
    expect(() => emulator.faults.add({ server: 'swarming', endpoint: 'TerminateBot', action: { _tag: 'EmptyBotList' } })).toThrow(/ListBots/);
    expect(() => emulator.faults.add({ server: 'swarming', endpoint: '*', action: { _tag: 'GrpcError', code: 0 } })).toThrow(/between 1 and 16/);
  });
});

describe('Swarming faults', () => {
  it('sends a gRPC code with its header and mapped status', async () => {
    emulator.faults.add({ server: 'swarming', endpoint: 'ListBots', action: { _tag: 'GrpcError', code: 14, message: 'try later' } });

    const response = await callPrpc(emulator, HOST, 'ListBots', {});
    expect(response.status).toBe(503);
    expect(response.headers.get('x-prpc-grpc-code')).toBe('14');
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(response.text).toBe('try later\n');
  });

  it('sends a gRPC error without the code header', async () => {
    emulator.faults.add({ server: 'swarming', endpoint: 'ListBots', action: { _tag: 'GrpcError', code: 13, header: false } });

    const response = await callPrpc(emulator, HOST, 'ListBots', {});
    expect(response.status).toBe(500);
    expect(response.headers.get('x-prpc-grpc-code')).toBeNull();
  });

  it('sends a plain HTTP status without the code header', async () => {
    emulator.faults.add({ server: 'swarming', endpoint: '*', action: { _tag: 'HttpStatus', status: 502, body: 'bad gateway' } });

    const response = await callPrpc(emulator, HOST, 'ListBots', {});
    expect(response.status).toBe(502);
    expect(response.headers.get('x-prpc-grpc-code')).toBeNull();
    expect(response.text).toBe('bad gateway\n');
  });

  it('sends a truncated body after the XSSI prefix', async () => {
    emulator.fleet.addBot({ swarmingHost: HOST, botId: 'some-bot' });
    emulator.faults.add({ server: 'swarming', endpoint: 'ListBots', action: { _tag: 'MalformedBody' }, applyRequest: true });

    const response = await callPrpc(emulator, HOST, 'ListBots', {});
    expect(response.status).toBe(200);
    expect(response.headers.get('x-prpc-grpc-code')).toBe('0');
    expect(() => parsePrpcJson(response.text)).toThrow();
  });

  it('returns an empty bot list', async () => {
    emulator.fleet.addBot({ swarmingHost: HOST, botId: 'hidden' });
    emulator.faults.add({ server: 'swarming', endpoint: 'ListBots', action: { _tag: 'EmptyBotList' }, times: 1 });

    expect(await prpcJson(emulator, HOST, 'ListBots', {})).toEqual({ now: '2025-01-06T09:00:00Z', deathTimeout: 600 });
    expect((await prpcJson(emulator, HOST, 'ListBots', {})).items).toHaveLength(1);
  });

  it('still checks the token under an empty bot list fault', async () => {
    emulator.faults.add({ server: 'swarming', endpoint: 'ListBots', action: { _tag: 'EmptyBotList' } });
    const response = await callPrpc(emulator, HOST, 'ListBots', {}, { Authorization: null });
    expect(response.headers.get('x-prpc-grpc-code')).toBe('16');
  });

  it('holds a timed-out ListBots', async () => {
    emulator.faults.add({ server: 'swarming', endpoint: 'ListBots', action: { _tag: 'Timeout' }, swarmingHost: HOST });
    await expect(callPrpc(emulator, HOST, 'ListBots', {}, {}, { signal: AbortSignal.timeout(150) })).rejects.toThrow();
  });
});

describe('latency', () => {
  it('delays every call by the configured wall-clock time', async () => {
    const slow = await startEmulator({ latencyMs: { swarming: 60 } });
    try {
      const started = performance.now();
      await callPrpc(slow, HOST, 'ListBots', {});
      expect(performance.now() - started).toBeGreaterThanOrEqual(55);
      expect(slow.requestLog.entries()[0]?.durationMs).toBeGreaterThanOrEqual(55);
      expect(slow.faults.latencyOf('macservice')).toBe(0);
    } finally {
      await slow.stop();
    }
  });
});

describe('request log', () => {
  it('records server, endpoint, status and gRPC code', async () => {
    await callMacService(emulator, 'leases:find', FIND);
    await callPrpc(emulator, HOST, 'ListBots', { limit: 5 });
    await callPrpc(emulator, HOST, 'ListBots', {}, { Authorization: null });

    const entries = emulator.requestLog.entries();
    expect(entries.map((entry) => [entry.server, entry.endpoint, entry.status, entry.grpcCode])).toEqual([
      ['macservice', 'leases:find', 200, undefined],
      ['swarming', 'ListBots', 200, 0],
      ['swarming', 'ListBots', 401, 16],
    ]);
    expect(entries[1]?.swarmingHost).toBe(HOST);
    expect(entries[1]?.body).toEqual({ limit: 5 });
    expect(entries[0]?.virtualTime).toBe(emulator.clock.now());
  });

  it('never stores the API key, token, certificate or key', async () => {
    const cert = '-----BEGIN CERTIFICATE-----\nMIIB-secret-cert\n-----END CERTIFICATE-----\n';
    const key = 'plain-private-key-value-42';
    await macServiceJson(emulator, 'leases:create', createRequest({ cert, key }));
    await callMacService(emulator, 'leases:find', { ...FIND, note: `key ${emulator.apiKey}` });
    await callMacService(emulator, 'leases:find', FIND, { apiKey: 'wrong-key-abc' });
    await callPrpc(emulator, HOST, 'ListBots', { cursor: emulator.token });
    await callMacService(emulator, 'leases:create', undefined, { rawBody: `{"broken": "${key}` });

    const logged = JSON.stringify(emulator.requestLog.entries());
    for (const secret of [emulator.apiKey, emulator.token, 'MIIB-secret-cert', key, 'wrong-key-abc']) {
      expect(logged, secret).not.toContain(secret);
    }
    expect(logged).toContain('[redacted]');
    expect(logged).toContain('golang.hostname');
  });

  it('marks faulted requests', async () => {
    emulator.faults.add({ server: 'macservice', endpoint: 'leases:find', action: { _tag: 'HttpStatus', status: 429 } });
    await callMacService(emulator, 'leases:find', FIND);
    expect(emulator.requestLog.entries()[0]).toMatchObject({ status: 429, fault: 'HttpStatus' });
  });
});
