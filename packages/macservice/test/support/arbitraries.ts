/**
 * fast-check arbitraries for the decoded value of every wire codec. Each one
 * generates exactly the values its codec decodes to, so tests can check that
 * encoding and then decoding gives the value back.
 */
import { METADATA_CERT, METADATA_HOSTNAME, METADATA_KEY, METADATA_SWARMING } from '@makemac/core';
import fc from 'fast-check';

import { MAX_DURATION_SECONDS, MAX_TIMESTAMP, MIN_TIMESTAMP } from '../../src/time.js';
import type {
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
} from '../../src/wire.js';

/** Like fc.record, but with the usual object prototype, as JSON.parse and io-ts build objects. */
const plainRecord = <T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> =>
  fc.record(model, { noNullPrototype: true }) as fc.Arbitrary<T>;

/** Any string, lone surrogates included. */
export const anyString = fc.string({ unit: 'binary', maxLength: 20 });

export const timestampArbitrary = fc.integer({ min: MIN_TIMESTAMP, max: MAX_TIMESTAMP });

export const durationArbitrary = fc.integer({ min: -MAX_DURATION_SECONDS * 1000, max: MAX_DURATION_SECONDS * 1000 });

export const namespaceArbitrary: fc.Arbitrary<WireNamespace> = plainRecord({
  customerName: anyString,
  projectName: anyString,
  subCustomerName: anyString,
});

/** Metadata keys makemac writes, the secret ones included, or any string. */
export const metadataKeyArbitrary = fc.oneof(
  fc.constantFrom(METADATA_SWARMING, METADATA_HOSTNAME, METADATA_CERT, METADATA_KEY),
  anyString,
);

export const metadataEntryArbitrary: fc.Arbitrary<WireMetadataEntry> = plainRecord({
  key: metadataKeyArbitrary,
  value: anyString,
});

export const imageHashesArbitrary: fc.Arbitrary<WireImageHashes> = plainRecord({
  bootSha256: fc.oneof(fc.stringMatching(/^[0-9a-f]{64}$/), anyString),
});

export const diskSelectionArbitrary: fc.Arbitrary<WireDiskSelection> = plainRecord({ imageHashes: imageHashesArbitrary });

export const instanceSpecificationArbitrary: fc.Arbitrary<WireInstanceSpecification> = plainRecord({
  profile: anyString,
  accessLevel: anyString,
  metadata: fc.array(metadataEntryArbitrary, { maxLength: 5 }),
  diskSelection: diskSelectionArbitrary,
});

export const leaseIdArbitrary = fc.oneof(fc.uuid(), fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }));

export const wireLeaseArbitrary: fc.Arbitrary<WireLease> = plainRecord({
  leaseId: leaseIdArbitrary,
  vmResourceNamespace: namespaceArbitrary,
  expires: timestampArbitrary,
});

export const instanceArbitrary: fc.Arbitrary<WireInstance> = plainRecord({
  lease: wireLeaseArbitrary,
  instanceSpecification: instanceSpecificationArbitrary,
});

export const findRequestArbitrary: fc.Arbitrary<WireFindRequest> = plainRecord({ vmResourceNamespace: namespaceArbitrary });

export const findResponseArbitrary: fc.Arbitrary<WireFindResponse> = plainRecord({
  instances: fc.array(instanceArbitrary, { maxLength: 5 }),
});

export const leaseRequestArbitrary: fc.Arbitrary<WireLeaseRequest> = plainRecord({
  vmResourceNamespace: namespaceArbitrary,
  instanceSpecification: instanceSpecificationArbitrary,
  duration: durationArbitrary,
});

export const leaseResponseArbitrary: fc.Arbitrary<WireLeaseResponse> = plainRecord({ pendingLease: wireLeaseArbitrary });

export const renewRequestArbitrary: fc.Arbitrary<WireRenewRequest> = plainRecord({
  leaseId: anyString,
  duration: durationArbitrary,
});

export const renewResponseArbitrary: fc.Arbitrary<WireRenewResponse> = plainRecord({ expires: timestampArbitrary });

export const vacateRequestArbitrary: fc.Arbitrary<WireVacateRequest> = plainRecord({ leaseId: anyString });

export const vacateResponseArbitrary: fc.Arbitrary<WireVacateResponse> = fc.constant({});
