/**
 * `makemac demo`: the whole reconcile loop against the emulator, with no
 * credentials and no network beyond 127.0.0.1. It seeds a production-shaped
 * pool with trouble, runs cycles through the real adapters over HTTP on
 * virtual time (one hour per cycle), prints each cycle's plan, and ends with
 * what the emulator's records show. Exit code 0 means the pool converged and
 * no lease makemac does not own was touched.
 */
import { HOST_POLICY_DEFAULTS, plan, type Config } from '@makemac/core';
import { seedTroubledPool, startEmulator, type Emulator, type SeededLease } from '@makemac/emulator';
import { createMacServiceClient } from '@makemac/macservice';
import { createMemoryPendingStore, reconcileOnce, type CycleReport } from '@makemac/runtime';
import { createSwarmingClient, staticToken } from '@makemac/swarming';
import { Command, Option } from 'commander';
import { pino, type Logger } from 'pino';

import type { ExitCodeSink } from '../cli.js';
import { auditEmulator, type DemoAudit } from '../demo/audit.js';
import { defaultConfigPath } from '../demo/default-config.js';
import { renderDemoJson, renderDemoSummary, renderCycle, type CycleRecord } from '../demo/render.js';
import { createDemoSecretResolver } from '../demo/secrets.js';
import { ExitCode } from '../errors.js';
import { loadConfig } from '../input/config.js';
import type { CliIo } from '../io.js';
import { OUTPUT_FORMATS, parseInteger, type OutputFormat } from '../options.js';
import { isConverged } from '../render/json.js';

/** Option values of `makemac demo`. */
interface DemoOptions {
  readonly config?: string;
  readonly seed: number;
  readonly maxCycles: number;
  readonly output: OutputFormat;
  readonly verbose?: boolean;
}

/** Virtual time between two cycles, the default period of `makemac run`. */
export const DEMO_CYCLE_PERIOD_MS = 3_600_000;

/** Default maximum number of cycles the demo runs. */
export const DEFAULT_MAX_CYCLES = 12;

/** Connects the real adapters to the emulator with its fake credentials. */
const connectToEmulator = (emulator: Emulator) => ({
  macService: createMacServiceClient({ apiKey: emulator.apiKey, baseUrl: emulator.macServiceUrl }),
  swarming: createSwarmingClient({
    tokenProvider: staticToken(emulator.token),
    serviceUrls: Object.fromEntries(emulator.swarmingHosts.map((entry) => [entry.host, entry.url])),
  }),
});

const demoLogger = (io: CliIo, verbose: boolean): Logger =>
  verbose ? pino({ level: 'info', base: { name: 'makemac-demo' } }, { write: (line: string) => io.stderr(line) }) : pino({ level: 'silent' });

/** Tells whether a cycle ends the demo: nothing to vacate, drain or create, every group at count, nothing failed. */
const cycleConverged = (report: CycleReport): boolean =>
  report.plan !== undefined && isConverged(report.plan) && report.summary.failed === 0 && report.listingErrors.length === 0;

interface DemoRun {
  readonly cycles: readonly CycleRecord[];
  readonly converged: boolean;
  readonly interrupted: boolean;
}

const runCycles = async (
  emulator: Emulator,
  config: Config,
  options: DemoOptions,
  io: CliIo,
): Promise<DemoRun> => {
  const services = connectToEmulator(emulator);
  const deps = {
    ...services,
    resolveSecret: createDemoSecretResolver(),
    now: () => emulator.clock.now(),
    logger: demoLogger(io, options.verbose === true),
    pending: createMemoryPendingStore(),
    planner: plan,
  };
  const cycles: CycleRecord[] = [];

  for (let cycle = 1; cycle <= options.maxCycles; cycle += 1) {
    if (io.shutdown.aborted) return { cycles, converged: false, interrupted: true };

    const report = await reconcileOnce(deps, { config, signal: io.shutdown });
    const record: CycleRecord = { cycle, report, converged: cycleConverged(report) };
    cycles.push(record);
    if (options.output === 'table') io.stdout(renderCycle(record));

    if (record.converged) return { cycles, converged: true, interrupted: false };
    // New leases boot within minutes of virtual time, so by the next cycle their bots are listed.
    emulator.clock.advance(DEMO_CYCLE_PERIOD_MS);
  }
  return { cycles, converged: false, interrupted: io.shutdown.aborted };
};

/** Tells whether the audit found every lease makemac must leave alone untouched. */
const leftAloneOk = (audit: DemoAudit): boolean => audit.untouched.every((check) => check.touchedBy.length === 0);

/** The sanity-gate threshold the demo uses with the built-in configuration. */
const DEMO_SANITY_GATE_PERCENT = 50;

/**
 * Raises the sanity gate of every host to {@link DEMO_SANITY_GATE_PERCENT}.
 * The seeded trouble leaves almost half of the smaller host's leases dead or
 * never connected, which the default 20 % gate rightly reads as a bad listing
 * and holds forever; the demo wants to show those leases replaced.
 */
const relaxSanityGate = (config: Config): Config => ({
  ...config,
  swarmingHosts: config.swarmingHosts.map((host) => ({
    ...host,
    policy: {
      ...(host.policy ?? HOST_POLICY_DEFAULTS),
      sanityGateThreshold: { _tag: 'Percent', percent: DEMO_SANITY_GATE_PERCENT },
    },
  })),
});

const runDemo = async (command: Command, io: CliIo, setExitCode: ExitCodeSink): Promise<void> => {
  const options = command.opts<DemoOptions>();
  const configPath = options.config ?? defaultConfigPath();
  const loaded = await loadConfig(configPath, io.cwd);
  const config = options.config === undefined ? relaxSanityGate(loaded) : loaded;

  const emulator = await startEmulator({
    seed: options.seed,
    swarmingHosts: config.swarmingHosts.map((host) => ({ host: host.host, pool: host.pool })),
  });
  try {
    const seeded: readonly SeededLease[] = seedTroubledPool(emulator, {
      swarmingHosts: config.swarmingHosts,
      customer: config.customer,
      projectPrefix: config.projectPrefix,
    }).leases;
    if (options.output === 'table') {
      io.stdout(`makemac demo: ${configPath}, emulator seed ${options.seed}, ${seeded.length} seeded leases\n`);
      if (options.config === undefined) {
        io.stdout(
          `The seeded trouble breaks almost half of one host's leases, so the demo raises the sanity gate from 20 % to ${DEMO_SANITY_GATE_PERCENT} %.\n`,
        );
      }
      io.stdout('\n');
    }

    const run = await runCycles(emulator, config, options, io);
    const audit = auditEmulator(emulator, config, seeded);
    const summary = { configPath, seed: options.seed, maxCycles: options.maxCycles, seeded, ...run, audit };
    io.stdout(options.output === 'json' ? renderDemoJson(summary) : renderDemoSummary(summary));

    if (!run.converged || !leftAloneOk(audit)) setExitCode(ExitCode.Failure);
  } finally {
    await emulator.stop();
  }
};

/** Builds the `demo` subcommand. */
export const demoCommand = (io: CliIo, setExitCode: ExitCodeSink): Command =>
  new Command('demo')
    .description(
      'Run makemac against the built-in emulator: seed a production-shaped pool with trouble, reconcile one ' +
        'virtual hour per cycle until it converges, and verify from the emulator that only makemac leases were touched. ' +
        'Needs no credentials and no network besides 127.0.0.1.',
    )
    .addOption(new Option('--config <file>', 'makemac configuration (default: examples/config/production.json, the production-shaped pool, with the sanity gate raised to 50 %)'))
    .addOption(new Option('--seed <n>', 'seed of the emulator').default(1).argParser(parseInteger('--seed', 0)))
    .addOption(
      new Option('--max-cycles <n>', 'cycles to run at most before giving up')
        .default(DEFAULT_MAX_CYCLES)
        .argParser(parseInteger('--max-cycles', 1, 1000)),
    )
    .addOption(new Option('--output <format>', 'output form').choices(OUTPUT_FORMATS).default('table'))
    .option('--verbose', 'write the runtime logs (pino JSON lines) to standard error')
    .action(async (_options: unknown, self: Command) => runDemo(self, io, setExitCode));
