/**
 * Tests that the API key and the bot cert and key never reach an error, an
 * event or an exception, whatever the server echoes back.
 */
import { METADATA_CERT, METADATA_HOSTNAME, METADATA_KEY, METADATA_SWARMING } from '@makemac/core';
import type { LeaseRequest } from '@makemac/core';
import * as E from 'fp-ts/lib/Either.js';
import { afterEach, describe, expect, it } from 'vitest';

import type { MacServiceEvent } from '../src/options.js';
import { createMacServiceClient } from '../src/client.js';
import type { FakeServer, RecordedRequest, Reply, ScriptedReply } from './support/fake-server.js';
import { startFakeServer } from './support/fake-server.js';

const API_KEY = 'AIzaSySecretsTestKey_9876543210zyxwv';
const CERT_BODY = 'MIIBsecretsTestCertificateBodyLine';
const CERT = `-----BEGIN CERTIFICATE-----\n${CERT_BODY}\n-----END CERTIFICATE-----\n`;
// Neither PEM-armored nor inside a metadata entry when echoed, so only the
// known-secret replacement can remove it.
const PRIVATE_KEY = 'c2VjcmV0cy10ZXN0LXByaXZhdGUta2V5LW1hdGVyaWFs';

const leaseRequest: LeaseRequest = {
  namespace: { customerName: 'golang', projectName: 'makemac/chromium-swarm.appspot.com', subCustomerName: '' },
  image: 'b16a8a5f2d1e383667c3764d915551f4af56d63edd0679539703688a6b9f6754',
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

/** Every form in which a secret could show up in serialized output. */
const FORBIDDEN = [
  API_KEY,
  CERT_BODY,
  PRIVATE_KEY,
  encodeURIComponent(CERT),
  JSON.stringify(CERT).slice(1, -1),
];

const expectNoSecret = (value: unknown): void => {
  const text = JSON.stringify(value);
  for (const secret of FORBIDDEN) {
    expect(text).not.toContain(secret);
  }
};

const servers: FakeServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const setUp = async (script: Readonly<Record<string, readonly ScriptedReply[]>>) => {
  const server = await startFakeServer(script);
  servers.push(server);
  const events: MacServiceEvent[] = [];
  const client = createMacServiceClient({
    apiKey: API_KEY,
    baseUrl: server.baseUrl,
    sleep: async () => undefined,
    retry: { maxAttempts: 2 },
    onEvent: (event) => events.push(event),
  });
  return { server, client, events };
};

describe('secrets in errors and events', () => {
  it('scrubs a create request echoed in an error body', async () => {
    const echo = (request: RecordedRequest): Reply => ({
      status: 400,
      body: `invalid request ${request.body} with key ${String(request.headers['x-goog-api-key'])} form cert=${encodeURIComponent(CERT)}&key=${PRIVATE_KEY}`,
    });
    const { server, client } = await setUp({ 'leases:create': [echo] });

    const result = await client.create(leaseRequest)();

    expect(server.requests[0]?.body).toContain(PRIVATE_KEY);
    expect(result).toMatchObject(E.left({ _tag: 'HttpError', status: 400 }));
    expect(result).toMatchObject(E.left({ bodyExcerpt: expect.stringContaining('[redacted]') }));
    expectNoSecret(result);
  });

  it('scrubs the API key from errors and retry events of every endpoint', async () => {
    const body = `{"error":{"message":"API key ${API_KEY} is not valid"}}`;
    const replies = [{ status: 503, body }, { status: 503, body }];
    const { client, events } = await setUp({
      'leases:find': replies,
      'leases:renew': replies,
      'leases:vacate': replies,
      'leases:create': replies,
    });

    const results = [
      await client.find('golang')(),
      await client.renew('a', 1000)(),
      await client.vacate('a')(),
      await client.create(leaseRequest)(),
    ];

    expect(results.every(E.isLeft)).toBe(true);
    expect(events).toHaveLength(3);
    expectNoSecret(results);
    expectNoSecret(events);
  });

  it('scrubs certs from truncated find responses', async () => {
    const full = JSON.stringify({
      instances: [
        {
          lease: { leaseId: 'a', expires: '2024-03-09T14:00:00Z' },
          instanceSpecification: { metadata: [{ key: METADATA_CERT, value: CERT }, { key: METADATA_KEY, value: PRIVATE_KEY }] },
        },
      ],
    });
    const cutInCert = full.slice(0, full.indexOf(CERT_BODY) + 10);
    const cutInKey = full.slice(0, full.indexOf(PRIVATE_KEY) + 10);
    const { client } = await setUp({
      'leases:find': [
        { status: 200, body: cutInCert },
        { status: 200, body: cutInKey },
      ],
    });

    const first = await client.find('golang')();
    const second = await client.find('golang')();

    expect(first).toMatchObject(E.left({ _tag: 'DecodeError', path: '' }));
    expect(second).toMatchObject(E.left({ _tag: 'DecodeError', path: '' }));
    expectNoSecret(first);
    expect(JSON.stringify(first)).not.toContain(CERT_BODY.slice(0, 10));
    expect(JSON.stringify(second)).not.toContain(PRIVATE_KEY.slice(0, 10));
  });

  it('scrubs secret metadata from a value excerpt', async () => {
    const body = JSON.stringify({
      instances: [
        {
          lease: { leaseId: 'a', expires: '2024-03-09T14:00:00Z' },
          instanceSpecification: { metadata: { entries: [{ key: METADATA_KEY, value: PRIVATE_KEY }] } },
        },
      ],
    });
    const { client } = await setUp({ 'leases:find': [{ status: 200, body }] });

    const result = await client.find('golang')();

    expect(result).toMatchObject(E.left({ _tag: 'DecodeError', path: 'instances.0.instanceSpecification.metadata' }));
    expectNoSecret(result);
  });

  it('scrubs earlier create secrets everywhere', async () => {
    const { client } = await setUp({
      'leases:create': [{ status: 200, body: '{"pendingLease":{"leaseId":"a","expires":"2024-03-09T14:00:00Z"}}' }],
      'leases:find': [{ status: 500, body: `lease a has key ${PRIVATE_KEY}` }, { status: 200, body: `{"k":"${PRIVATE_KEY}"` }],
    });

    expect(E.isRight(await client.create(leaseRequest)())).toBe(true);
    const result = await client.find('golang')();

    expect(result).toMatchObject(E.left({ _tag: 'DecodeError' }));
    expectNoSecret(result);
  });

  it('keeps the API key out of option errors', () => {
    let message = '';
    try {
      createMacServiceClient({ apiKey: `${API_KEY}\n` });
    } catch (error) {
      message = String(error);
    }

    expect(message).toMatch(/apiKey contains whitespace/);
    expect(message).not.toContain(API_KEY);
  });
});
