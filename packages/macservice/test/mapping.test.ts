/**
 * Tests of the pure request builders and response mappings: exact bodies as
 * the Go client writes them, and leases with secret metadata redacted.
 */
import { METADATA_CERT, METADATA_HOSTNAME, METADATA_KEY, METADATA_SWARMING, REDACTED } from '@makemac/core';
import type { LeaseRequest } from '@makemac/core';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';

import {
  buildFindRequest,
  buildLeaseRequest,
  buildRenewRequest,
  buildVacateRequest,
  decodeFindResponse,
  encodeFindRequest,
  encodeLeaseRequest,
  encodeRenewRequest,
  encodeVacateRequest,
  toCreatedLease,
  toLease,
  toLeases,
  toMetadataRecord,
  toRenewedLease,
} from '../src/mapping.js';
import { findResponseArbitrary } from './support/arbitraries.js';

const IMAGE = 'b16a8a5f2d1e383667c3764d915551f4af56d63edd0679539703688a6b9f6754';
const LEASE_ID = '39b47cf6-2aaa-4c80-b9cb-b800844fb104';

const leaseRequest: LeaseRequest = {
  namespace: { customerName: 'golang', projectName: 'makemac/chromium-swarm.appspot.com', subCustomerName: '' },
  image: IMAGE,
  profile: 'V1_MEDIUM_VM',
  accessLevel: 'GOLANG_OSS',
  duration: 86_400_000,
  metadata: [
    { key: METADATA_SWARMING, value: 'chromium-swarm.appspot.com' },
    { key: METADATA_HOSTNAME, value: 'darwin-amd64-14' },
    { key: METADATA_CERT, value: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' },
    { key: METADATA_KEY, value: '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n' },
  ],
};

describe('request bodies', () => {
  it('find sends the customer with empty project and sub-customer', () => {
    expect(encodeFindRequest(buildFindRequest('golang'))).toBe(
      '{"vmResourceNamespace":{"customerName":"golang","projectName":"","subCustomerName":""}}\n',
    );
  });

  it('create sends every field in Go struct order', () => {
    expect(encodeLeaseRequest(buildLeaseRequest(leaseRequest))).toBe(
      '{"vmResourceNamespace":{"customerName":"golang","projectName":"makemac/chromium-swarm.appspot.com","subCustomerName":""},' +
        '"instanceSpecification":{"profile":"V1_MEDIUM_VM","accessLevel":"GOLANG_OSS","metadata":[' +
        '{"key":"golang.swarming","value":"chromium-swarm.appspot.com"},' +
        '{"key":"golang.hostname","value":"darwin-amd64-14"},' +
        '{"key":"golang.cert","value":"-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n"},' +
        '{"key":"golang.key","value":"-----BEGIN PRIVATE KEY-----\\nMIIE\\n-----END PRIVATE KEY-----\\n"}],' +
        `"diskSelection":{"imageHashes":{"bootSha256":"${IMAGE}"}}},` +
        '"duration":"86400s"}\n',
    );
  });

  it('create keeps empty strings and an empty metadata list', () => {
    const request: LeaseRequest = {
      namespace: { customerName: '', projectName: '', subCustomerName: '' },
      image: '',
      profile: '',
      accessLevel: '',
      duration: 1500,
      metadata: [],
    };

    expect(encodeLeaseRequest(buildLeaseRequest(request))).toBe(
      '{"vmResourceNamespace":{"customerName":"","projectName":"","subCustomerName":""},' +
        '"instanceSpecification":{"profile":"","accessLevel":"","metadata":[],"diskSelection":{"imageHashes":{"bootSha256":""}}},' +
        '"duration":"1.500s"}\n',
    );
  });

  it('create leaves out fields the caller added beyond the port type', () => {
    const withExtra = { ...leaseRequest, secretNote: 'x', namespace: { ...leaseRequest.namespace, extra: 1 } };

    expect(encodeLeaseRequest(buildLeaseRequest(withExtra))).not.toContain('extra');
    expect(encodeLeaseRequest(buildLeaseRequest(withExtra))).not.toContain('secretNote');
  });

  it('renew sends the lease id and the duration in seconds', () => {
    expect(encodeRenewRequest(buildRenewRequest(LEASE_ID, 82_800_000))).toBe(
      `{"leaseId":"${LEASE_ID}","duration":"82800s"}\n`,
    );
  });

  it('vacate sends only the lease id', () => {
    expect(encodeVacateRequest(buildVacateRequest(LEASE_ID))).toBe(`{"leaseId":"${LEASE_ID}"}\n`);
  });
});

describe('toMetadataRecord', () => {
  it('redacts the bot cert and key and keeps other values', () => {
    const record = toMetadataRecord(leaseRequest.metadata);

    expect(record).toStrictEqual({
      [METADATA_SWARMING]: 'chromium-swarm.appspot.com',
      [METADATA_HOSTNAME]: 'darwin-amd64-14',
      [METADATA_CERT]: REDACTED,
      [METADATA_KEY]: REDACTED,
    });
  });

  it('lets the last of repeated keys win', () => {
    expect(
      toMetadataRecord([
        { key: 'a', value: '1' },
        { key: 'a', value: '2' },
      ]),
    ).toStrictEqual({ a: '2' });
  });

  it('keeps __proto__ as an ordinary key', () => {
    const record = toMetadataRecord([{ key: '__proto__', value: 'x' }]);

    expect(Object.keys(record)).toStrictEqual(['__proto__']);
    expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
  });
});

describe('response mapping', () => {
  it('maps an instance to a lease', () => {
    const lease = toLease({
      lease: {
        leaseId: LEASE_ID,
        vmResourceNamespace: { customerName: 'golang', projectName: 'makemac/h', subCustomerName: '' },
        expires: 1_710_000_000_000,
      },
      instanceSpecification: {
        profile: 'V1_MEDIUM_VM',
        accessLevel: 'GOLANG_OSS',
        metadata: [{ key: METADATA_KEY, value: 'secret' }],
        diskSelection: { imageHashes: { bootSha256: IMAGE } },
      },
    });

    expect(lease).toStrictEqual({
      leaseId: LEASE_ID,
      projectName: 'makemac/h',
      image: IMAGE,
      expires: 1_710_000_000_000,
      metadata: { [METADATA_KEY]: REDACTED },
    });
  });

  it('never lets a secret metadata value through', () => {
    fc.assert(
      fc.property(findResponseArbitrary, (response) => {
        const leases = toLeases(response);

        expect(leases).toHaveLength(response.instances.length);
        for (const lease of leases) {
          for (const key of [METADATA_CERT, METADATA_KEY]) {
            expect(lease.metadata[key] === undefined || lease.metadata[key] === REDACTED).toBe(true);
          }
        }
      }),
    );
  });

  it('maps create and renew responses', () => {
    expect(
      toCreatedLease({
        pendingLease: {
          leaseId: LEASE_ID,
          vmResourceNamespace: { customerName: '', projectName: '', subCustomerName: '' },
          expires: 5,
        },
      }),
    ).toStrictEqual({ leaseId: LEASE_ID, expires: 5 });
    expect(toRenewedLease({ expires: 7 })).toStrictEqual({ expires: 7 });
  });
});

describe('decodeFindResponse', () => {
  it('decodes a parsed body into redacted leases', () => {
    const body = {
      instances: [
        {
          lease: { leaseId: LEASE_ID, expires: '2024-03-09T14:00:00Z' },
          instanceSpecification: { metadata: [{ key: METADATA_CERT, value: 'c2VjcmV0' }] },
        },
      ],
    };

    expect(decodeFindResponse(body, 'leases.json')).toStrictEqual(
      E.right([
        { leaseId: LEASE_ID, projectName: '', image: '', expires: Date.UTC(2024, 2, 9, 14), metadata: { [METADATA_CERT]: REDACTED } },
      ]),
    );
  });

  it('names the source and path of a bad field without quoting secrets', () => {
    const body = { instances: [{ lease: { leaseId: LEASE_ID }, instanceSpecification: { metadata: [{ key: METADATA_KEY, value: 'c2VjcmV0' }] } }, 5] };

    const decoded = decodeFindResponse(body, 'leases.json');

    expect(decoded).toStrictEqual(
      E.left({
        _tag: 'DecodeError',
        url: 'leases.json',
        path: 'instances.0.lease.expires',
        expected: 'RFC 3339 timestamp',
        valueExcerpt: '(missing)',
      }),
    );
    expect(JSON.stringify(decodeFindResponse({ instances: { metadata: [{ key: METADATA_KEY, value: 'c2VjcmV0' }] } }, 'f'))).not.toContain(
      'c2VjcmV0',
    );
  });
});
