/**
 * Contract tests of the MacService client against scripted fake servers on
 * 127.0.0.1: exact requests, decoding of the response shapes the leases API
 * sends, retry policy, typed errors and secret handling.
 */
import { METADATA_CERT, METADATA_HOSTNAME, METADATA_KEY, METADATA_SWARMING, REDACTED } from '@makemac/core';
import type { LeaseRequest, MacServicePort } from '@makemac/core';
import * as E from 'fp-ts/lib/Either.js';
import { afterEach, describe, expect, it } from 'vitest';

import type { MacServiceClientOptions, MacServiceEvent } from '../src/options.js';
import { createMacServiceClient } from '../src/client.js';
import { DEFAULT_BASE_URL } from '../src/options.js';
import type { FakeServer, Reply } from './support/fake-server.js';
import { closedPort, startFakeServer } from './support/fake-server.js';

const API_KEY = 'AIzaSyContractTestKey_0123456789abcd';
const CERT = '-----BEGIN CERTIFICATE-----\nMIIBcontractTestCertificateBody\n-----END CERTIFICATE-----\n';
// A key without PEM armor, so only the known-secret scrubbing can catch it.
const PRIVATE_KEY = 'cHJpdmF0ZS1rZXktbWF0ZXJpYWwtd2l0aG91dC1hcm1vcg';
const IMAGE = 'b16a8a5f2d1e383667c3764d915551f4af56d63edd0679539703688a6b9f6754';
const LEASE_ID = '39b47cf6-2aaa-4c80-b9cb-b800844fb104';
const EXPIRES = '2024-03-09T14:00:00Z';
const EXPIRES_MS = Date.UTC(2024, 2, 9, 14);

const leaseRequest: LeaseRequest = {
  namespace: { customerName: 'golang', projectName: 'makemac/chromium-swarm.appspot.com', subCustomerName: '' },
  image: IMAGE,
  profile: 'V1_MEDIUM_VM',
  accessLevel: 'GOLANG_OSS',
  duration: 86_400_000,
  metadata: [
    { key: METADATA_SWARMING, value: 'chromium-swarm.appspot.com' },
    { key: METADATA_HOSTNAME, value: 'darwin-amd64-14' },
    { key: METADATA_CERT, value: CERT },
    { key: METADATA_KEY, value: PRIVATE_KEY },
  ],
};

const servers: FakeServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const start = async (script: Readonly<Record<string, readonly Reply[]>>, port = 0): Promise<FakeServer> => {
  const server = await startFakeServer(script, port);
  servers.push(server);
  return server;
};

const ok = (body: unknown): Reply => ({ status: 200, body: JSON.stringify(body) });

interface Harness {
  readonly client: MacServicePort;
  readonly delays: number[];
  readonly events: MacServiceEvent[];
}

/** Builds a client that records sleeps and events, with jitter fixed at one half. */
const harness = (baseUrl: string, options: Partial<MacServiceClientOptions> = {}): Harness => {
  const delays: number[] = [];
  const events: MacServiceEvent[] = [];
  const client = createMacServiceClient({
    apiKey: API_KEY,
    baseUrl,
    random: () => 0.5,
    sleep: async (milliseconds) => {
      delays.push(milliseconds);
    },
    onEvent: (event) => events.push(event),
    ...options,
  });
  return { client, delays, events };
};

const instance = (leaseId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  lease: {
    leaseId,
    vmResourceNamespace: { customerName: 'golang', projectName: 'makemac/chromium-swarm.appspot.com' },
    expires: EXPIRES,
  },
  instanceSpecification: {
    profile: 'V1_MEDIUM_VM',
    accessLevel: 'GOLANG_OSS',
    diskSelection: { imageHashes: { bootSha256: IMAGE } },
  },
  ...overrides,
});

const rightOf = <L, R>(result: E.Either<L, R>): R => {
  if (E.isLeft(result)) {
    throw new Error(`expected a Right, got Left ${JSON.stringify(result.left)}`);
  }
  return result.right;
};

const leftOf = <L, R>(result: E.Either<L, R>): L => {
  if (E.isRight(result)) {
    throw new Error(`expected a Left, got Right ${JSON.stringify(result.right)}`);
  }
  return result.left;
};

describe('requests', () => {
  it('find posts the customer with every namespace field', async () => {
    const server = await start({ 'leases:find': [ok({})] });

    await harness(server.baseUrl).client.find('golang')();

    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/v1alpha1/leases:find');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['x-goog-api-key']).toBe(API_KEY);
    expect(request?.headers['authorization']).toBeUndefined();
    expect(request?.body).toBe('{"vmResourceNamespace":{"customerName":"golang","projectName":"","subCustomerName":""}}\n');
  });

  it('create posts the full instance specification', async () => {
    const server = await start({
      'leases:create': [ok({ pendingLease: { leaseId: LEASE_ID, expires: '2024-03-10T14:00:00Z' } })],
    });

    const result = await harness(server.baseUrl).client.create(leaseRequest)();

    expect(result).toStrictEqual(E.right({ leaseId: LEASE_ID, expires: Date.UTC(2024, 2, 10, 14) }));
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/v1alpha1/leases:create');
    expect(request?.headers['x-goog-api-key']).toBe(API_KEY);
    expect(JSON.parse(request?.body ?? '')).toStrictEqual({
      vmResourceNamespace: { customerName: 'golang', projectName: 'makemac/chromium-swarm.appspot.com', subCustomerName: '' },
      instanceSpecification: {
        profile: 'V1_MEDIUM_VM',
        accessLevel: 'GOLANG_OSS',
        metadata: [
          { key: 'golang.swarming', value: 'chromium-swarm.appspot.com' },
          { key: 'golang.hostname', value: 'darwin-amd64-14' },
          { key: 'golang.cert', value: CERT },
          { key: 'golang.key', value: PRIVATE_KEY },
        ],
        diskSelection: { imageHashes: { bootSha256: IMAGE } },
      },
      duration: '86400s',
    });
  });

  it('renew posts the lease id and duration', async () => {
    const server = await start({ 'leases:renew': [ok({ expires: '2024-03-10T13:00:00.5Z' })] });

    const result = await harness(server.baseUrl).client.renew(LEASE_ID, 82_800_000)();

    expect(result).toStrictEqual(E.right({ expires: Date.UTC(2024, 2, 10, 13, 0, 0, 500) }));
    expect(server.requests[0]?.path).toBe('/v1alpha1/leases:renew');
    expect(server.requests[0]?.body).toBe(`{"leaseId":"${LEASE_ID}","duration":"82800s"}\n`);
  });

  it('vacate posts the lease id', async () => {
    const server = await start({ 'leases:vacate': [ok({})] });

    const result = await harness(server.baseUrl).client.vacate(LEASE_ID)();

    expect(result).toStrictEqual(E.right(undefined));
    expect(server.requests[0]?.path).toBe('/v1alpha1/leases:vacate');
    expect(server.requests[0]?.body).toBe(`{"leaseId":"${LEASE_ID}"}\n`);
  });

  it('accepts a base URL without a trailing slash', async () => {
    const server = await start({ 'leases:find': [ok({})] });

    await harness(server.baseUrl.replace(/\/$/, '')).client.find('golang')();

    expect(server.requests[0]?.path).toBe('/v1alpha1/leases:find');
  });

  it('sends nothing until the task runs', async () => {
    const server = await start({ 'leases:vacate': [ok({})] });

    const task = harness(server.baseUrl).client.vacate(LEASE_ID);

    expect(server.requests).toHaveLength(0);
    await task();
    expect(server.requests).toHaveLength(1);
  });
});

describe('find responses', () => {
  it('reads an empty object and an empty list as no leases', async () => {
    const server = await start({ 'leases:find': [ok({}), ok({ instances: [] })] });
    const { client } = harness(server.baseUrl);

    expect(await client.find('golang')()).toStrictEqual(E.right([]));
    expect(await client.find('golang')()).toStrictEqual(E.right([]));
  });

  it('maps many instances in order', async () => {
    const ids = Array.from({ length: 40 }, (_, index) => `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`);
    const server = await start({ 'leases:find': [ok({ instances: ids.map((id) => instance(id)) })] });

    const result = await harness(server.baseUrl).client.find('golang')();

    const leases = rightOf(result);
    expect(leases.map((lease) => lease.leaseId)).toStrictEqual(ids);
    expect(leases[39]).toStrictEqual({
      leaseId: ids[39],
      projectName: 'makemac/chromium-swarm.appspot.com',
      image: IMAGE,
      expires: EXPIRES_MS,
      metadata: {},
    });
  });

  it('fills fields a proto3 server leaves out', async () => {
    const server = await start({ 'leases:find': [ok({ instances: [{ lease: { leaseId: LEASE_ID, expires: EXPIRES } }] })] });

    const result = await harness(server.baseUrl).client.find('golang')();

    expect(result).toStrictEqual(
      E.right([{ leaseId: LEASE_ID, projectName: '', image: '', expires: EXPIRES_MS, metadata: {} }]),
    );
  });

  it('ignores unknown fields', async () => {
    const body = {
      instances: [
        {
          ...instance(LEASE_ID),
          state: 'ACTIVE',
          lease: {
            leaseId: LEASE_ID,
            expires: EXPIRES,
            createTime: '2024-03-08T14:00:00Z',
            vmResourceNamespace: { customerName: 'golang', projectName: 'other', zone: 'c3' },
          },
        },
      ],
      nextPageToken: '',
      unreachable: ['x'],
    };
    const server = await start({ 'leases:find': [ok(body)] });

    const result = await harness(server.baseUrl).client.find('golang')();

    expect(result).toStrictEqual(
      E.right([{ leaseId: LEASE_ID, projectName: 'other', image: IMAGE, expires: EXPIRES_MS, metadata: {} }]),
    );
  });

  it('reads fractional seconds and numeric offsets', async () => {
    const expiries = ['2024-03-09T14:00:00.123456789Z', '2024-03-09T16:00:00+02:00', '2024-03-09T09:00:00.25-05:00'];
    const instances = expiries.map((expires, index) => ({ lease: { leaseId: `lease-${index}`, expires } }));
    const server = await start({ 'leases:find': [ok({ instances })] });

    const result = await harness(server.baseUrl).client.find('golang')();

    expect(rightOf(result).map((lease) => lease.expires)).toStrictEqual([
      EXPIRES_MS + 123,
      EXPIRES_MS,
      EXPIRES_MS + 250,
    ]);
  });

  it('redacts the bot cert and key the service echoes', async () => {
    const metadata = [
      { key: METADATA_SWARMING, value: 'chromium-swarm.appspot.com' },
      { key: METADATA_HOSTNAME, value: 'darwin-amd64-14' },
      { key: METADATA_CERT, value: CERT },
      { key: METADATA_KEY, value: PRIVATE_KEY },
    ];
    const body = {
      instances: [instance(LEASE_ID, { instanceSpecification: { metadata, diskSelection: { imageHashes: { bootSha256: IMAGE } } } })],
    };
    const server = await start({ 'leases:find': [ok(body)] });

    const result = await harness(server.baseUrl).client.find('golang')();

    expect(rightOf(result)[0]?.metadata).toStrictEqual({
      [METADATA_SWARMING]: 'chromium-swarm.appspot.com',
      [METADATA_HOSTNAME]: 'darwin-amd64-14',
      [METADATA_CERT]: REDACTED,
      [METADATA_KEY]: REDACTED,
    });
    expect(JSON.stringify(result)).not.toContain('MIIBcontract');
    expect(JSON.stringify(result)).not.toContain(PRIVATE_KEY);
  });
});

describe('decode errors', () => {
  it('reports truncated JSON at the root', async () => {
    const server = await start({ 'leases:find': [{ status: 200, body: '{"instances":[{"lease":{"leaseId":"a"' }] });

    const error = leftOf(await harness(server.baseUrl).client.find('golang')());

    expect(error).toMatchObject({ _tag: 'DecodeError', path: '', expected: 'a JSON body' });
    expect(server.requests).toHaveLength(1);
  });

  it('names the path of a wrongly typed expires', async () => {
    const instances = [instance('a'), instance('b'), instance('c'), { lease: { leaseId: 'd', expires: 1_710_000_000 } }];
    const server = await start({ 'leases:find': [ok({ instances })] });

    const error = leftOf(await harness(server.baseUrl).client.find('golang')());

    expect(error).toStrictEqual({
      _tag: 'DecodeError',
      url: `${server.baseUrl}leases:find`,
      path: 'instances.3.lease.expires',
      expected: 'RFC 3339 timestamp',
      valueExcerpt: '1710000000',
    });
  });

  it('names the path of a missing expires and lease id', async () => {
    const server = await start({
      'leases:find': [ok({ instances: [instance('a'), { lease: { leaseId: 'b' } }] }), ok({ instances: [{ lease: { expires: EXPIRES } }] })],
    });
    const { client } = harness(server.baseUrl);

    expect(leftOf(await client.find('golang')())).toMatchObject({
      path: 'instances.1.lease.expires',
      valueExcerpt: '(missing)',
    });
    expect(leftOf(await client.find('golang')())).toMatchObject({
      path: 'instances.0.lease.leaseId',
      expected: 'non-empty string',
    });
  });

  it('rejects wrongly typed project names, images and metadata', async () => {
    const server = await start({
      'leases:find': [
        ok({ instances: [{ lease: { leaseId: 'a', expires: EXPIRES, vmResourceNamespace: { projectName: 7 } } }] }),
        ok({ instances: [instance('a', { instanceSpecification: { diskSelection: { imageHashes: { bootSha256: ['x'] } } } })] }),
        ok({ instances: [instance('a', { instanceSpecification: { metadata: [{ key: 'k', value: false }] } })] }),
        ok({ instances: {} }),
      ],
    });
    const { client } = harness(server.baseUrl);

    expect(leftOf(await client.find('golang')())).toMatchObject({ path: 'instances.0.lease.vmResourceNamespace.projectName' });
    expect(leftOf(await client.find('golang')())).toMatchObject({
      path: 'instances.0.instanceSpecification.diskSelection.imageHashes.bootSha256',
    });
    expect(leftOf(await client.find('golang')())).toMatchObject({
      path: 'instances.0.instanceSpecification.metadata.0.value',
    });
    expect(leftOf(await client.find('golang')())).toMatchObject({ path: 'instances', expected: 'array (Instance)' });
  });

  it('checks create and renew responses', async () => {
    const server = await start({
      'leases:create': [ok({ lease: { leaseId: LEASE_ID, expires: EXPIRES } })],
      'leases:renew': [ok({ expires: '2024-03-09 14:00:00' })],
    });
    const { client } = harness(server.baseUrl);

    expect(leftOf(await client.create(leaseRequest)())).toMatchObject({ _tag: 'DecodeError', path: 'pendingLease' });
    expect(leftOf(await client.renew(LEASE_ID, 82_800_000)())).toMatchObject({
      _tag: 'DecodeError',
      path: 'expires',
      valueExcerpt: '"2024-03-09 14:00:00"',
    });
  });

  it('does not retry a decode error', async () => {
    const server = await start({ 'leases:renew': [{ status: 200, body: 'OK' }] });

    const error = leftOf(await harness(server.baseUrl).client.renew(LEASE_ID, 1000)());

    expect(error._tag).toBe('DecodeError');
    expect(server.requests).toHaveLength(1);
  });
});

describe('status handling', () => {
  it('retries find on 429 then 503, then succeeds', async () => {
    const server = await start({
      'leases:find': [{ status: 429, body: 'slow down' }, { status: 503, body: 'unavailable' }, ok({ instances: [instance(LEASE_ID)] })],
    });
    const { client, delays, events } = harness(server.baseUrl);

    const result = await client.find('golang')();

    expect(rightOf(result).map((lease) => lease.leaseId)).toStrictEqual([LEASE_ID]);
    expect(server.requests).toHaveLength(3);
    // Full jitter with random() = 0.5 and a 500 ms base: half of 500, then half of 1000.
    expect(delays).toStrictEqual([250, 500]);
    expect(events.map((event) => event.event === 'retry' && [event.endpoint, event.attempt, event.delayMs])).toStrictEqual([
      ['leases:find', 1, 250],
      ['leases:find', 2, 500],
    ]);
    expect(events[1]).toMatchObject({ error: { _tag: 'HttpError', status: 503, retryable: true, bodyExcerpt: 'unavailable' } });
  });

  it.each([400, 401, 403])('does not retry %d', async (status) => {
    const server = await start({ 'leases:renew': [{ status, body: 'rejected' }, ok({ expires: EXPIRES })] });

    const error = leftOf(await harness(server.baseUrl).client.renew(LEASE_ID, 1000)());

    expect(error).toStrictEqual({
      _tag: 'HttpError',
      url: `${server.baseUrl}leases:renew`,
      status,
      bodyExcerpt: 'rejected',
      retryable: false,
    });
    expect(server.requests).toHaveLength(1);
  });

  it('gives up after the maximum number of attempts', async () => {
    const server = await start({ 'leases:vacate': Array.from({ length: 6 }, () => ({ status: 500, body: 'boom' })) });
    const { client, delays } = harness(server.baseUrl, { retry: { maxAttempts: 3 } });

    const error = leftOf(await client.vacate(LEASE_ID)());

    expect(error).toMatchObject({ _tag: 'HttpError', status: 500, retryable: true });
    expect(server.requests).toHaveLength(3);
    expect(delays).toHaveLength(2);
  });

  it('honours Retry-After, bounded by the maximum delay', async () => {
    const server = await start({
      'leases:find': [
        { status: 503, headers: { 'Retry-After': '7' } },
        { status: 429, headers: { 'Retry-After': '120' } },
        ok({}),
      ],
    });
    const { client, delays } = harness(server.baseUrl);

    expect(await client.find('golang')()).toStrictEqual(E.right([]));
    expect(delays).toStrictEqual([7000, 30_000]);
  });

  it('does not retry create on 503', async () => {
    const server = await start({ 'leases:create': [{ status: 503 }, ok({ pendingLease: { leaseId: LEASE_ID, expires: EXPIRES } })] });

    const error = leftOf(await harness(server.baseUrl).client.create(leaseRequest)());

    expect(error).toMatchObject({ _tag: 'HttpError', status: 503, retryable: true });
    expect(server.requests).toHaveLength(1);
  });

  it('treats statuses other than 200 as errors', async () => {
    const server = await start({ 'leases:find': [{ status: 201, body: '{}' }, { status: 204 }] });
    const { client } = harness(server.baseUrl);

    expect(leftOf(await client.find('golang')())).toMatchObject({ _tag: 'HttpError', status: 201 });
    expect(leftOf(await client.find('golang')())).toMatchObject({ _tag: 'HttpError', status: 204 });
  });

  it('does not follow redirects, so the API key stays with the service', async () => {
    const elsewhere = await start({ 'leases:find': [ok({})] });
    const server = await start({ 'leases:find': [{ status: 307, headers: { Location: `${elsewhere.baseUrl}leases:find` } }] });

    const error = leftOf(await harness(server.baseUrl).client.find('golang')());

    expect(error).toMatchObject({ _tag: 'HttpError', status: 307, retryable: false });
    expect(elsewhere.requests).toHaveLength(0);
  });
});

describe('vacate of a lease that is gone', () => {
  it.each([
    [404, '{"error":{"code":404,"message":"Requested entity was not found.","status":"NOT_FOUND"}}'],
    [404, ''],
    [400, '{"error":{"message":"lease 39b47cf6 not found"}}'],
    [409, 'Lease was already vacated'],
  ])('counts %d %j as vacated', async (status, body) => {
    const server = await start({ 'leases:vacate': [{ status, body }] });
    const { client, events } = harness(server.baseUrl);

    expect(await client.vacate(LEASE_ID)()).toStrictEqual(E.right(undefined));
    expect(server.requests).toHaveLength(1);
    expect(events).toMatchObject([{ event: 'vacate-already-gone', leaseId: LEASE_ID, status }]);
  });

  it('reports other 400 responses', async () => {
    const server = await start({ 'leases:vacate': [{ status: 400, body: 'invalid lease id' }] });

    const error = leftOf(await harness(server.baseUrl).client.vacate('bad id')());

    expect(error).toMatchObject({ _tag: 'HttpError', status: 400, bodyExcerpt: 'invalid lease id' });
  });

  it('needs a JSON object on 200', async () => {
    const server = await start({ 'leases:vacate': [{ status: 200, body: '' }, { status: 200, body: '[]' }] });
    const { client } = harness(server.baseUrl);

    expect(leftOf(await client.vacate(LEASE_ID)())).toMatchObject({ _tag: 'DecodeError', path: '', valueExcerpt: '(empty body)' });
    expect(leftOf(await client.vacate(LEASE_ID)())).toMatchObject({ _tag: 'DecodeError', path: '', valueExcerpt: '[]' });
  });
});

describe('transport failures', () => {
  it('times out a slow server and retries find', async () => {
    const server = await start({ 'leases:find': [{ status: 200, body: '{}', delayMs: 2000 }, ok({})] });
    const { client, events } = harness(server.baseUrl, { timeoutMs: 100 });

    expect(await client.find('golang')()).toStrictEqual(E.right([]));
    expect(server.requests).toHaveLength(2);
    expect(events[0]).toMatchObject({ event: 'retry', error: { _tag: 'TransportError', kind: 'timeout', notSent: false } });
  });

  // A create that timed out may have been received, so repeating it could lease a second VM.
  it('does not retry a timed-out create', async () => {
    const server = await start({ 'leases:create': [{ status: 200, body: '{}', delayMs: 2000 }] });

    const error = leftOf(await harness(server.baseUrl, { timeoutMs: 100 }).client.create(leaseRequest)());

    expect(error).toStrictEqual({
      _tag: 'TransportError',
      kind: 'timeout',
      url: `${server.baseUrl}leases:create`,
      message: 'no complete response within 100 ms',
      notSent: false,
    });
    expect(server.requests).toHaveLength(1);
  });

  it('retries a create whose connection was refused', async () => {
    const port = await closedPort();
    const response = ok({ pendingLease: { leaseId: LEASE_ID, expires: EXPIRES } });
    let server: FakeServer | undefined;
    const { client, events } = harness(`http://127.0.0.1:${port}/v1alpha1/`, {
      // The service comes up while the client waits to retry.
      sleep: async () => {
        server ??= await start({ 'leases:create': [response] }, port);
      },
    });

    const result = await client.create(leaseRequest)();

    expect(result).toStrictEqual(E.right({ leaseId: LEASE_ID, expires: EXPIRES_MS }));
    expect(server?.requests).toHaveLength(1);
    expect(events).toMatchObject([{ event: 'retry', endpoint: 'leases:create', error: { _tag: 'TransportError', notSent: true } }]);
  });

  it.each([
    ['cross-fetch', undefined],
    ['the built-in fetch', globalThis.fetch],
  ])('reports a refused connection as not sent with %s', async (_name, fetch) => {
    const port = await closedPort();
    const { client, events } = harness(`http://127.0.0.1:${port}/v1alpha1/`, { fetch, retry: { maxAttempts: 2 } });

    const error = leftOf(await client.create(leaseRequest)());

    expect(error).toMatchObject({
      _tag: 'TransportError',
      kind: 'connection',
      url: `http://127.0.0.1:${port}/v1alpha1/leases:create`,
      notSent: true,
    });
    expect(error).toMatchObject({ message: expect.stringContaining('ECONNREFUSED') });
    expect(events).toHaveLength(1);
  });

  it('times out with the built-in fetch too', async () => {
    const server = await start({ 'leases:renew': [{ status: 200, body: '{}', delayMs: 2000 }] });

    const error = leftOf(await harness(server.baseUrl, { fetch: globalThis.fetch, timeoutMs: 100, retry: { maxAttempts: 1 } }).client.renew(LEASE_ID, 1000)());

    expect(error).toMatchObject({ _tag: 'TransportError', kind: 'timeout' });
  });

  it('turns a throwing fetch into a TransportError', async () => {
    const fetch = (): never => {
      throw new Error('fetch exploded');
    };
    const { client } = harness(DEFAULT_BASE_URL, { fetch, retry: { maxAttempts: 1 } });

    expect(leftOf(await client.find('golang')())).toMatchObject({
      _tag: 'TransportError',
      kind: 'connection',
      message: 'fetch exploded',
      notSent: false,
    });
  });

  it('ignores a throwing event hook and a failing sleep', async () => {
    const server = await start({ 'leases:find': [{ status: 503 }, ok({})] });
    const { client } = harness(server.baseUrl, {
      onEvent: () => {
        throw new Error('logger down');
      },
      sleep: () => Promise.reject(new Error('no timers')),
    });

    expect(await client.find('golang')()).toStrictEqual(E.right([]));
    expect(server.requests).toHaveLength(2);
  });

  it('resolves to a TransportError when an injected random() throws', async () => {
    const server = await start({ 'leases:find': [{ status: 503 }] });
    const { client } = harness(server.baseUrl, {
      random: () => {
        throw new Error('no entropy');
      },
    });

    expect(leftOf(await client.find('golang')())).toMatchObject({
      _tag: 'TransportError',
      message: 'unexpected failure: Error: no entropy',
    });
  });
});
