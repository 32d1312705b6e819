/**
 * Decodes the makemac configuration from JSON and rejects anything the
 * planner should not act on, with one error per problem that names its JSON
 * path, the value found and how to fix it.
 *
 * ```json
 * {"swarmingHosts":[{"host":"chromium-swarm.appspot.com","pool":"luci.golang.shared-workers",
 *   "images":[{"hostname":"darwin-amd64-14","image":"b16a8a5f…6754","count":20,
 *              "cert":"secret:symbolic-datum-552/darwin-amd64-14-cert",
 *              "key":"secret:symbolic-datum-552/darwin-amd64-14-key"}]}]}
 * ```
 *
 * Every top-level field other than `swarmingHosts` has a default
 * ({@link CONFIG_DEFAULTS}). Durations are strings such as `"24h"` or
 * `"86400s"`. Unknown keys are rejected, so a misspelt key cannot silently
 * fall back to a default.
 */
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';

import type { Config, CountOrPercent, HostPolicy, ImageConfig, SwarmingHostConfig } from './config-types.js';
import { formatDuration, parseDuration } from './duration.js';

/** One problem in a configuration. `path` is a JSON path such as `swarmingHosts[1].images[3].count`. */
export type ConfigError =
  | {
      readonly _tag: 'WrongType';
      readonly path: string;
      /** The expected kind of value, for example `a string`. */
      readonly expected: string;
      /** A bounded excerpt of the value found. */
      readonly found: string;
    }
  | { readonly _tag: 'MissingField'; readonly path: string; readonly expected: string }
  | {
      readonly _tag: 'UnknownKey';
      /** Path of the unknown key itself. */
      readonly path: string;
      readonly key: string;
      /** The keys allowed at that level. */
      readonly allowed: readonly string[];
      /** The allowed key closest in spelling, when one is close. */
      readonly suggestion?: string | undefined;
    }
  | {
      readonly _tag: 'InvalidValue';
      readonly path: string;
      readonly found: string;
      /** A description of a valid value. */
      readonly expected: string;
    }
  | {
      readonly _tag: 'DuplicateValue';
      readonly path: string;
      readonly found: string;
      /** Path of the earlier entry with the same value. */
      readonly firstPath: string;
      /** The uniqueness rule, in words. */
      readonly rule: string;
    }
  | {
      /** A cert or key field contains what looks like the secret itself; its value is never repeated. */
      readonly _tag: 'SecretValue';
      readonly path: string;
    };

/** The values of the optional top-level fields when the JSON leaves them out. */
export const CONFIG_DEFAULTS = {
  customer: 'golang',
  projectPrefix: 'makemac',
  createDuration: 24 * 3_600_000,
  renewDuration: 23 * 3_600_000,
  profile: 'V1_MEDIUM_VM',
  accessLevel: 'GOLANG_OSS',
} as const satisfies Omit<Config, 'swarmingHosts'>;

/**
 * The safety policy of a swarming host whose `policy` object, or one of its
 * keys, is left out. docs/policies.md explains each value.
 */
export const HOST_POLICY_DEFAULTS: HostPolicy = {
  disruptionBudget: { _tag: 'Percent', percent: 20 },
  sanityGateThreshold: { _tag: 'Percent', percent: 20 },
  sanityGateAllowance: 2,
  maxSurge: { _tag: 'Percent', percent: 25 },
  maxUnavailable: { _tag: 'Count', count: 0 },
  rolloutPauseThreshold: 2,
  maxCreatesPerCycle: 20,
};

/**
 * A host policy whose limits never bind: every vacate the rules choose goes
 * ahead in one cycle, the sanity gate never closes, a rollout replaces every
 * old lease at once, and creates are not paced. Busy bots are still drained
 * rather than vacated. Meant for tests and tools that study the rules alone;
 * a production pool should keep the defaults.
 */
export const UNLIMITED_HOST_POLICY: HostPolicy = {
  disruptionBudget: { _tag: 'Percent', percent: 100 },
  sanityGateThreshold: { _tag: 'Percent', percent: 100 },
  sanityGateAllowance: Number.MAX_SAFE_INTEGER,
  maxSurge: { _tag: 'Percent', percent: 100 },
  maxUnavailable: { _tag: 'Percent', percent: 100 },
  rolloutPauseThreshold: Number.MAX_SAFE_INTEGER,
  maxCreatesPerCycle: Number.MAX_SAFE_INTEGER,
};

const SECRET_REFERENCE_HINT = 'give a reference such as secret:project/name, env:VAR or file:/path';
const MAX_EXCERPT = 60;

/** PEM blocks and multi-line text are secret material, never a reference. */
const looksLikeSecret = (value: string): boolean => value.includes('-----BEGIN') || value.includes('\n');

// ---------------------------------------------------------------------------
// Error plumbing: io-ts validation errors that carry a ConfigError.

interface ConfigValidationError extends t.ValidationError {
  readonly configError: ConfigError;
}

const hasConfigError = (error: t.ValidationError): error is ConfigValidationError => 'configError' in error;

const validationError = (value: unknown, context: t.Context, configError: ConfigError): ConfigValidationError => ({
  value,
  context,
  message: describeConfigError(configError),
  configError,
});

const failWith = <A>(value: unknown, context: t.Context, configError: ConfigError): t.Validation<A> =>
  t.failures([validationError(value, context, configError)]);

/** Builds `swarmingHosts[1].images[3].count` from an io-ts context. */
const pathOf = (context: t.Context): string => {
  let path = '';
  for (let index = 1; index < context.length; index += 1) {
    const entry = context[index];
    const parent = context[index - 1];
    if (entry === undefined || parent === undefined) continue;
    const isElement = parent.type instanceof t.ReadonlyArrayType || parent.type instanceof t.ArrayType;
    path += isElement ? `[${entry.key}]` : path === '' ? entry.key : `.${entry.key}`;
  }
  return path;
};

/** Describes a value as a bounded JSON excerpt. Text that looks like a secret is never shown. */
const excerpt = (value: unknown): string => {
  if (typeof value === 'string' && looksLikeSecret(value)) return 'a value that looks like a secret (not shown)';

  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);

  let text: string;
  try {
    text = value === undefined ? 'nothing' : (JSON.stringify(value) ?? typeof value);
  } catch {
    text = typeof value;
  }
  return text.length > MAX_EXCERPT ? `${text.slice(0, MAX_EXCERPT)}…` : text;
};

const describeType = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : excerpt(value);
};

/** Turns an io-ts error that no makemac codec produced into a ConfigError. */
const toConfigError = (error: t.ValidationError): ConfigError => {
  if (hasConfigError(error)) return error.configError;

  const path = pathOf(error.context);
  const expected = error.context[error.context.length - 1]?.type.name ?? 'a valid value';
  return error.value === undefined
    ? { _tag: 'MissingField', path, expected }
    : { _tag: 'WrongType', path, expected, found: describeType(error.value) };
};

// ---------------------------------------------------------------------------
// Leaf codecs.

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A string codec with a check beyond "is a string"; `check` returns what is expected when it fails. */
const checkedString = (expected: string, check: (value: string) => string | undefined): t.Type<string, string, unknown> =>
  new t.Type<string, string, unknown>(
    expected,
    (value): value is string => typeof value === 'string' && check(value) === undefined,
    (value, context) => {
      if (typeof value !== 'string') {
        return value === undefined
          ? failWith(value, context, { _tag: 'MissingField', path: pathOf(context), expected })
          : failWith(value, context, { _tag: 'WrongType', path: pathOf(context), expected, found: describeType(value) });
      }
      const problem = check(value);
      return problem === undefined
        ? t.success(value)
        : failWith(value, context, { _tag: 'InvalidValue', path: pathOf(context), expected: problem, found: excerpt(value) });
    },
    (value) => value,
  );

const nonEmpty = (expected: string): t.Type<string, string, unknown> =>
  checkedString(expected, (value) => (value.trim() === '' ? expected : undefined));

const ProjectPrefix = checkedString('a non-empty project prefix without "/"', (value) =>
  value === '' || value.includes('/') ? 'a non-empty project prefix without "/", such as makemac' : undefined,
);

const SwarmingHost = checkedString('a swarming host name', (value) =>
  value.trim() === '' || /[\s/]/.test(value)
    ? 'a bare host name such as chromium-swarm.appspot.com, without scheme, path or spaces'
    : undefined,
);

const ImageSha256 = checkedString('a boot image SHA-256', (value) =>
  /^[0-9a-f]{64}$/.test(value) ? undefined : 'a boot image SHA-256: 64 lower-case hex digits',
);

const Count = new t.Type<number, number, unknown>(
  'a non-negative integer',
  (value): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0,
  (value, context) => {
    const path = pathOf(context);
    if (value === undefined) return failWith(value, context, { _tag: 'MissingField', path, expected: 'a non-negative integer' });
    if (typeof value !== 'number') {
      return failWith(value, context, { _tag: 'WrongType', path, expected: 'a non-negative integer', found: describeType(value) });
    }
    return Number.isSafeInteger(value) && value >= 0
      ? t.success(value)
      : failWith(value, context, { _tag: 'InvalidValue', path, expected: 'a non-negative integer such as 0 or 20', found: excerpt(value) });
  },
  (value) => value,
);

const COUNT_OR_PERCENT_EXPECTED = 'a whole number such as 3, or a percentage from "0%" to "100%" with at most two decimals, such as "25%"';
const PERCENT_PATTERN = /^(\d{1,3}(?:\.\d{1,2})?)%$/;

/** A count (`3`) or a percentage (`"25%"`), decoded to {@link CountOrPercent}. */
const CountOrPercentCodec = new t.Type<CountOrPercent, number | string, unknown>(
  'a count or a percentage',
  (value): value is CountOrPercent =>
    typeof value === 'object' && value !== null && ('count' in value || 'percent' in value),
  (value, context) => {
    const path = pathOf(context);
    if (value === undefined) return failWith(value, context, { _tag: 'MissingField', path, expected: COUNT_OR_PERCENT_EXPECTED });
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return t.success({ _tag: 'Count', count: value });

    const match = typeof value === 'string' ? PERCENT_PATTERN.exec(value) : null;
    const percent = match?.[1] === undefined ? Number.NaN : Number(match[1]);
    if (percent >= 0 && percent <= 100) return t.success({ _tag: 'Percent', percent });

    return typeof value === 'number' || typeof value === 'string'
      ? failWith(value, context, { _tag: 'InvalidValue', path, expected: COUNT_OR_PERCENT_EXPECTED, found: excerpt(value) })
      : failWith(value, context, { _tag: 'WrongType', path, expected: COUNT_OR_PERCENT_EXPECTED, found: describeType(value) });
  },
  (value) => (value._tag === 'Count' ? value.count : `${value.percent}%`),
);

/** A whole number of at least 1. */
const PositiveCount = new t.Type<number, number, unknown>(
  'a whole number of at least 1',
  (value): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 1,
  (value, context) => {
    const path = pathOf(context);
    const expected = 'a whole number of at least 1';
    if (value === undefined) return failWith(value, context, { _tag: 'MissingField', path, expected });
    if (typeof value !== 'number') return failWith(value, context, { _tag: 'WrongType', path, expected, found: describeType(value) });
    return Number.isSafeInteger(value) && value >= 1
      ? t.success(value)
      : failWith(value, context, { _tag: 'InvalidValue', path, expected: `${expected}, such as 2 or 20`, found: excerpt(value) });
  },
  (value) => value,
);

/** A reference to a secret (`secret:project/name`); a value that looks like the secret itself is rejected unseen. */
const SecretReference = new t.Type<string, string, unknown>(
  'a secret reference',
  (value): value is string => typeof value === 'string' && value.trim() !== '' && !looksLikeSecret(value),
  (value, context) => {
    const path = pathOf(context);
    const expected = `a secret reference; ${SECRET_REFERENCE_HINT}`;
    if (value === undefined) return failWith(value, context, { _tag: 'MissingField', path, expected });
    if (typeof value !== 'string') {
      return failWith(value, context, { _tag: 'WrongType', path, expected, found: describeType(value) });
    }
    if (looksLikeSecret(value)) return failWith(value, context, { _tag: 'SecretValue', path });
    return value.trim() === ''
      ? failWith(value, context, { _tag: 'InvalidValue', path, expected, found: excerpt(value) })
      : t.success(value);
  },
  (value) => value,
);

/** A positive duration string (`"24h"`, `"86400s"`) decoded to milliseconds and encoded back as `"24h"`. */
const PositiveDuration = new t.Type<number, string, unknown>(
  'a duration such as "24h"',
  (value): value is number => typeof value === 'number' && Number.isFinite(value) && value > 0,
  (value, context) => {
    const path = pathOf(context);
    const expected = 'a positive duration such as "24h", "1h30m" or "86400s"';
    if (typeof value !== 'string') {
      return value === undefined
        ? failWith(value, context, { _tag: 'MissingField', path, expected })
        : failWith(value, context, { _tag: 'WrongType', path, expected, found: describeType(value) });
    }

    const parsed = parseDuration(value);
    if (E.isLeft(parsed)) {
      return failWith(value, context, { _tag: 'InvalidValue', path, expected: `${expected} (${parsed.left})`, found: excerpt(value) });
    }
    return parsed.right > 0
      ? t.success(parsed.right)
      : failWith(value, context, { _tag: 'InvalidValue', path, expected, found: excerpt(value) });
  },
  (value) => formatDuration(value),
);

/** Uses `fallback` when the field is absent. */
const withDefault = <C extends t.Mixed>(codec: C, fallback: t.TypeOf<C>): t.Type<t.TypeOf<C>, t.OutputOf<C>, unknown> =>
  new t.Type<t.TypeOf<C>, t.OutputOf<C>, unknown>(
    codec.name,
    codec.is,
    (value, context) => (value === undefined ? t.success(fallback) : codec.validate(value, context)),
    codec.encode,
  );

// ---------------------------------------------------------------------------
// Objects that reject unknown keys.

type Props = Record<string, t.Mixed>;

/**
 * An object codec that rejects keys not in `props` (io-ts `t.type` lets them
 * through) and reports every field error, not only the first.
 */
const strictObject = <P extends Props>(
  name: string,
  props: P,
): t.Type<{ readonly [K in keyof P]: t.TypeOf<P[K]> }, { [K in keyof P]: t.OutputOf<P[K]> }, unknown> => {
  const allowed = Object.keys(props);
  type Decoded = { readonly [K in keyof P]: t.TypeOf<P[K]> };
  type Encoded = { [K in keyof P]: t.OutputOf<P[K]> };

  return new t.Type<Decoded, Encoded, unknown>(
    name,
    (value): value is Decoded => isRecord(value) && allowed.every((key) => props[key]?.is(value[key]) === true),
    (value, context) => {
      const path = pathOf(context);
      if (!isRecord(value)) {
        return value === undefined
          ? failWith(value, context, { _tag: 'MissingField', path, expected: name })
          : failWith(value, context, { _tag: 'WrongType', path, expected: name, found: describeType(value) });
      }

      const errors: t.ValidationError[] = [];
      for (const key of Object.keys(value)) {
        if (Object.hasOwn(props, key)) continue;
        const keyContext = t.appendContext(context, key, t.unknown, value[key]);
        const suggestion = closestKey(key, allowed);
        errors.push(validationError(value[key], keyContext, { _tag: 'UnknownKey', path: pathOf(keyContext), key, allowed, suggestion }));
      }

      const decoded: Record<string, unknown> = {};
      for (const key of allowed) {
        const codec = props[key];
        if (codec === undefined) continue;
        const result = codec.validate(value[key], t.appendContext(context, key, codec, value[key]));
        if (E.isLeft(result)) errors.push(...result.left);
        else decoded[key] = result.right;
      }

      return errors.length > 0 ? t.failures(errors) : t.success(decoded as Decoded);
    },
    (decoded) => {
      const encoded: Record<string, unknown> = {};
      for (const key of allowed) encoded[key] = props[key]?.encode(decoded[key]);
      return encoded as Encoded;
    },
  );
};

/** Finds the allowed key within edit distance 2 of `key`, to suggest for a typo. */
const closestKey = (key: string, allowed: readonly string[]): string | undefined => {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of allowed) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
};

/** Levenshtein distance. */
const editDistance = (a: string, b: string): number => {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
};

// ---------------------------------------------------------------------------
// The configuration codec.

const ImageConfigCodec = strictObject('an image object with hostname, cert, key, image and count', {
  hostname: nonEmpty('a non-empty LUCI hostname such as darwin-amd64-14'),
  cert: SecretReference,
  key: SecretReference,
  image: ImageSha256,
  count: Count,
});

const HostPolicyCodec = strictObject('a policy object', {
  disruptionBudget: withDefault(CountOrPercentCodec, HOST_POLICY_DEFAULTS.disruptionBudget),
  sanityGateThreshold: withDefault(CountOrPercentCodec, HOST_POLICY_DEFAULTS.sanityGateThreshold),
  sanityGateAllowance: withDefault(Count, HOST_POLICY_DEFAULTS.sanityGateAllowance),
  maxSurge: withDefault(CountOrPercentCodec, HOST_POLICY_DEFAULTS.maxSurge),
  maxUnavailable: withDefault(CountOrPercentCodec, HOST_POLICY_DEFAULTS.maxUnavailable),
  rolloutPauseThreshold: withDefault(PositiveCount, HOST_POLICY_DEFAULTS.rolloutPauseThreshold),
  maxCreatesPerCycle: withDefault(PositiveCount, HOST_POLICY_DEFAULTS.maxCreatesPerCycle),
});

/** The host policy, filled with the defaults when absent; a configuration built without one encodes the defaults. */
const PolicyOrDefault = new t.Type<HostPolicy, t.OutputOf<typeof HostPolicyCodec>, unknown>(
  HostPolicyCodec.name,
  HostPolicyCodec.is,
  (value, context) => HostPolicyCodec.validate(value === undefined ? {} : value, context),
  (value) => HostPolicyCodec.encode(value ?? HOST_POLICY_DEFAULTS),
);

/** The JSON form of one swarming host entry. */
interface SwarmingHostJson {
  host: string;
  pool: string;
  images: t.OutputOf<typeof ImageConfigCodec>[];
  policy: t.OutputOf<typeof HostPolicyCodec>;
}

// The cast states the public type, where `policy` is optional so that
// configurations built in code need not spell it out; decoding always fills it.
const SwarmingHostConfigCodec = strictObject('a swarming host object with host, pool, images and an optional policy', {
  host: SwarmingHost,
  pool: nonEmpty('a non-empty Swarming pool such as luci.golang.shared-workers'),
  images: t.readonlyArray(ImageConfigCodec, 'a list of image objects'),
  policy: PolicyOrDefault,
}) as t.Type<SwarmingHostConfig, SwarmingHostJson, unknown>;

/**
 * io-ts codec between the JSON form of the configuration and {@link Config}.
 * It checks each field on its own; {@link decodeConfig} adds the checks that
 * span fields (duplicates, renew shorter than create).
 */
export const ConfigCodec = strictObject('a configuration object', {
  customer: withDefault(nonEmpty('a non-empty MacService customer such as golang'), CONFIG_DEFAULTS.customer),
  projectPrefix: withDefault(ProjectPrefix, CONFIG_DEFAULTS.projectPrefix),
  createDuration: withDefault(PositiveDuration, CONFIG_DEFAULTS.createDuration),
  renewDuration: withDefault(PositiveDuration, CONFIG_DEFAULTS.renewDuration),
  profile: withDefault(nonEmpty('a non-empty machine profile such as V1_MEDIUM_VM'), CONFIG_DEFAULTS.profile),
  accessLevel: withDefault(nonEmpty('a non-empty network access level such as GOLANG_OSS'), CONFIG_DEFAULTS.accessLevel),
  swarmingHosts: t.readonlyArray(SwarmingHostConfigCodec, 'a list of swarming host objects'),
});

/** The JSON form of the configuration, as {@link encodeConfig} writes it. */
export type ConfigJson = t.OutputOf<typeof ConfigCodec>;

/**
 * Decodes and validates a configuration parsed from JSON. Returns every
 * problem found, each with its JSON path; see {@link formatConfigErrors}.
 */
export const decodeConfig = (json: unknown): E.Either<readonly ConfigError[], Config> => {
  const decoded = ConfigCodec.decode(json);
  if (E.isLeft(decoded)) return E.left(decoded.left.map(toConfigError));

  const config: Config = decoded.right;
  const errors = [...checkDurations(config), ...checkUniqueness(config.swarmingHosts), ...checkRolloutPolicies(config.swarmingHosts)];
  return errors.length > 0 ? E.left(errors) : E.right(config);
};

/** Encodes a configuration as JSON that {@link decodeConfig} reads back to an equal value. */
export const encodeConfig = (config: Config): ConfigJson => ConfigCodec.encode(config);

const checkDurations = (config: Config): ConfigError[] => {
  if (config.renewDuration < config.createDuration) return [];
  return [
    {
      _tag: 'InvalidValue',
      path: 'renewDuration',
      found: JSON.stringify(formatDuration(config.renewDuration)),
      expected: `a duration shorter than createDuration (${formatDuration(config.createDuration)}), because a lease with more than renewDuration left counts as booting`,
    },
  ];
};

const checkUniqueness = (hosts: readonly SwarmingHostConfig[]): ConfigError[] => {
  const errors: ConfigError[] = [];
  const firstHost = new Map<string, number>();

  hosts.forEach((host, hostIndex) => {
    const earlier = firstHost.get(host.host);
    if (earlier === undefined) firstHost.set(host.host, hostIndex);
    else {
      errors.push({
        _tag: 'DuplicateValue',
        path: `swarmingHosts[${hostIndex}].host`,
        found: JSON.stringify(host.host),
        firstPath: `swarmingHosts[${earlier}].host`,
        rule: 'each swarming host may appear once; merge the two entries',
      });
    }
    errors.push(...checkImagesUnique(host.images, hostIndex));
  });

  return errors;
};

/** A rollout with no surge and no unavailability could never replace a lease. */
const checkRolloutPolicies = (hosts: readonly SwarmingHostConfig[]): ConfigError[] => {
  const errors: ConfigError[] = [];
  const isZero = (value: CountOrPercent): boolean => (value._tag === 'Count' ? value.count === 0 : value.percent === 0);

  hosts.forEach((host, hostIndex) => {
    const policy = host.policy;
    if (policy === undefined || !isZero(policy.maxSurge) || !isZero(policy.maxUnavailable)) return;
    errors.push({
      _tag: 'InvalidValue',
      path: `swarmingHosts[${hostIndex}].policy.maxSurge`,
      found: JSON.stringify(CountOrPercentCodec.encode(policy.maxSurge)),
      expected: 'a value above 0 while maxUnavailable is 0, because otherwise an image change could never replace a lease',
    });
  });

  return errors;
};

const checkImagesUnique = (images: readonly ImageConfig[], hostIndex: number): ConfigError[] => {
  const errors: ConfigError[] = [];
  const firstImage = new Map<string, number>();

  images.forEach((image, imageIndex) => {
    const earlier = firstImage.get(image.image);
    if (earlier === undefined) {
      firstImage.set(image.image, imageIndex);
      return;
    }
    errors.push({
      _tag: 'DuplicateValue',
      path: `swarmingHosts[${hostIndex}].images[${imageIndex}].image`,
      found: JSON.stringify(image.image),
      firstPath: `swarmingHosts[${hostIndex}].images[${earlier}].image`,
      rule: 'an image may appear once per swarming host, because leases are counted per (host, image)',
    });
  });

  return errors;
};

// ---------------------------------------------------------------------------
// Messages.

/** Describes one configuration error in one line, starting with its path. */
export const describeConfigError = (error: ConfigError): string => {
  const path = error.path === '' ? '<root>' : error.path;
  switch (error._tag) {
    case 'WrongType':
      return `${path}: expected ${error.expected}, found ${error.found}`;
    case 'MissingField':
      return `${path}: missing; expected ${error.expected}`;
    case 'UnknownKey': {
      const hint = error.suggestion === undefined ? '' : ` (did you mean "${error.suggestion}"?)`;
      return `${path}: unknown key "${error.key}"${hint}; allowed keys here: ${error.allowed.join(', ')}`;
    }
    case 'InvalidValue':
      return `${path}: invalid value ${error.found}; expected ${error.expected}`;
    case 'DuplicateValue':
      return `${path}: ${error.found} is already used at ${error.firstPath}; ${error.rule}`;
    case 'SecretValue':
      return `${path}: looks like a secret value; ${SECRET_REFERENCE_HINT}`;
  }
};

/**
 * Formats configuration errors as readable multi-line text, one error per
 * line under a heading that names `fileName` when given.
 */
export const formatConfigErrors = (errors: readonly ConfigError[], fileName?: string): string => {
  const source = fileName === undefined ? 'the makemac configuration' : fileName;
  const count = errors.length === 1 ? '1 error' : `${errors.length} errors`;
  const lines = errors.map((error) => `  ${describeConfigError(error)}`);
  return [`invalid configuration in ${source} (${count}):`, ...lines].join('\n');
};
