/**
 * `makemac emulator`: serves an emulated MacService and Swarming on
 * 127.0.0.1 until SIGINT or SIGTERM, for trying `plan` and `run` without
 * real services. It prints the URLs and the fake credentials it accepts.
 */
import type { Config } from '@makemac/core';
import { seedTroubledPool, startEmulator, type Emulator } from '@makemac/emulator';
import { Command, Option } from 'commander';

import type { ExitCodeSink } from '../cli.js';
import { loadConfig } from '../input/config.js';
import type { CliIo } from '../io.js';
import { OUTPUT_FORMATS, parseDuration, parseInteger, type OutputFormat } from '../options.js';

/** Option values of `makemac emulator`. */
interface EmulatorCommandOptions {
  readonly seed: number;
  readonly latency?: number;
  readonly apiKey?: string;
  readonly token?: string;
  readonly config?: string;
  readonly advance?: number;
  readonly output: OutputFormat;
}

/** Environment variable names the printed example commands use for the fake credentials. */
const API_KEY_ENV = 'MACSERVICE_API_KEY';
const TOKEN_ENV = 'SWARMING_TOKEN';

const describeForPeople = (emulator: Emulator, configPath: string | undefined, seeded: number): string => {
  const description = emulator.describe();
  const width = Math.max(...description.swarming.map((entry) => entry.host.length));
  const swarmingUrls = description.swarming.map((entry) => `--swarming-url ${entry.host}=${entry.url}`).join(' ');

  const lines = [
    `makemac emulator running (seed ${description.seed}, virtual time ${description.now})`,
    '',
    `MacService  ${description.macServiceUrl}`,
    ...description.swarming.map((entry) => `Swarming    ${entry.host.padEnd(width)}  ${entry.url}  (pool ${entry.pool})`),
    '',
    'Fake test credentials the emulator accepts (not secrets):',
    `  API key  ${emulator.apiKey}`,
    `  Token    ${emulator.token}`,
    '',
    seeded > 0 ? `Seeded a troubled pool of ${seeded} leases from ${configPath ?? ''}.` : 'The fleet is empty.',
    'Plan against it with:',
    `  ${API_KEY_ENV}=${emulator.apiKey} ${TOKEN_ENV}=${emulator.token} makemac plan --config ${configPath ?? 'FILE'} \\`,
    `    --macservice-url ${description.macServiceUrl} ${swarmingUrls} --swarming-token-env ${TOKEN_ENV}`,
    '',
    'Press Ctrl-C to stop.',
    '',
  ];
  return lines.join('\n');
};

const describeAsJson = (emulator: Emulator, seeded: number): string =>
  `${JSON.stringify({ ...emulator.describe(), apiKey: emulator.apiKey, token: emulator.token, seededLeases: seeded })}\n`;

const emulatedHosts = (config: Config | undefined): { host: string; pool: string }[] | undefined =>
  config?.swarmingHosts.map((host) => ({ host: host.host, pool: host.pool }));

const runEmulator = async (command: Command, io: CliIo): Promise<void> => {
  const options = command.opts<EmulatorCommandOptions>();
  const config = options.config === undefined ? undefined : await loadConfig(options.config, io.cwd);
  const hosts = emulatedHosts(config);

  const emulator = await startEmulator({
    seed: options.seed,
    ...(options.latency === undefined ? {} : { latencyMs: options.latency }),
    ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
    ...(options.token === undefined ? {} : { token: options.token }),
    ...(hosts === undefined ? {} : { swarmingHosts: hosts }),
    ...(options.advance === undefined ? {} : { autoAdvance: { everyMs: 1000, stepMs: options.advance } }),
  });

  try {
    const seeded =
      config === undefined
        ? 0
        : seedTroubledPool(emulator, {
            swarmingHosts: config.swarmingHosts,
            customer: config.customer,
            projectPrefix: config.projectPrefix,
          }).leases.length;

    io.stdout(options.output === 'json' ? describeAsJson(emulator, seeded) : describeForPeople(emulator, options.config, seeded));
    await waitForShutdown(io.shutdown);
  } finally {
    await emulator.stop();
  }
  if (options.output === 'table') io.stdout('makemac emulator stopped\n');
};

const waitForShutdown = (signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    signal.addEventListener('abort', () => resolve(), { once: true });
  });

/** Builds the `emulator` subcommand. */
export const emulatorCommand = (io: CliIo, _setExitCode: ExitCodeSink): Command =>
  new Command('emulator')
    .description(
      'Serve an emulated MacService and Swarming on 127.0.0.1 until SIGINT or SIGTERM. With --config it serves ' +
        'the configured swarming hosts and seeds a pool with every kind of trouble makemac handles.',
    )
    .addOption(new Option('--seed <n>', 'seed of every random choice of the emulator').default(1).argParser(parseInteger('--seed', 0)))
    .addOption(new Option('--latency <ms>', 'delay before each response, in milliseconds').argParser(parseInteger('--latency', 0, 600_000)))
    .addOption(new Option('--api-key <key>', 'MacService API key to accept (default: emulator-api-key)'))
    .addOption(new Option('--token <token>', 'Swarming bearer token to accept (default: emulator-token)'))
    .addOption(new Option('--config <file>', 'makemac configuration: serve its swarming hosts and seed a troubled pool'))
    .addOption(
      new Option('--advance <duration>', 'advance the virtual clock by this much every wall-clock second, for example 10m (default: the clock stands still)').argParser(
        parseDuration('--advance'),
      ),
    )
    .addOption(new Option('--output <format>', 'form of the startup description').choices(OUTPUT_FORMATS).default('table'))
    .action(async (_options: unknown, self: Command) => runEmulator(self, io));
