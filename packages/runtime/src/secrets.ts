/**
 * Secret resolution: turns the references in a planned create
 * (`env:NAME`, `file:/path`, `secret:project/name`, or any scheme the
 * embedding tool adds) into the values MacService needs.
 *
 * References are not secret and may appear in errors, logs and reports.
 * Resolved values are: they exist only in the `LeaseRequest` handed to the
 * port and in the per-cycle cache, and every error here names the reference,
 * never the value.
 */
import { readFile } from 'node:fs/promises';

import type { LeaseRequest, MetadataEntry, PlannedLeaseRequest } from '@makemac/core';
import type { Either } from 'fp-ts/lib/Either.js';
import * as E from 'fp-ts/lib/Either.js';

/** Failure to resolve one reference. It carries no secret value. */
export interface SecretError {
  readonly _tag: 'SecretError';
  /** The reference as the configuration wrote it, for example `env:DARWIN_CERT`. */
  readonly reference: string;
  /** The scheme part of the reference, for example `env`; empty when the reference has none. */
  readonly scheme: string;
  /** Description of the failure and its fix, naming the reference. */
  readonly message: string;
}

/**
 * Resolves the part of a reference after `<scheme>:`. Rejecting or throwing
 * marks the reference as unresolved; the error message is kept, so it must not
 * contain the value.
 */
export type SchemeResolver = (name: string) => Promise<string>;

/**
 * Resolves one reference to its value. Never rejects: failures come back as a
 * {@link SecretError} on the left.
 */
export type SecretResolver = (reference: string) => Promise<Either<SecretError, string>>;

/** Dependencies and extra schemes of {@link createSecretResolver}. */
export interface SecretResolverOptions {
  /** Environment read by `env:NAME`; `process.env` by default. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Reads the file named by `file:/path` as UTF-8; `fs.promises.readFile` by default. */
  readonly readFile?: (path: string) => Promise<string>;
  /**
   * Further schemes by name, without the colon. The embedding tool supplies
   * `secret` here (for example backed by Secret Manager). A scheme given here
   * replaces the built-in `env` or `file` of the same name.
   */
  readonly schemes?: Readonly<Record<string, SchemeResolver>>;
}

const secretError = (reference: string, scheme: string, message: string): SecretError => ({
  _tag: 'SecretError',
  reference,
  scheme,
  message,
});

const errorMessage = (cause: unknown): string =>
  cause instanceof Error ? cause.message : String(cause);

/** Splits `scheme:rest` at the first colon; undefined when there is no scheme. */
const splitReference = (reference: string): { scheme: string; name: string } | undefined => {
  const colon = reference.indexOf(':');
  if (colon <= 0) {
    return undefined;
  }
  return { scheme: reference.slice(0, colon), name: reference.slice(colon + 1) };
};

const resolveEnv =
  (env: Readonly<Record<string, string | undefined>>): SchemeResolver =>
  async (name) => {
    const value = env[name];
    if (value === undefined) {
      throw new Error(`environment variable ${name} is not set`);
    }
    return value;
  };

const resolveFile =
  (read: (path: string) => Promise<string>): SchemeResolver =>
  async (path) => {
    if (path === '') {
      throw new Error('the file path is empty; write file:/absolute/path');
    }
    return read(path);
  };

/**
 * Creates a {@link SecretResolver} with the schemes `env:NAME` (an environment
 * variable), `file:/path` (the whole file, exactly as stored, trailing newline
 * included) and any scheme in `options.schemes`.
 *
 * An unknown scheme, a missing variable or file, and an empty value are
 * errors that name the reference. An empty value is rejected because an empty
 * certificate or key would only make the new VM fail later, far from the cause.
 *
 * @example
 * ```ts
 * const resolveSecret = createSecretResolver({
 *   schemes: { secret: (name) => secretManager.access(name) },
 * });
 * ```
 */
export const createSecretResolver = (options: SecretResolverOptions = {}): SecretResolver => {
  const schemes: Record<string, SchemeResolver> = {
    env: resolveEnv(options.env ?? process.env),
    file: resolveFile(options.readFile ?? ((path) => readFile(path, 'utf8'))),
    ...options.schemes,
  };

  return async (reference) => {
    const parts = splitReference(reference);
    if (parts === undefined) {
      return E.left(
        secretError(
          reference,
          '',
          `secret reference "${reference}" has no scheme; write env:NAME, file:/path or secret:project/name`,
        ),
      );
    }

    const resolveScheme = Object.hasOwn(schemes, parts.scheme) ? schemes[parts.scheme] : undefined;
    if (resolveScheme === undefined) {
      const known = Object.keys(schemes).sort().join(', ');
      return E.left(
        secretError(
          reference,
          parts.scheme,
          `secret reference "${reference}" uses the unknown scheme "${parts.scheme}"; known schemes: ${known}`,
        ),
      );
    }

    let value: unknown;
    try {
      value = await resolveScheme(parts.name);
    } catch (cause) {
      return E.left(
        secretError(reference, parts.scheme, `secret reference "${reference}" could not be resolved: ${errorMessage(cause)}`),
      );
    }

    if (typeof value !== 'string') {
      return E.left(
        secretError(reference, parts.scheme, `secret reference "${reference}" resolved to a ${typeof value}, not a string`),
      );
    }
    if (value === '') {
      return E.left(secretError(reference, parts.scheme, `secret reference "${reference}" resolved to an empty value`));
    }
    return E.right(value);
  };
};

/** Lists the distinct secret references of a planned create, in metadata order. */
export const secretReferences = (request: PlannedLeaseRequest): readonly string[] => {
  const references: string[] = [];
  for (const entry of request.metadata) {
    if (entry.value._tag === 'SecretReference' && !references.includes(entry.value.reference)) {
      references.push(entry.value.reference);
    }
  }
  return references;
};

/**
 * Builds the `LeaseRequest` for the port from a planned create and the
 * resolved values by reference. Returns undefined when a reference has no
 * value, which the caller treats as a bug, not as a secret failure.
 */
export const buildLeaseRequest = (
  request: PlannedLeaseRequest,
  values: ReadonlyMap<string, string>,
): LeaseRequest | undefined => {
  const metadata: MetadataEntry[] = [];
  for (const entry of request.metadata) {
    switch (entry.value._tag) {
      case 'Plain':
        metadata.push({ key: entry.key, value: entry.value.value });
        break;
      case 'SecretReference': {
        const value = values.get(entry.value.reference);
        if (value === undefined) {
          return undefined;
        }
        metadata.push({ key: entry.key, value });
        break;
      }
    }
  }

  return {
    namespace: request.namespace,
    image: request.image,
    profile: request.profile,
    accessLevel: request.accessLevel,
    duration: request.duration,
    metadata,
  };
};

/**
 * The secret values of one cycle, resolved once per (swarming host, image and
 * references) and shared by every create of that group. Create a new cache for
 * each cycle, so a rotated secret is picked up by the next cycle.
 */
export interface SecretCache {
  /** Resolves every reference of the request, reusing the result for the same group. */
  resolve(
    swarmingHost: string,
    request: PlannedLeaseRequest,
  ): Promise<Either<SecretError, ReadonlyMap<string, string>>>;
  /** Every value resolved so far, for removing them from error texts. */
  values(): readonly string[];
}

/** Creates an empty {@link SecretCache} that resolves through `resolveSecret`. */
export const createSecretCache = (resolveSecret: SecretResolver): SecretCache => {
  const groups = new Map<string, Promise<Either<SecretError, ReadonlyMap<string, string>>>>();
  const resolved = new Set<string>();

  const resolveGroup = async (
    references: readonly string[],
  ): Promise<Either<SecretError, ReadonlyMap<string, string>>> => {
    const values = new Map<string, string>();
    for (const reference of references) {
      const result = await resolveSecret(reference);
      if (E.isLeft(result)) {
        return result;
      }
      values.set(reference, result.right);
      resolved.add(result.right);
    }
    return E.right(values);
  };

  return {
    resolve: (swarmingHost, request) => {
      const references = secretReferences(request);
      const key = JSON.stringify([swarmingHost, request.image, references]);
      let group = groups.get(key);
      if (group === undefined) {
        group = resolveGroup(references);
        groups.set(key, group);
      }
      return group;
    },
    values: () => [...resolved],
  };
};
