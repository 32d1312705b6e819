/**
 * Value encodings shared by both emulated services: protobuf JSON timestamps
 * and durations, and the gRPC status codes with the HTTP statuses that pRPC
 * maps them to.
 */
import type { Duration, Timestamp } from '@makemac/core';

/**
 * Formats a time as protobuf JSON does: RFC 3339 in UTC with a `Z`, and no
 * fraction when the time is a whole second, else 3 fractional digits.
 */
export const formatTimestamp = (time: Timestamp): string => {
  const text = new Date(time).toISOString();
  return time % 1000 === 0 ? text.replace('.000Z', 'Z') : text;
};

/** The largest protobuf Duration, in seconds (10,000 years). */
const MAX_DURATION_SECONDS = 315_576_000_000;

const DURATION_PATTERN = /^(-)?(\d+)(?:\.(\d{1,9}))?s$/;

/**
 * Parses a protobuf JSON Duration such as `"86400s"` or `"1.5s"` into
 * milliseconds, rounded to the nearest millisecond. Returns undefined for
 * anything else, including values outside the protobuf range.
 */
export const parseDuration = (text: string): Duration | undefined => {
  const match = DURATION_PATTERN.exec(text);
  if (match === null) return undefined;

  const seconds = Number(match[2]);
  if (seconds > MAX_DURATION_SECONDS) return undefined;

  const fraction = Number(`0.${match[3] ?? '0'}`);
  const milliseconds = Math.round((seconds + fraction) * 1000);
  return match[1] === '-' ? -milliseconds : milliseconds;
};

/** gRPC status codes by name. */
export const GrpcCode = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

/** Returns the HTTP status a pRPC server sends with a gRPC code; unknown codes map to 500. */
export const httpStatusOfGrpcCode = (code: number): number => {
  switch (code) {
    case GrpcCode.OK:
      return 200;
    case GrpcCode.CANCELLED:
      return 499;
    case GrpcCode.INVALID_ARGUMENT:
    case GrpcCode.FAILED_PRECONDITION:
    case GrpcCode.OUT_OF_RANGE:
      return 400;
    case GrpcCode.UNAUTHENTICATED:
      return 401;
    case GrpcCode.PERMISSION_DENIED:
      return 403;
    case GrpcCode.NOT_FOUND:
      return 404;
    case GrpcCode.ALREADY_EXISTS:
    case GrpcCode.ABORTED:
      return 409;
    case GrpcCode.RESOURCE_EXHAUSTED:
      return 429;
    case GrpcCode.UNIMPLEMENTED:
      return 501;
    case GrpcCode.UNAVAILABLE:
      return 503;
    case GrpcCode.DEADLINE_EXCEEDED:
      return 504;
    default:
      return 500;
  }
};
