/**
 * The endpoint and credential options shared by `plan` and `run`, and the
 * adapters built from them. Credentials are checked before any request, so a
 * missing key or token is a usage error (exit code 2), and their values never
 * appear in a message.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

import type { Config, MacServicePort, SwarmingPort } from '@makemac/core';
import { createMacServiceClient, DEFAULT_BASE_URL } from '@makemac/macservice';
import { createSwarmingClient, googleAdcTokenProvider, staticToken, tokenFromFile, type TokenProvider } from '@makemac/swarming';
import { Option, type Command } from 'commander';

import { usageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { collectKeyValue, parseDuration, parseInteger, parseUrl, type KeyValue } from '../options.js';

/** Default environment variable that contains the MacService API key. */
export const DEFAULT_API_KEY_ENV = 'MACSERVICE_API_KEY';

/** The endpoint and credential option values, as commander parses them. */
export interface EndpointOptions {
  readonly macserviceUrl?: string;
  readonly apiKeyEnv: string;
  readonly apiKeyFile?: string;
  readonly swarmingUrl?: readonly KeyValue[];
  readonly swarmingTokenEnv?: string;
  readonly swarmingTokenFile?: string;
  readonly timeout?: number;
  readonly maxAttempts?: number;
}

/** Adds the endpoint and credential options to a command. */
export const addEndpointOptions = (command: Command): Command =>
  command
    .addOption(
      new Option('--macservice-url <url>', 'MacService API base URL').default(DEFAULT_BASE_URL).argParser(parseUrl('--macservice-url')),
    )
    .addOption(
      new Option('--api-key-env <name>', 'environment variable that holds the MacService API key').default(DEFAULT_API_KEY_ENV),
    )
    .addOption(new Option('--api-key-file <path>', 'file that holds the MacService API key (instead of --api-key-env)'))
    .addOption(
      new Option('--swarming-url <host=url>', 'base URL for a swarming host, instead of https://<host> (repeatable)').argParser(
        collectKeyValue('--swarming-url', 'HOST', 'URL'),
      ),
    )
    .addOption(
      new Option('--swarming-token-env <name>', 'environment variable that holds the Swarming OAuth token (default: Application Default Credentials)'),
    )
    .addOption(
      new Option('--swarming-token-file <path>', 'file that holds the Swarming OAuth token, read before every request (default: Application Default Credentials)'),
    )
    .addOption(
      new Option('--timeout <duration>', 'time limit of one HTTP call, for example 30s').argParser(parseDuration('--timeout')),
    )
    .addOption(
      new Option('--max-attempts <n>', 'attempts per call, counting the first, before a retryable failure is final').argParser(
        parseInteger('--max-attempts', 1, 20),
      ),
    );

/** The two ports, connected to the services the options name. */
export interface Services {
  readonly macService: MacServicePort;
  readonly swarming: SwarmingPort;
}

const readSecretFile = async (path: string, cwd: string, fileKind: string, flag: string): Promise<string> => {
  let text: string;
  try {
    text = await readFile(resolve(cwd, path), 'utf8');
  } catch (cause) {
    const code = (cause as { code?: unknown } | null)?.code;
    throw usageError(`cannot read the ${fileKind} file ${path} (${flag}): ${code === 'ENOENT' ? 'no such file' : String(code ?? cause)}`);
  }

  const value = text.trim();
  if (value === '') {
    throw usageError(`the ${fileKind} file ${path} (${flag}) is empty`);
  }
  return value;
};

/** Reads the MacService API key from the file or environment variable the options name. */
export const resolveApiKey = async (options: EndpointOptions, io: CliIo): Promise<string> => {
  if (options.apiKeyFile !== undefined) {
    return readSecretFile(options.apiKeyFile, io.cwd, 'MacService API key', '--api-key-file');
  }

  const value = io.env[options.apiKeyEnv]?.trim() ?? '';
  if (value === '') {
    throw usageError(
      `the MacService API key is missing: environment variable ${options.apiKeyEnv} is not set or empty; ` +
        `set it, or pass --api-key-env NAME or --api-key-file PATH`,
    );
  }
  return value;
};

/** Chooses the Swarming token source: a variable, a file, or Application Default Credentials. */
export const resolveTokenProvider = async (options: EndpointOptions, io: CliIo): Promise<TokenProvider> => {
  if (options.swarmingTokenEnv !== undefined) {
    const token = io.env[options.swarmingTokenEnv]?.trim() ?? '';
    if (token === '') {
      throw usageError(
        `the Swarming token is missing: environment variable ${options.swarmingTokenEnv} (--swarming-token-env) is not set or empty`,
      );
    }
    return staticToken(token);
  }

  if (options.swarmingTokenFile !== undefined) {
    // Read once now so that a missing file is a usage error. The provider rereads it for each request.
    await readSecretFile(options.swarmingTokenFile, io.cwd, 'Swarming token', '--swarming-token-file');
    return tokenFromFile(resolve(io.cwd, options.swarmingTokenFile));
  }
  return googleAdcTokenProvider();
};

/** Maps each configured swarming host to its base URL, rejecting overrides for unconfigured hosts. */
export const swarmingServiceUrls = (config: Config, overrides: readonly KeyValue[]): Record<string, string> => {
  const hosts = config.swarmingHosts.map((host) => host.host);
  const urls: Record<string, string> = {};
  for (const host of hosts) {
    urls[host] = `https://${host}`;
  }

  for (const { key: host, value: url } of overrides) {
    if (!hosts.includes(host)) {
      throw usageError(
        `--swarming-url names ${host}, which is not a swarming host of the configuration; configured hosts: ${hosts.join(', ')}`,
      );
    }
    parseUrl('--swarming-url')(url);
    urls[host] = url;
  }
  return urls;
};

/** Option names (as commander stores them) of the endpoint and credential flags. */
const ENDPOINT_OPTION_NAMES: readonly (keyof EndpointOptions)[] = [
  'macserviceUrl',
  'apiKeyEnv',
  'apiKeyFile',
  'swarmingUrl',
  'swarmingTokenEnv',
  'swarmingTokenFile',
  'timeout',
  'maxAttempts',
];

/** Lists the endpoint and credential flags given on the command line, as `--flag-name`. */
export const explicitEndpointFlags = (command: Command): string[] =>
  ENDPOINT_OPTION_NAMES.filter((name) => command.getOptionValueSource(name) === 'cli').map(
    (name) => `--${name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`,
  );

/** Rejects flags that choose two sources for the same credential. */
export const checkCredentialFlags = (command: Command): void => {
  const flags = explicitEndpointFlags(command);
  if (flags.includes('--api-key-env') && flags.includes('--api-key-file')) {
    throw usageError('pass either --api-key-env or --api-key-file, not both');
  }
  if (flags.includes('--swarming-token-env') && flags.includes('--swarming-token-file')) {
    throw usageError('pass either --swarming-token-env or --swarming-token-file, not both');
  }
};

/**
 * Builds both adapters from the options, after checking that every
 * credential is there. Call {@link checkCredentialFlags} first.
 */
export const connectServices = async (config: Config, options: EndpointOptions, io: CliIo): Promise<Services> => {
  const serviceUrls = swarmingServiceUrls(config, options.swarmingUrl ?? []);
  const apiKey = await resolveApiKey(options, io);
  const tokenProvider = await resolveTokenProvider(options, io);

  const timeout = options.timeout === undefined ? {} : { timeoutMs: options.timeout };
  const retry = options.maxAttempts === undefined ? {} : { retry: { maxAttempts: options.maxAttempts } };
  try {
    const macService = createMacServiceClient({ apiKey, baseUrl: options.macserviceUrl ?? DEFAULT_BASE_URL, ...timeout, ...retry });
    const swarming = createSwarmingClient({ tokenProvider, serviceUrls, ...timeout, ...retry });
    return { macService, swarming };
  } catch (cause) {
    // The adapters check their options (URLs, timeouts, retry limits) and throw on bad ones.
    if (cause instanceof TypeError || cause instanceof RangeError) throw usageError(cause.message);
    throw cause;
  }
};
