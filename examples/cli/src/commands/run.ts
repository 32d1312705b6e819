/**
 * `makemac run`: reconciles the pool, once or periodically, through the real
 * adapters and the runtime. SIGINT or SIGTERM lets calls in flight finish,
 * starts nothing new, and exits with 0. Logs are pino JSON lines on stdout.
 */
import { plan } from '@makemac/core';
import { createSecretResolver, runLoop, type LoopSchedule } from '@makemac/runtime';
import { Command, Option } from 'commander';
import { pino, type Logger } from 'pino';

import type { ExitCodeSink } from '../cli.js';
import { ExitCode, usageError } from '../errors.js';
import { loadConfig } from '../input/config.js';
import type { CliIo } from '../io.js';
import { parseDuration, parseInteger } from '../options.js';
import { addEndpointOptions, checkCredentialFlags, connectServices, type EndpointOptions } from './endpoints.js';

/** Option values of `makemac run`. */
interface RunOptions extends EndpointOptions {
  readonly config: string;
  readonly once?: boolean;
  readonly period?: number;
  readonly dryRun?: boolean;
  readonly concurrency?: number;
  readonly logLevel: string;
}

/** Default time between the starts of two cycles: one hour, as Go's makemac. */
export const DEFAULT_PERIOD_MS = 3_600_000;

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

/** Creates the pino logger that writes JSON lines to the command's standard output. */
export const createStdoutLogger = (io: CliIo, level: string): Logger =>
  pino({ level, base: { name: 'makemac' } }, { write: (line: string) => io.stdout(line) });

const runRun = async (command: Command, io: CliIo, setExitCode: ExitCodeSink): Promise<void> => {
  const options = command.opts<RunOptions>();
  if (options.once === true && options.period !== undefined) {
    throw usageError('pass either --once or --period, not both');
  }
  checkCredentialFlags(command);

  const config = await loadConfig(options.config, io.cwd);
  const services = await connectServices(config, options, io);
  const logger = createStdoutLogger(io, options.logLevel);
  const schedule: LoopSchedule = options.once === true ? { once: true } : { periodMs: options.period ?? DEFAULT_PERIOD_MS };

  logger.info(
    { config: options.config, dryRun: options.dryRun === true, ...schedule, swarmingHosts: config.swarmingHosts.map((host) => host.host) },
    'makemac run started',
  );
  const result = await runLoop(
    {
      macService: services.macService,
      swarming: services.swarming,
      // TODO: `secret:` references need a Secret Manager client, which the CLI does not have.
      // Until it has one, only `env:` and `file:` references resolve, so creates that need `secret:` are skipped.
      resolveSecret: createSecretResolver({ env: io.env }),
      logger,
      planner: plan,
    },
    {
      config,
      ...schedule,
      dryRun: options.dryRun === true,
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      signal: io.shutdown,
    },
  );

  // With --once, exit code 1 marks a cycle that did not go through: a failed
  // find, a failed listing or a failed action. A shutdown is not a failure,
  // and a periodic run ends only by a shutdown.
  const last = result.lastReport;
  const cycleFailed =
    last !== undefined &&
    !last.aborted &&
    (last.plan === undefined || last.listingErrors.length > 0 || last.summary.failed > 0);
  if ('once' in schedule && cycleFailed) {
    setExitCode(ExitCode.Failure);
  }
};

/** Builds the `run` subcommand. */
export const runCommand = (io: CliIo, setExitCode: ExitCodeSink): Command => {
  const command = new Command('run')
    .description('Reconcile the pool: read both services, plan, and execute the plan, once or every period.')
    .requiredOption('--config <file>', 'makemac configuration file (JSON)')
    .option('--once', 'run one cycle and exit')
    .addOption(new Option('--period <duration>', 'time between the starts of two cycles, for example 1h (default: 1h)').argParser(parseDuration('--period')))
    .option('--dry-run', 'plan and log, but send no vacate, drain, renew or create')
    .addOption(
      new Option('--concurrency <n>', 'maximum MacService calls in flight while executing (default: 8)').argParser(
        parseInteger('--concurrency', 1, 1000),
      ),
    )
    .addOption(new Option('--log-level <level>', 'lowest pino level to log').choices(LOG_LEVELS).default('info'));

  addEndpointOptions(command);
  return command.action(async (_options: unknown, self: Command) => runRun(self, io, setExitCode));
};
