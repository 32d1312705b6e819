/**
 * Tests of the leases API codecs: each codec agrees with its arbitrary and
 * round-trips through JSON, decoding tolerates defaults and unknown fields,
 * and decoding any JSON never throws.
 */
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import { describe, expect, it } from 'vitest';

import {
  DurationFromString,
  NonEmptyString,
  TimestampFromString,
  WireDiskSelection,
  WireFindRequest,
  WireFindResponse,
  WireImageHashes,
  WireInstance,
  WireInstanceSpecification,
  WireLease,
  WireLeaseRequest,
  WireLeaseResponse,
  WireMetadataEntry,
  WireNamespace,
  WireRenewRequest,
  WireRenewResponse,
  WireVacateRequest,
  WireVacateResponse,
} from '../src/wire.js';
import {
  diskSelectionArbitrary,
  durationArbitrary,
  findRequestArbitrary,
  findResponseArbitrary,
  imageHashesArbitrary,
  instanceArbitrary,
  instanceSpecificationArbitrary,
  leaseIdArbitrary,
  leaseRequestArbitrary,
  leaseResponseArbitrary,
  metadataEntryArbitrary,
  namespaceArbitrary,
  renewRequestArbitrary,
  renewResponseArbitrary,
  timestampArbitrary,
  vacateRequestArbitrary,
  vacateResponseArbitrary,
  wireLeaseArbitrary,
} from './support/arbitraries.js';

// Each codec with the arbitrary of its decoded values.
const pairs: ReadonlyArray<readonly [string, t.Type<any, any, unknown>, fc.Arbitrary<unknown>]> = [
  ['NonEmptyString', NonEmptyString, leaseIdArbitrary],
  ['TimestampFromString', TimestampFromString, timestampArbitrary],
  ['DurationFromString', DurationFromString, durationArbitrary],
  ['WireNamespace', WireNamespace, namespaceArbitrary],
  ['WireMetadataEntry', WireMetadataEntry, metadataEntryArbitrary],
  ['WireImageHashes', WireImageHashes, imageHashesArbitrary],
  ['WireDiskSelection', WireDiskSelection, diskSelectionArbitrary],
  ['WireInstanceSpecification', WireInstanceSpecification, instanceSpecificationArbitrary],
  ['WireLease', WireLease, wireLeaseArbitrary],
  ['WireInstance', WireInstance, instanceArbitrary],
  ['WireFindRequest', WireFindRequest, findRequestArbitrary],
  ['WireFindResponse', WireFindResponse, findResponseArbitrary],
  ['WireLeaseRequest', WireLeaseRequest, leaseRequestArbitrary],
  ['WireLeaseResponse', WireLeaseResponse, leaseResponseArbitrary],
  ['WireRenewRequest', WireRenewRequest, renewRequestArbitrary],
  ['WireRenewResponse', WireRenewResponse, renewResponseArbitrary],
  ['WireVacateRequest', WireVacateRequest, vacateRequestArbitrary],
  ['WireVacateResponse', WireVacateResponse, vacateResponseArbitrary],
];

const decodeJson = <A>(codec: t.Type<A, unknown, unknown>, text: string): E.Either<t.Errors, A> =>
  codec.decode(JSON.parse(text));

describe.each(pairs)('%s', (_name, codec, arbitrary) => {
  it('accepts every value of its arbitrary', () => {
    fc.assert(
      fc.property(arbitrary, (value) => {
        expect(codec.is(value)).toBe(true);
      }),
    );
  });

  it('decodes its own encoding through JSON', () => {
    fc.assert(
      fc.property(arbitrary, (value) => {
        expect(decodeJson(codec, JSON.stringify(codec.encode(value)))).toStrictEqual(E.right(value));
      }),
    );
  });

  it('never throws on any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (json) => {
        const decoded = codec.decode(json);
        expect(E.isLeft(decoded) || codec.is(decoded.right)).toBe(true);
      }),
    );
  });

  it('never throws on any value', () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        const decoded = codec.decode(input);
        expect(E.isLeft(decoded) || E.isRight(decoded)).toBe(true);
      }),
      { numRuns: 50 },
    );
  });
});

describe('WireFindResponse', () => {
  it('decodes a missing instances key as no leases', () => {
    expect(WireFindResponse.decode({})).toStrictEqual(E.right({ instances: [] }));
    expect(WireFindResponse.decode({ instances: null })).toStrictEqual(E.right({ instances: [] }));
  });

  it('fills every default a proto3 server leaves out', () => {
    const decoded = WireFindResponse.decode({
      instances: [{ lease: { leaseId: 'a', expires: '2024-03-09T14:00:00Z' } }],
    });

    expect(decoded).toStrictEqual(
      E.right({
        instances: [
          {
            lease: {
              leaseId: 'a',
              vmResourceNamespace: { customerName: '', projectName: '', subCustomerName: '' },
              expires: Date.UTC(2024, 2, 9, 14),
            },
            instanceSpecification: {
              profile: '',
              accessLevel: '',
              metadata: [],
              diskSelection: { imageHashes: { bootSha256: '' } },
            },
          },
        ],
      }),
    );
  });

  it('ignores unknown fields at every level', () => {
    const decoded = WireFindResponse.decode({
      nextPageToken: 'ignored',
      instances: [
        {
          state: 'RUNNING',
          lease: {
            leaseId: 'a',
            expires: '2024-03-09T14:00:00Z',
            created: 7,
            vmResourceNamespace: { projectName: 'makemac/h', region: 'x' },
          },
          instanceSpecification: {
            osType: 'MAC',
            diskSelection: { imageHashes: { bootSha256: 'abc', dataSha256: 'def' }, size: 1 },
          },
        },
      ],
    });

    expect(E.isRight(decoded)).toBe(true);
    if (E.isRight(decoded)) {
      const [instance] = decoded.right.instances;
      expect(instance?.lease.vmResourceNamespace.projectName).toBe('makemac/h');
      expect(instance?.instanceSpecification.diskSelection.imageHashes.bootSha256).toBe('abc');
    }
  });

  it('rejects an empty lease id and a missing expires', () => {
    expect(E.isLeft(WireFindResponse.decode({ instances: [{ lease: { leaseId: '', expires: '2024-03-09T14:00:00Z' } }] }))).toBe(
      true,
    );
    expect(E.isLeft(WireFindResponse.decode({ instances: [{ lease: { leaseId: 'a' } }] }))).toBe(true);
  });
});

describe('WireLeaseRequest', () => {
  it('encodes the duration in protobuf JSON form', () => {
    const encoded = WireLeaseRequest.encode({
      vmResourceNamespace: { customerName: 'golang', projectName: 'makemac/h', subCustomerName: '' },
      instanceSpecification: {
        profile: 'V1_MEDIUM_VM',
        accessLevel: 'GOLANG_OSS',
        metadata: [],
        diskSelection: { imageHashes: { bootSha256: 'abc' } },
      },
      duration: 86_400_000,
    });

    expect(encoded.duration).toBe('86400s');
  });
});

describe('WireVacateResponse', () => {
  it('accepts any object and rejects other JSON', () => {
    expect(E.isRight(WireVacateResponse.decode({}))).toBe(true);
    expect(E.isRight(WireVacateResponse.decode({ done: true }))).toBe(true);
    expect(E.isLeft(WireVacateResponse.decode([]))).toBe(true);
    expect(E.isLeft(WireVacateResponse.decode(null))).toBe(true);
    expect(E.isLeft(WireVacateResponse.decode('ok'))).toBe(true);
  });
});
