/**
 * io-ts codecs for the JSON messages of the MacService leases API.
 *
 * Decoding follows proto3 JSON: unknown fields are ignored, and a missing or
 * `null` field takes its default (`""`, `[]` or an empty message), because
 * servers leave default values out. The fields makemac depends on are strict:
 * a lease id must be a non-empty string and `expires` must be an RFC 3339
 * timestamp. Encoding writes every field, as the Go client does, so the
 * decoded type of each codec has no optional fields.
 *
 * Timestamps decode to epoch milliseconds and durations to milliseconds.
 */
import * as t from 'io-ts';

import type { Duration, Timestamp } from '@makemac/core';

import { formatDuration, formatTimestamp, isEncodableDuration, isTimestamp, parseDuration, parseTimestamp } from './time.js';

/** The leases API methods, appended to the base URL to form each request URL. */
export const ENDPOINTS = {
  find: 'leases:find',
  create: 'leases:create',
  renew: 'leases:renew',
  vacate: 'leases:vacate',
} as const;

/** One leases API method name, such as `leases:find`. */
export type Endpoint = (typeof ENDPOINTS)[keyof typeof ENDPOINTS];

/**
 * Wraps `codec` so that a missing or `null` value decodes to `fallback`, as
 * proto3 JSON parsers do for fields left out because they hold the default.
 */
export const withDefault = <A, O>(codec: t.Type<A, O, unknown>, fallback: A): t.Type<A, O, unknown> =>
  new t.Type<A, O, unknown>(
    codec.name,
    codec.is,
    (input, context) => (input === undefined || input === null ? t.success(fallback) : codec.validate(input, context)),
    codec.encode,
  );

/** A string with at least one character, such as a lease id. */
export const NonEmptyString = new t.Type<string, string, unknown>(
  'non-empty string',
  (input): input is string => typeof input === 'string' && input.length > 0,
  (input, context) => (typeof input === 'string' && input.length > 0 ? t.success(input) : t.failure(input, context)),
  t.identity,
);

/** An RFC 3339 timestamp string, decoded to epoch milliseconds. */
export const TimestampFromString = new t.Type<Timestamp, string, unknown>(
  'RFC 3339 timestamp',
  isTimestamp,
  (input, context) => {
    const parsed = typeof input === 'string' ? parseTimestamp(input) : undefined;
    return parsed === undefined ? t.failure(input, context) : t.success(parsed);
  },
  formatTimestamp,
);

/** A protobuf JSON duration string such as `86400s`, decoded to milliseconds. */
export const DurationFromString = new t.Type<Duration, string, unknown>(
  'protobuf JSON duration such as "86400s"',
  (input): input is Duration => isEncodableDuration(input) && Number.isInteger(input),
  (input, context) => {
    const parsed = typeof input === 'string' ? parseDuration(input) : undefined;
    return parsed === undefined ? t.failure(input, context) : t.success(parsed);
  },
  formatDuration,
);

const optionalString = withDefault(t.string, '');

/** `vmResourceNamespace`: who a lease belongs to. */
export const WireNamespace = t.type(
  {
    customerName: optionalString,
    projectName: optionalString,
    subCustomerName: optionalString,
  },
  'object (Namespace)',
);
/** Decoded `vmResourceNamespace`. */
export type WireNamespace = t.TypeOf<typeof WireNamespace>;

// Defaults are shared by every decoded value, so they are frozen.
const emptyNamespace: WireNamespace = Object.freeze({ customerName: '', projectName: '', subCustomerName: '' });

/** One `instanceSpecification.metadata` entry. */
export const WireMetadataEntry = t.type({ key: optionalString, value: optionalString }, 'object (MetadataEntry)');
/** Decoded metadata entry. */
export type WireMetadataEntry = t.TypeOf<typeof WireMetadataEntry>;

/** `diskSelection.imageHashes`: the boot image SHA-256. */
export const WireImageHashes = t.type({ bootSha256: optionalString }, 'object (ImageHashes)');
/** Decoded `imageHashes`. */
export type WireImageHashes = t.TypeOf<typeof WireImageHashes>;

const emptyImageHashes: WireImageHashes = Object.freeze({ bootSha256: '' });

/** `instanceSpecification.diskSelection`. */
export const WireDiskSelection = t.type(
  { imageHashes: withDefault(WireImageHashes, emptyImageHashes) },
  'object (DiskSelection)',
);
/** Decoded `diskSelection`. */
export type WireDiskSelection = t.TypeOf<typeof WireDiskSelection>;

const emptyDiskSelection: WireDiskSelection = Object.freeze({ imageHashes: emptyImageHashes });
const emptyMetadata: WireMetadataEntry[] = Object.freeze([]) as unknown as WireMetadataEntry[];

/** `instanceSpecification`: machine profile, network access level, metadata and boot disk. */
export const WireInstanceSpecification = t.type(
  {
    profile: optionalString,
    accessLevel: optionalString,
    metadata: withDefault(t.array(WireMetadataEntry, 'array (MetadataEntry)'), emptyMetadata),
    diskSelection: withDefault(WireDiskSelection, emptyDiskSelection),
  },
  'object (InstanceSpecification)',
);
/** Decoded `instanceSpecification`. */
export type WireInstanceSpecification = t.TypeOf<typeof WireInstanceSpecification>;

const emptyInstanceSpecification: WireInstanceSpecification = Object.freeze({
  profile: '',
  accessLevel: '',
  metadata: emptyMetadata,
  diskSelection: emptyDiskSelection,
});

/** A lease as responses carry it: id, namespace and expiry. */
export const WireLease = t.type(
  {
    leaseId: NonEmptyString,
    vmResourceNamespace: withDefault(WireNamespace, emptyNamespace),
    expires: TimestampFromString,
  },
  'object (Lease)',
);
/** Decoded lease message. */
export type WireLease = t.TypeOf<typeof WireLease>;

/** One entry of `FindResponse.instances`: a lease and how its VM was specified. */
export const WireInstance = t.type(
  {
    lease: WireLease,
    instanceSpecification: withDefault(WireInstanceSpecification, emptyInstanceSpecification),
  },
  'object (Instance)',
);
/** Decoded instance. */
export type WireInstance = t.TypeOf<typeof WireInstance>;

/** Body of `leases:find`. makemac sends only the customer name; empty strings act as wildcards. */
export const WireFindRequest = t.type({ vmResourceNamespace: withDefault(WireNamespace, emptyNamespace) }, 'object (FindRequest)');
/** Decoded find request. */
export type WireFindRequest = t.TypeOf<typeof WireFindRequest>;

/** Response of `leases:find`. A missing `instances` means no leases. There is no page token. */
export const WireFindResponse = t.type(
  { instances: withDefault(t.array(WireInstance, 'array (Instance)'), Object.freeze([]) as unknown as WireInstance[]) },
  'object (FindResponse)',
);
/** Decoded find response. */
export type WireFindResponse = t.TypeOf<typeof WireFindResponse>;

/** Body of `leases:create`. */
export const WireLeaseRequest = t.type(
  {
    vmResourceNamespace: withDefault(WireNamespace, emptyNamespace),
    instanceSpecification: withDefault(WireInstanceSpecification, emptyInstanceSpecification),
    duration: DurationFromString,
  },
  'object (LeaseRequest)',
);
/** Decoded create request. */
export type WireLeaseRequest = t.TypeOf<typeof WireLeaseRequest>;

/** Response of `leases:create`: the new lease, which may not be running yet. */
export const WireLeaseResponse = t.type({ pendingLease: WireLease }, 'object (LeaseResponse)');
/** Decoded create response. */
export type WireLeaseResponse = t.TypeOf<typeof WireLeaseResponse>;

/** Body of `leases:renew`. The duration counts from now, not from the current expiry. */
export const WireRenewRequest = t.type({ leaseId: optionalString, duration: DurationFromString }, 'object (RenewRequest)');
/** Decoded renew request. */
export type WireRenewRequest = t.TypeOf<typeof WireRenewRequest>;

/** Response of `leases:renew`: the new expiry. */
export const WireRenewResponse = t.type({ expires: TimestampFromString }, 'object (RenewResponse)');
/** Decoded renew response. */
export type WireRenewResponse = t.TypeOf<typeof WireRenewResponse>;

/** Body of `leases:vacate`. */
export const WireVacateRequest = t.type({ leaseId: optionalString }, 'object (VacateRequest)');
/** Decoded vacate request. */
export type WireVacateRequest = t.TypeOf<typeof WireVacateRequest>;

/** Response of `leases:vacate`: any JSON object, normally `{}`; its fields are ignored. */
export const WireVacateResponse = t.type({}, 'object (VacateResponse)');
/** Decoded vacate response. */
export type WireVacateResponse = t.TypeOf<typeof WireVacateResponse>;
