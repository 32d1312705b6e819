/**
 * Pure mapping between makemac's domain values and the leases API messages:
 * request bodies built from port arguments, and decoded responses turned
 * into core `Lease` values with secret metadata redacted.
 *
 * Request bodies match what the Go client sends byte for byte: every field is
 * present (empty strings included), keys are in the Go struct order, and the
 * body ends with a newline.
 */
import type { CreatedLease, DecodeError, Duration, Lease, LeaseRequest, RenewedLease } from '@makemac/core';
import { REDACTED, SECRET_METADATA_KEYS } from '@makemac/core';
import * as E from 'fp-ts/lib/Either.js';

import { decodeErrorFromValidation } from './errors.js';
import { makeScrubber } from './scrub.js';

import type { WireInstance, WireLeaseResponse, WireMetadataEntry, WireRenewResponse } from './wire.js';
import { WireFindRequest, WireFindResponse, WireLeaseRequest, WireRenewRequest, WireVacateRequest } from './wire.js';

/** Builds the `leases:find` request for every lease of `customerName`, of every project. */
export const buildFindRequest = (customerName: string): WireFindRequest => ({
  vmResourceNamespace: { customerName, projectName: '', subCustomerName: '' },
});

/** Builds the `leases:create` request for `request`, metadata in the given order. */
export const buildLeaseRequest = (request: LeaseRequest): WireLeaseRequest => ({
  vmResourceNamespace: {
    customerName: request.namespace.customerName,
    projectName: request.namespace.projectName,
    subCustomerName: request.namespace.subCustomerName,
  },
  instanceSpecification: {
    profile: request.profile,
    accessLevel: request.accessLevel,
    metadata: request.metadata.map((entry) => ({ key: entry.key, value: entry.value })),
    diskSelection: { imageHashes: { bootSha256: request.image } },
  },
  duration: request.duration,
});

/** Builds the `leases:renew` request that extends `leaseId` to `duration` from now. */
export const buildRenewRequest = (leaseId: string, duration: Duration): WireRenewRequest => ({ leaseId, duration });

/** Builds the `leases:vacate` request for `leaseId`. */
export const buildVacateRequest = (leaseId: string): WireVacateRequest => ({ leaseId });

const toBody = (json: unknown): string => `${JSON.stringify(json)}\n`;

/** Encodes a find request as the JSON body the Go client sends. */
export const encodeFindRequest = (request: WireFindRequest): string => toBody(WireFindRequest.encode(request));

/**
 * Encodes a create request as the JSON body the Go client sends.
 *
 * @throws RangeError when the duration is not finite; check it with `isEncodableDuration` first.
 */
export const encodeLeaseRequest = (request: WireLeaseRequest): string => toBody(WireLeaseRequest.encode(request));

/**
 * Encodes a renew request as the JSON body the Go client sends.
 *
 * @throws RangeError when the duration is not finite; check it with `isEncodableDuration` first.
 */
export const encodeRenewRequest = (request: WireRenewRequest): string => toBody(WireRenewRequest.encode(request));

/** Encodes a vacate request as the JSON body the Go client sends. */
export const encodeVacateRequest = (request: WireVacateRequest): string => toBody(WireVacateRequest.encode(request));

/**
 * Turns metadata entries into a record, with the value of every key in
 * `SECRET_METADATA_KEYS` replaced by `REDACTED`. When a key repeats, the
 * last entry wins.
 */
export const toMetadataRecord = (entries: readonly WireMetadataEntry[]): Readonly<Record<string, string>> =>
  // Object.fromEntries defines own properties, so a key such as `__proto__` stays data.
  Object.fromEntries(entries.map((entry) => [entry.key, SECRET_METADATA_KEYS.includes(entry.key) ? REDACTED : entry.value]));

/**
 * Maps one `instances` entry to a core lease. A missing project name is `""`,
 * which makemac treats as unmanaged, and a missing boot image is `""`, which
 * the planner treats as obsolete.
 */
export const toLease = (instance: WireInstance): Lease => ({
  leaseId: instance.lease.leaseId,
  projectName: instance.lease.vmResourceNamespace.projectName,
  image: instance.instanceSpecification.diskSelection.imageHashes.bootSha256,
  expires: instance.lease.expires,
  metadata: toMetadataRecord(instance.instanceSpecification.metadata),
});

/** Maps a find response to core leases, in the order the service listed them. */
export const toLeases = (response: WireFindResponse): readonly Lease[] => response.instances.map(toLease);

/**
 * Decodes a parsed `leases:find` body, for example one captured to a file,
 * into core leases with secret metadata redacted. `source` names the body
 * in the error (a URL or a file name). Value excerpts in the error have
 * secret metadata values and PEM blocks removed.
 */
export const decodeFindResponse = (json: unknown, source: string): E.Either<DecodeError, readonly Lease[]> => {
  const decoded = WireFindResponse.decode(json);
  return E.isLeft(decoded)
    ? E.left(decodeErrorFromValidation(source, decoded.left, makeScrubber([])))
    : E.right(toLeases(decoded.right));
};

/** Maps a create response to the id and expiry of the pending lease. */
export const toCreatedLease = (response: WireLeaseResponse): CreatedLease => ({
  leaseId: response.pendingLease.leaseId,
  expires: response.pendingLease.expires,
});

/** Maps a renew response to the new expiry. */
export const toRenewedLease = (response: WireRenewResponse): RenewedLease => ({ expires: response.expires });
