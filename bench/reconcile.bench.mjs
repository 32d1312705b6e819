// Benchmarks one reconcile cycle (`reconcileOnce` from the built
// @makemac/runtime) through the real MacService and Swarming adapters over
// HTTP against the emulator, which delays every request of both services
// by 20 ms. The pool has N managed leases (N = 100 and 1000) on two
// swarming hosts. Each lease has a live idle bot and 22 h left, so the plan is
// N renewals and nothing else. Each cycle runs at concurrency 8 (the runtime's
// default) and at concurrency 1 (one call at a time, as Go makemac works).
//
// Lower bound of a cycle: the listing rounds plus the renew rounds, times the
// latency, `(listingRounds + ceil(N / c)) * 20 ms`. `find` and the ListBots
// listings run concurrently, so the listing takes as many rounds as the
// longest of them: 1 for `find`, and for each host one round per ListBots
// page, counted from the adapter's page events. The bound uses these computed
// rounds because they do not depend on machine speed. The read phase is also
// timed on its own (median of 5 reads) and printed for context.
//
// Targets: every cycle within 1.3 x its lower bound, and concurrency 8 at
// least 6 x faster than concurrency 1 for each N. Each (N, concurrency) runs
// 3 times on a fresh emulator with the same seed, and the median counts.
//
// The emulator runs in a child process, as a real service would run
// elsewhere, so its request handling does not share this event loop. The
// "client cpu" column is the CPU time of this process per renewal, which
// shows per-call overhead in the runtime and adapters independently of the
// latency. As a control, the same N renew requests are also sent with plain
// `node:http` and a keep-alive agent at concurrency 8, with no adapter and no
// runtime. That time is the floor this machine allows, so a cycle ratio far
// above the floor's ratio points at the runtime or the adapters, and a floor
// ratio above the target points at the machine.
//
// Usage: `pnpm bench` (builds first), or after
// `pnpm --filter "./packages/**" build`: `node bench/run.mjs reconcile` or
// `node --expose-gc bench/reconcile.bench.mjs`.
// Prints PASS/FAIL per target and exits non-zero on a FAIL.
import { fork } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

import { decodeConfig, plan } from '@makemac/core';
import { startEmulator } from '@makemac/emulator';
import { buildRenewRequest, createMacServiceClient, encodeRenewRequest } from '@makemac/macservice';
import { readServices, reconcileOnce } from '@makemac/runtime';
import { createSwarmingClient, staticToken } from '@makemac/swarming';

// pino is a dependency of the runtime, not of the workspace root, so it is
// loaded from the runtime's own folder.
const requireFromRuntime = createRequire(fileURLToPath(import.meta.resolve('@makemac/runtime')));
const { pino } = requireFromRuntime('pino');

const HOUR = 3_600_000;
const LATENCY_MS = 20;
const POOL_SIZES = [100, 1000];
const CONCURRENCIES = [8, 1];
const RUNS = 3;
const READ_PHASE_SAMPLES = 5;
const SEED = 11;
const TIME_LEFT = 22 * HOUR;
const CHILD_FLAG = '--emulator-process';
const FLOOR_CONCURRENCY = 8;

const TARGET_SPEEDUP = 6;
const TARGET_BOUND_RATIO = 1.3;

const HOSTS = [
  { host: 'chromium-swarm.appspot.com', pool: 'luci.golang.shared-workers', hostname: 'darwin-arm64-15' },
  { host: 'chrome-swarming.appspot.com', pool: 'luci.golang.security-try-workers', hostname: 'darwin-arm64-15-security' },
];
const IMAGE = '203520220bdfe6b42592d2ae731c9cb985768c701c569ff1bc572d1573e63ad6';

/** Returns how many of the N leases go to each host, in host order. */
const leasesPerHost = (poolSize) =>
  HOSTS.map((_host, index) => Math.floor(poolSize / HOSTS.length) + (index < poolSize % HOSTS.length ? 1 : 0));

// ---------------------------------------------------------------------------
// The emulator process. It runs one seeded emulator at a time and handles
// the parent's `start`, `check` and `stop` messages in order.

/** Starts an emulator with the latency on both services and seeds N leases with live idle bots. */
const startSeededEmulator = async (poolSize, projectPrefix) => {
  const emulator = await startEmulator({
    seed: SEED,
    latencyMs: LATENCY_MS,
    swarmingHosts: HOSTS.map((entry) => ({ host: entry.host, pool: entry.pool })),
  });

  const expires = emulator.clock.now() + TIME_LEFT;
  const counts = leasesPerHost(poolSize);
  HOSTS.forEach((entry, index) => {
    for (let lease = 0; lease < counts[index]; lease += 1) {
      // 'now' registers the lease's bot at once, live and idle.
      emulator.fleet.addLease({
        projectName: `${projectPrefix}/${entry.host}`,
        image: IMAGE,
        expires,
        metadata: { 'golang.swarming': entry.host, 'golang.hostname': entry.hostname },
        boot: 'now',
      });
    }
  });
  return emulator;
};

/** Counts what the emulator saw and holds, for the parent's checks. */
const inspect = (emulator, renewDuration) => {
  const entries = emulator.requestLog.entries();
  const renewedUntil = emulator.clock.now() + renewDuration;
  return {
    requests: entries.length,
    renewRequests: entries.filter((entry) => entry.endpoint === 'leases:renew').length,
    notOk: entries.filter((entry) => entry.status !== 200).map((entry) => `${entry.endpoint} ${entry.status}`),
    leases: emulator.fleet.leases().length,
    leasesNotRenewed: emulator.fleet.leases().filter((lease) => lease.expires !== renewedUntil).length,
    liveIdleBots: HOSTS.flatMap((entry) => emulator.fleet.bots(entry.host)).filter(
      (bot) => !bot.isDead && bot.taskId === undefined,
    ).length,
  };
};

const serveEmulators = () => {
  let emulator;
  process.on('message', async (message) => {
    try {
      switch (message.type) {
        case 'start': {
          emulator = await startSeededEmulator(message.poolSize, message.projectPrefix);
          process.send({
            type: 'started',
            macServiceUrl: emulator.macServiceUrl,
            swarmingUrls: Object.fromEntries(HOSTS.map((entry) => [entry.host, emulator.swarmingUrl(entry.host)])),
            apiKey: emulator.apiKey,
            token: emulator.token,
            now: emulator.clock.now(),
            leaseIds: emulator.fleet.leases().map((lease) => lease.leaseId),
            ...inspect(emulator, message.renewDuration),
          });
          break;
        }
        case 'check':
          process.send({ type: 'checked', ...inspect(emulator, message.renewDuration) });
          break;
        case 'stop':
          await emulator?.stop();
          emulator = undefined;
          process.send({ type: 'stopped' });
          break;
        case 'exit':
          process.exit(0);
      }
    } catch (error) {
      process.send({ type: 'error', message: error instanceof Error ? error.stack : String(error) });
    }
  });
};

// ---------------------------------------------------------------------------
// The benchmark process.

/** Sends one message to the emulator process and waits for its reply. */
const ask = (child, message) =>
  new Promise((resolve, reject) => {
    const onExit = (code) => reject(new Error(`the emulator process exited with code ${code}`));
    child.once('exit', onExit);
    child.once('message', (reply) => {
      child.off('exit', onExit);
      if (reply.type === 'error') reject(new Error(`the emulator process failed: ${reply.message}`));
      else resolve(reply);
    });
    child.send(message);
  });

/** Decodes a configuration whose counts equal the seeded leases, so nothing is created or vacated. */
const makeConfig = (poolSize) => {
  const counts = leasesPerHost(poolSize);
  const decoded = decodeConfig({
    swarmingHosts: HOSTS.map((entry, index) => ({
      host: entry.host,
      pool: entry.pool,
      images: [
        {
          hostname: entry.hostname,
          image: IMAGE,
          count: counts[index],
          cert: `env:BENCH_CERT_${index}`,
          key: `env:BENCH_KEY_${index}`,
        },
      ],
    })),
  });
  if (decoded._tag === 'Left') {
    throw new Error(`the benchmark configuration is invalid: ${JSON.stringify(decoded.left)}`);
  }
  return decoded.right;
};

/** Builds both adapters for a started emulator, counting retries and ListBots pages per host. */
const makeAdapters = (started) => {
  const counters = { retries: [], pages: new Map() };

  const macService = createMacServiceClient({
    apiKey: started.apiKey,
    baseUrl: started.macServiceUrl,
    onEvent: (event) => {
      if (event.event === 'retry') counters.retries.push(`${event.endpoint} attempt ${event.attempt}`);
    },
  });
  const swarming = createSwarmingClient({
    tokenProvider: staticToken(started.token),
    serviceUrls: started.swarmingUrls,
    onEvent: (event) => {
      if (event._tag === 'Retry') counters.retries.push(`${event.method} on ${event.swarmingHost} attempt ${event.attempt}`);
      if (event._tag === 'Page') counters.pages.set(event.swarmingHost, (counters.pages.get(event.swarmingHost) ?? 0) + 1);
    },
  });
  return { macService, swarming, counters };
};

/** Rounds of the listing: `find` is one request, and each host's ListBots pages follow one another. */
const listingRounds = (pages) => Math.max(1, ...pages.values());

/** Starts a fresh seeded emulator, runs `body` against it and stops it. */
const withEmulator = async (child, config, poolSize, body) => {
  const started = await ask(child, {
    type: 'start',
    poolSize,
    projectPrefix: config.projectPrefix,
    renewDuration: config.renewDuration,
  });
  if (started.liveIdleBots !== poolSize || started.leases !== poolSize) {
    throw new Error(`seeding gave ${started.leases} leases and ${started.liveIdleBots} live idle bots, expected ${poolSize} of each`);
  }

  try {
    return await body(started);
  } finally {
    await ask(child, { type: 'stop' });
  }
};

// Any surprise stops the benchmark, because its numbers would then measure
// something other than N renewals.

/** Throws unless the actions are exactly N renewals. */
const requireRenewalsOnly = (actions, poolSize, where) => {
  const tags = new Map();
  for (const action of actions) tags.set(action._tag, (tags.get(action._tag) ?? 0) + 1);

  const renewals = tags.get('Renew') ?? 0;
  if (renewals !== poolSize || actions.length !== poolSize) {
    const counts = [...tags].map(([tag, count]) => `${count} ${tag}`).join(', ') || 'no actions';
    throw new Error(`${where}: the plan has ${counts}, expected exactly ${poolSize} Renew and nothing else`);
  }
};

/** Throws unless the cycle renewed every lease once, with no failure, skip or retry. */
const requireCleanCycle = (report, seen, counters, poolSize, label) => {
  if (report.plan === undefined) throw new Error(`${label}: the cycle planned nothing: ${report.reason}`);
  requireRenewalsOnly(report.plan.actions, poolSize, label);

  const { summary } = report;
  if (summary.renewed !== poolSize || summary.failed !== 0 || summary.skipped !== 0 || report.listingErrors.length > 0) {
    throw new Error(
      `${label}: expected ${poolSize} renewed and no failure, got ${JSON.stringify(summary)}; ` +
        `listing errors ${JSON.stringify(report.listingErrors)}`,
    );
  }
  if (counters.retries.length > 0) {
    throw new Error(`${label}: the adapters retried, so the timing includes backoff: ${counters.retries.join('; ')}`);
  }
  if (seen.renewRequests !== poolSize || seen.notOk.length > 0 || seen.leasesNotRenewed > 0) {
    throw new Error(
      `${label}: the emulator saw ${seen.renewRequests} renew requests, non-200 responses [${seen.notOk.join(', ')}] ` +
        `and ${seen.leasesNotRenewed} leases not renewed`,
    );
  }
};

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/**
 * Times the read phase alone (find and every ListBots, concurrently) and
 * checks that core's plan of that snapshot is N renewals.
 */
const probeReadPhase = (child, config, poolSize) =>
  withEmulator(child, config, poolSize, async (started) => {
    const { macService, swarming } = makeAdapters(started);
    const samples = [];
    let reading;
    for (let sample = 0; sample < READ_PHASE_SAMPLES; sample += 1) {
      const startedAt = performance.now();
      reading = await readServices(config, macService, swarming);
      samples.push(performance.now() - startedAt);
    }

    if (reading.leases._tag === 'Left' || reading.listingErrors.length > 0) {
      const reason = reading.leases.left?.reason ?? JSON.stringify(reading.listingErrors);
      throw new Error(`N=${poolSize}: the read phase failed: ${reason}`);
    }
    const snapshot = { now: started.now, leases: reading.leases.right, swarming: reading.swarming };
    requireRenewalsOnly(plan(config, snapshot).actions, poolSize, `N=${poolSize}, core plan of the seeded pool`);
    return median(samples);
  });

/** Runs one timed cycle on a fresh emulator and returns its wall time, client CPU time and listing rounds. */
const timeCycle = (child, config, poolSize, concurrency, label) =>
  withEmulator(child, config, poolSize, async (started) => {
    const { macService, swarming, counters } = makeAdapters(started);
    // The emulator's virtual clock does not move, so its start time is the time of the whole cycle.
    const deps = { macService, swarming, logger: pino({ level: 'silent' }), now: () => started.now };
    globalThis.gc?.();

    const cpuBefore = process.cpuUsage();
    const startedAt = performance.now();
    const report = await reconcileOnce(deps, { config, concurrency });
    const cycleMs = performance.now() - startedAt;
    const cpu = process.cpuUsage(cpuBefore);

    const seen = await ask(child, { type: 'check', renewDuration: config.renewDuration });
    requireCleanCycle(report, seen, counters, poolSize, label);
    return { cycleMs, cpuMs: (cpu.user + cpu.system) / 1000, rounds: listingRounds(counters.pages) };
  });

/** Sends one POST with `node:http` and resolves with the status once the whole response arrived. */
const postJson = (url, headers, body, agent) =>
  new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, { method: 'POST', agent, headers: { 'Content-Type': 'application/json', ...headers } }, (response) => {
      response.on('data', () => undefined);
      response.on('end', () => resolve(response.statusCode));
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });

/**
 * Times N renew requests sent with plain `node:http` at the given
 * concurrency, with the bodies the adapter would send, and returns the wall
 * time and the CPU time of this process.
 */
const timeRawRenewals = (child, config, poolSize, concurrency, label) =>
  withEmulator(child, config, poolSize, async (started) => {
    const agent = new Agent({ keepAlive: true });
    const url = `${started.macServiceUrl}leases:renew`;
    const headers = { 'x-goog-api-key': started.apiKey };
    const bodies = started.leaseIds.map((leaseId) => encodeRenewRequest(buildRenewRequest(leaseId, config.renewDuration)));
    const statuses = [];
    globalThis.gc?.();

    let next = 0;
    const worker = async () => {
      while (next < bodies.length) {
        const body = bodies[next];
        next += 1;
        statuses.push(await postJson(url, headers, body, agent));
      }
    };
    const cpuBefore = process.cpuUsage();
    const startedAt = performance.now();
    await Promise.all(Array.from({ length: concurrency }, worker));
    const wallMs = performance.now() - startedAt;
    const cpu = process.cpuUsage(cpuBefore);
    agent.destroy();

    const seen = await ask(child, { type: 'check', renewDuration: config.renewDuration });
    const notOk = statuses.filter((status) => status !== 200).length;
    if (notOk > 0 || seen.renewRequests !== poolSize || seen.leasesNotRenewed > 0) {
      throw new Error(`${label}: ${notOk} renew requests did not get 200, and ${seen.leasesNotRenewed} leases were not renewed`);
    }
    return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
  });

const formatMs = (ms) => ms.toFixed(0);
const pad = (text, width) => String(text).padStart(width);

/** Measures every (N, concurrency) pair and the `node:http` control, and returns their rows. */
const measure = async (child) => {
  // One discarded cycle, so the first measured run does not pay for JIT compilation.
  await timeCycle(child, makeConfig(100), 100, 8, 'warm-up');

  const rows = [];
  const floors = [];
  for (const poolSize of POOL_SIZES) {
    const config = makeConfig(poolSize);
    const readPhaseMs = await probeReadPhase(child, config, poolSize);

    const results = new Map(CONCURRENCIES.map((concurrency) => [concurrency, []]));
    const floorRuns = [];
    // Alternate the measurements run by run, so slow spells of the machine hit all of them.
    for (let run = 1; run <= RUNS; run += 1) {
      for (const concurrency of CONCURRENCIES) {
        const label = `N=${poolSize} c=${concurrency} run ${run}`;
        results.get(concurrency).push(await timeCycle(child, config, poolSize, concurrency, label));
      }
      floorRuns.push(await timeRawRenewals(child, config, poolSize, FLOOR_CONCURRENCY, `N=${poolSize} node:http run ${run}`));
    }
    floors.push({
      poolSize,
      wallMs: median(floorRuns.map((run) => run.wallMs)),
      cpuPerCallMs: median(floorRuns.map((run) => run.cpuMs)) / poolSize,
      boundMs: Math.ceil(poolSize / FLOOR_CONCURRENCY) * LATENCY_MS,
      runs: floorRuns.map((run) => run.wallMs),
    });

    for (const concurrency of CONCURRENCIES) {
      const runs = results.get(concurrency);
      const rounds = Math.max(...runs.map((run) => run.rounds));
      rows.push({
        poolSize,
        concurrency,
        cycleMs: median(runs.map((run) => run.cycleMs)),
        cpuPerCallMs: median(runs.map((run) => run.cpuMs)) / poolSize,
        boundMs: (rounds + Math.ceil(poolSize / concurrency)) * LATENCY_MS,
        readPhaseMs,
        rounds,
        runs: runs.map((run) => run.cycleMs),
      });
    }
  }
  return { rows, floors };
};

const printTable = (rows, floors) => {
  console.log('');
  console.log('     N  conc  cycle ms  bound ms  ratio  read ms  listing rounds  client cpu ms/renew  runs ms');
  for (const row of rows) {
    console.log(
      `${pad(row.poolSize, 6)}  ${pad(row.concurrency, 4)}  ${pad(formatMs(row.cycleMs), 8)}  ${pad(formatMs(row.boundMs), 8)}  ` +
        `${pad((row.cycleMs / row.boundMs).toFixed(2), 5)}  ${pad(formatMs(row.readPhaseMs), 7)}  ${pad(row.rounds, 14)}  ` +
        `${pad(row.cpuPerCallMs.toFixed(2), 19)}  ${row.runs.map(formatMs).join(' ')}`,
    );
  }
  console.log('');
  console.log(`control: N renew requests over node:http at concurrency ${FLOOR_CONCURRENCY}, without adapter or runtime`);
  console.log('     N  wall ms  bound ms  ratio  client cpu ms/renew  runs ms');
  for (const floor of floors) {
    console.log(
      `${pad(floor.poolSize, 6)}  ${pad(formatMs(floor.wallMs), 7)}  ${pad(formatMs(floor.boundMs), 8)}  ` +
        `${pad((floor.wallMs / floor.boundMs).toFixed(2), 5)}  ${pad(floor.cpuPerCallMs.toFixed(2), 19)}  ` +
        floor.runs.map(formatMs).join(' '),
    );
  }
  console.log('');
};

/** Prints PASS or FAIL per target and returns whether every target passed. */
const judge = (rows) => {
  let passed = true;
  const verdict = (pass, text) => {
    console.log(`${pass ? 'PASS' : 'FAIL'}  ${text}`);
    passed &&= pass;
  };

  for (const poolSize of POOL_SIZES) {
    const fast = rows.find((row) => row.poolSize === poolSize && row.concurrency === 8);
    const slow = rows.find((row) => row.poolSize === poolSize && row.concurrency === 1);
    const speedup = slow.cycleMs / fast.cycleMs;
    verdict(speedup >= TARGET_SPEEDUP, `N=${poolSize}: concurrency 8 is ${speedup.toFixed(2)}x faster than 1 (target >= ${TARGET_SPEEDUP}x)`);
  }
  for (const row of rows) {
    const ratio = row.cycleMs / row.boundMs;
    verdict(
      ratio <= TARGET_BOUND_RATIO,
      `N=${row.poolSize} c=${row.concurrency}: ${formatMs(row.cycleMs)} ms is ${ratio.toFixed(2)}x the lower bound ` +
        `${formatMs(row.boundMs)} ms (target <= ${TARGET_BOUND_RATIO}x)`,
    );
  }
  return passed;
};

const main = async () => {
  if (globalThis.gc === undefined) console.warn('note: run with --expose-gc so each cycle starts after a collection');
  console.log(
    `reconcile cycle, ${LATENCY_MS} ms latency per request on both services, median of ${RUNS} runs ` +
      `(node ${process.version}, ${availableParallelism()} cores, load average ${loadavg()[0].toFixed(2)} at the start)`,
  );

  const child = fork(fileURLToPath(import.meta.url), [CHILD_FLAG], { stdio: 'inherit' });
  let measured;
  try {
    measured = await measure(child);
  } finally {
    // A child that already died has no channel left, and its exit error is the one to report.
    if (child.connected) child.send({ type: 'exit' });
  }

  printTable(measured.rows, measured.floors);
  // Other processes on a small machine stretch every number here, so the load goes with them.
  console.log(`load average ${loadavg().map((load) => load.toFixed(2)).join(' ')} (1, 5 and 15 min) at the end`);
  process.exit(judge(measured.rows) ? 0 : 1);
};

if (process.argv.includes(CHILD_FLAG)) {
  serveEmulators();
} else {
  await main();
}
