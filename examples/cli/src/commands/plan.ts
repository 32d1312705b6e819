/**
 * `makemac plan`: prints the plan of one reconcile cycle without executing
 * it. Offline, it plans from captured `leases:find` and ListBots bodies;
 * live, it reads both services through the same adapters as `run`.
 */
import { plan as computePlan, type Config, type Plan, type Snapshot } from '@makemac/core';
import { readServices } from '@makemac/runtime';
import { Command, Option } from 'commander';
import * as E from 'fp-ts/lib/Either.js';

import type { ExitCodeSink } from '../cli.js';
import { ExitCode, runtimeFailure } from '../errors.js';
import { loadOfflineSnapshot } from '../input/captures.js';
import { loadConfig } from '../input/config.js';
import type { CliIo } from '../io.js';
import { OUTPUT_FORMATS, collectKeyValue, parseRfc3339, type KeyValue, type OutputFormat } from '../options.js';
import { renderPlanJson } from '../render/json.js';
import { renderPlanTable } from '../render/table.js';
import {
  addEndpointOptions,
  checkCredentialFlags,
  connectServices,
  explicitEndpointFlags,
  type EndpointOptions,
} from './endpoints.js';

/** Option values of `makemac plan`. */
interface PlanOptions extends EndpointOptions {
  readonly config: string;
  readonly leases?: string;
  readonly bots?: readonly KeyValue[];
  readonly now?: number;
  readonly output: OutputFormat;
}

/** Prints a plan in the requested form. */
export const printPlan = (io: CliIo, plan: Plan, output: OutputFormat): void => {
  switch (output) {
    case 'json':
      io.stdout(renderPlanJson(plan));
      return;
    case 'table':
      io.stdout(renderPlanTable(plan));
      return;
  }
};

const checkModeFlags = (command: Command, options: PlanOptions): 'offline' | 'live' => {
  const offline = options.leases !== undefined || options.bots !== undefined;
  if (!offline) return 'live';

  if (options.leases === undefined) {
    command.error('error: --bots needs --leases FILE with a captured leases:find body', { exitCode: ExitCode.Usage });
  }
  if (options.bots === undefined) {
    command.error('error: --leases needs --bots HOST=FILE for every configured swarming host', { exitCode: ExitCode.Usage });
  }

  const liveFlags = explicitEndpointFlags(command);
  if (liveFlags.length > 0) {
    command.error(`error: ${liveFlags.join(', ')} only apply when reading the live services; drop them or drop --leases and --bots`, {
      exitCode: ExitCode.Usage,
    });
  }
  return 'offline';
};

/** Reads both services and builds the snapshot; a failed `find` is a runtime failure. */
const readLiveSnapshot = async (
  config: Config,
  options: PlanOptions,
  io: CliIo,
): Promise<{ snapshot: Snapshot; failedHosts: readonly string[] }> => {
  const services = await connectServices(config, options, io);
  const reading = await readServices(config, services.macService, services.swarming);

  if (E.isLeft(reading.leases)) {
    throw runtimeFailure(`leases:find failed, so there is no plan: ${reading.leases.left.reason}`);
  }

  // The clock is read here, once, after both services responded.
  const now = options.now ?? Date.now();
  return {
    snapshot: { now, leases: reading.leases.right, swarming: reading.swarming },
    failedHosts: reading.listingErrors.map((error) => error.swarmingHost),
  };
};

const runPlan = async (command: Command, io: CliIo, setExitCode: ExitCodeSink): Promise<void> => {
  const options = command.opts<PlanOptions>();
  const mode = checkModeFlags(command, options);
  checkCredentialFlags(command);
  const config = await loadConfig(options.config, io.cwd);

  if (mode === 'offline') {
    const snapshot = await loadOfflineSnapshot(config, {
      leasesFile: options.leases ?? '',
      botsFiles: options.bots ?? [],
      now: options.now ?? Date.now(),
      cwd: io.cwd,
    });
    printPlan(io, computePlan(config, snapshot), options.output);
    return;
  }

  const { snapshot, failedHosts } = await readLiveSnapshot(config, options, io);
  printPlan(io, computePlan(config, snapshot), options.output);

  if (failedHosts.length > 0) {
    // The plan is still printed because it shows what is safe, and its warnings explain what is held back.
    io.stderr(`makemac: listing the bots of ${failedHosts.join(', ')} failed; see the warnings of the plan\n`);
    setExitCode(ExitCode.Failure);
  }
};

/** Builds the `plan` subcommand. */
export const planCommand = (io: CliIo, setExitCode: ExitCodeSink): Command => {
  const command = new Command('plan')
    .description(
      'Print the plan of one reconcile cycle without executing it. With --leases and --bots it plans offline ' +
        'from captured response bodies; otherwise it reads MacService and Swarming.',
    )
    .requiredOption('--config <file>', 'makemac configuration file (JSON)')
    .addOption(new Option('--leases <file>', 'captured leases:find response body (offline mode)'))
    .addOption(
      new Option(
        '--bots <host=file>',
        'captured ListBots response body, or a JSON array of pages, for one swarming host (offline mode; repeat for every configured host)',
      ).argParser(collectKeyValue('--bots', 'HOST', 'FILE')),
    )
    .addOption(
      new Option('--now <time>', 'RFC 3339 time to plan for, such as 2026-03-08T17:00:00Z (default: the current time)').argParser(
        parseRfc3339('--now'),
      ),
    )
    .addOption(new Option('--output <format>', 'output form').choices(OUTPUT_FORMATS).default('table'));

  addEndpointOptions(command);
  return command.action(async (_options: unknown, self: Command) => runPlan(self, io, setExitCode));
};
