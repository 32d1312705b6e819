/**
 * Property tests of the client with an injected fetch: any response resolves
 * to a typed value or error without rejecting or leaking a secret, and every
 * well-formed find response maps to the leases it lists.
 */
import { METADATA_CERT, METADATA_KEY, REDACTED } from '@makemac/core';
import type { MacServicePort } from '@makemac/core';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';

import { createMacServiceClient } from '../src/client.js';
import type { FetchLike } from '../src/transport.js';
import { WireFindResponse } from '../src/wire.js';
import { findResponseArbitrary } from './support/arbitraries.js';

const API_KEY = 'AIzaSyPropertyTestKey_abcdefghij0123';
const PRIVATE_KEY = 'cHJvcGVydHktdGVzdC1wcml2YXRlLWtleQ';

interface CannedResponse {
  readonly status: number;
  readonly body: string;
}

/** A fetch that returns `canned` for every request and never touches the network. */
const respondingWith =
  (canned: CannedResponse): FetchLike =>
  async () => ({
    status: canned.status,
    headers: { get: () => null },
    text: async () => canned.body,
  });

const clientFor = (fetch: FetchLike): MacServicePort =>
  createMacServiceClient({
    apiKey: API_KEY,
    baseUrl: 'http://127.0.0.1:9/v1alpha1/',
    fetch,
    sleep: async () => undefined,
    retry: { maxAttempts: 2 },
  });

/** Calls every endpoint, create first, so that the client knows the create's secrets for the later calls. */
const callAll = async (client: MacServicePort) => {
  const created = await client.create({
    namespace: { customerName: 'golang', projectName: 'makemac/h', subCustomerName: '' },
    image: 'abc',
    profile: 'V1_MEDIUM_VM',
    accessLevel: 'GOLANG_OSS',
    duration: 86_400_000,
    metadata: [{ key: METADATA_KEY, value: PRIVATE_KEY }],
  })();
  const others = await Promise.all([client.find('golang')(), client.renew('a', 82_800_000)(), client.vacate('a')()]);
  return [created, ...others];
};

// Bodies built from JSON, plain text and the secrets themselves, so echoes are covered.
const bodyArbitrary = fc.oneof(
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.string(),
  fc
    .array(fc.oneof(fc.string(), fc.constantFrom(API_KEY, PRIVATE_KEY, JSON.stringify({ key: METADATA_KEY, value: PRIVATE_KEY }))), {
      maxLength: 6,
    })
    .map((parts) => parts.join('')),
);

const statusArbitrary = fc.constantFrom(200, 200, 201, 302, 400, 403, 404, 409, 429, 500, 503);

const TAGS = ['TransportError', 'HttpError', 'DecodeError'];

describe('client properties', () => {
  it('resolves any response without secrets', async () => {
    await fc.assert(
      fc.asyncProperty(statusArbitrary, bodyArbitrary, async (status, body) => {
        const results = await callAll(clientFor(respondingWith({ status, body })));

        for (const result of results) {
          expect(E.isLeft(result) ? TAGS.includes(result.left._tag) : status === 200 || status === 404 || status === 400 || status === 409).toBe(
            true,
          );
        }
        const text = JSON.stringify(results);
        expect(text).not.toContain(API_KEY);
        expect(text).not.toContain(PRIVATE_KEY);
      }),
      { numRuns: 100 },
    );
  });

  it('resolves when fetch rejects with anything', async () => {
    await fc.assert(
      fc.asyncProperty(fc.anything(), async (reason) => {
        const results = await callAll(clientFor(() => Promise.reject(reason)));

        for (const result of results) {
          expect(result).toMatchObject(E.left({ _tag: 'TransportError' }));
        }
      }),
      { numRuns: 50 },
    );
  });

  it('maps well-formed find responses to leases', async () => {
    await fc.assert(
      fc.asyncProperty(findResponseArbitrary, async (response) => {
        const body = JSON.stringify(WireFindResponse.encode(response));

        const result = await clientFor(respondingWith({ status: 200, body })).find('golang')();

        expect(E.isRight(result)).toBe(true);
        const leases = E.isRight(result) ? result.right : [];
        expect(leases).toHaveLength(response.instances.length);
        response.instances.forEach((instance, index) => {
          const lease = leases[index];
          expect(lease?.leaseId).toBe(instance.lease.leaseId);
          expect(lease?.projectName).toBe(instance.lease.vmResourceNamespace.projectName);
          expect(lease?.expires).toBe(instance.lease.expires);
          expect(lease?.image).toBe(instance.instanceSpecification.diskSelection.imageHashes.bootSha256);
          for (const entry of instance.instanceSpecification.metadata) {
            const secret = entry.key === METADATA_CERT || entry.key === METADATA_KEY;
            expect(lease?.metadata[entry.key] === REDACTED || !secret).toBe(true);
          }
        });
      }),
      { numRuns: 100 },
    );
  });
});
