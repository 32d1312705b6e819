// Benchmarks plan() from the built @makemac/core on synthetic fleets of 1k,
// 10k, 100k and 1M leases, and compares it with JSON.parse of the same
// snapshot in wire form (one leases:find body plus ListBots pages of 1000
// bots). Targets: plan(100k) <= 150 ms, plan(1M) <= 12 x plan(100k), and
// plan <= 0.5 x JSON.parse at 100k and 1M. The 1M case runs in a child
// process with --max-old-space-size=1536, so finishing proves the old space
// never needed more than 1.5 GiB.
//
// Usage: `pnpm bench` (builds first), or after `pnpm --filter @makemac/core build`:
// `node --expose-gc bench/plan.bench.mjs`. Prints PASS/FAIL per target and
// exits non-zero on a FAIL.
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { PerformanceObserver, constants as performanceConstants } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

import { plan } from '@makemac/core';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const NOW = Date.parse('2026-03-09T12:00:00.000Z');
const PAGE_SIZE = 1000;
const CHILD_FLAG = '--child-1m';
const CHILD_HEAP_MIB = 1536;

const TARGET_PLAN_100K_MS = 150;
const TARGET_SCALING = 12;
const TARGET_PARSE_RATIO = 0.5;

// ---------------------------------------------------------------------------
// A production-shaped configuration: two hosts, six images each.

const IMAGES = [
  ['darwin-amd64-12', 'f48c5538d2ac7b91c592dcce18f247e3aad70503558f92b41bdc010f2c8728a9', 5, 4],
  ['darwin-amd64-13', '3baa47241c34feeb46318f3e9f1f5ce26d79994088179ab8d6d60a1183bbacfe', 10, 4],
  ['darwin-amd64-14', 'b16a8a5f2d1e383667c3764d915551f4af56d63edd0679539703688a6b9f6754', 20, 7],
  ['darwin-arm64-14', 'edbf519386cb968127d9e682ac5bbc9ca9fbc9b8e8657bade9488089bb842405', 7, 3],
  ['darwin-arm64-15', '203520220bdfe6b42592d2ae731c9cb985768c701c569ff1bc572d1573e63ad6', 7, 3],
  ['darwin-arm64-26', 'b39d12df6bb6702c4ea1ae1d061b9964eb5912b514f073ece0fc5fd0bedec0cb', 7, 3],
];
const HOSTS = [
  { host: 'chromium-swarm.appspot.com', pool: 'luci.golang.shared-workers', suffix: '', column: 2 },
  { host: 'chrome-swarming.appspot.com', pool: 'luci.golang.security-try-workers', suffix: '-security', column: 3 },
];
const OBSOLETE_IMAGE = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

/** Scales the production counts so the configured total is about `managed` leases. */
const makeConfig = (managed) => {
  const productionTotal = IMAGES.reduce((sum, row) => sum + row[2] + row[3], 0);
  const factor = managed / productionTotal;
  return {
    customer: 'golang',
    projectPrefix: 'makemac',
    createDuration: 24 * HOUR,
    renewDuration: 23 * HOUR,
    profile: 'V1_MEDIUM_VM',
    accessLevel: 'GOLANG_OSS',
    swarmingHosts: HOSTS.map((host) => ({
      host: host.host,
      pool: host.pool,
      images: IMAGES.map((row) => ({
        hostname: row[0] + host.suffix,
        cert: `secret:symbolic-datum-552/${row[0]}${host.suffix}-cert`,
        key: `secret:symbolic-datum-552/${row[0]}${host.suffix}-key`,
        image: row[1],
        count: Math.round(row[host.column] * factor),
      })),
    })),
  };
};

// ---------------------------------------------------------------------------
// Synthetic fleets. A seeded generator keeps every run identical.

const makeRandom = (seed) => {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4_294_967_296;
  };
};

const hex = (random, digits) => {
  let text = '';
  for (let index = 0; index < digits; index += 1) text += '0123456789abcdef'[Math.floor(random() * 16)];
  return text;
};

/**
 * Returns a flat copy of a string. Strings built by concatenation are ropes
 * in V8, while JSON.parse returns flat strings, and the snapshot should look
 * like decoded wire data.
 */
const flat = (text) => JSON.parse(JSON.stringify(text));

const makeLeaseId = (random) => flat(`${hex(random, 8)}-${hex(random, 4)}-4${hex(random, 3)}-a${hex(random, 3)}-${hex(random, 12)}`);

/**
 * The mix of lease states, as cumulative shares. Most leases have a live bot
 * (idle or busy) and a renewal due, and the rest cover every other rule.
 */
const STATES = [
  ['idle', 0.62],
  ['busy', 0.8],
  ['quarantined', 0.81],
  ['dead', 0.84],
  ['missing', 0.86],
  ['booting', 0.89],
  ['obsolete', 0.91],
  ['other-host', 0.92],
  ['unmanaged', 0.96],
  ['foreign-host', 0.97],
  ['not-due', 1],
];

const pickState = (random) => {
  const roll = random();
  for (const [state, cumulative] of STATES) if (roll < cumulative) return state;
  return 'idle';
};

/**
 * Builds a snapshot of `size` leases and the bots that go with them, plus
 * dead bots of leases that no longer exist (5 % of the size), listed per
 * host in bot id order as ListBots returns them.
 */
const makeFleet = (size, seed) => {
  const random = makeRandom(seed);
  const config = makeConfig(Math.round(size * 0.88));
  const leases = [];
  const botsByHost = new Map(HOSTS.map((host) => [host.host, []]));

  for (let index = 0; index < size; index += 1) {
    const state = pickState(random);
    const hostIndex = random() < 0.7 ? 0 : 1;
    const host = HOSTS[hostIndex];
    const row = IMAGES[Math.floor(random() * IMAGES.length)];
    const hostname = row[0] + host.suffix;
    const leaseId = makeLeaseId(random);

    let projectName = `makemac/${host.host}`;
    if (state === 'unmanaged') projectName = random() < 0.5 ? 'makemac' : 'other-team/ci';
    if (state === 'foreign-host') projectName = 'makemac/retired-swarm.appspot.com';

    const booting = state === 'booting';
    let remaining = 21 * HOUR + Math.floor(random() * 2 * HOUR);
    if (booting) remaining = 23 * HOUR + Math.floor(random() * HOUR);
    if (state === 'not-due') remaining = 23 * HOUR - 1 + Math.floor(random() * 2 * MINUTE);
    leases.push({
      leaseId,
      projectName: flat(projectName),
      image: state === 'obsolete' ? OBSOLETE_IMAGE : row[1],
      expires: NOW + remaining,
      metadata: { 'golang.swarming': host.host, 'golang.hostname': hostname, 'golang.cert': '[redacted]', 'golang.key': '[redacted]' },
    });

    if (state === 'missing' || booting) continue;
    const listingHost = state === 'other-host' ? HOSTS[1 - hostIndex].host : host.host;
    botsByHost.get(listingHost).push(makeBot(random, hostname, leaseId, state));
  }

  for (let index = 0; index < Math.round(size * 0.05); index += 1) {
    const host = HOSTS[index % HOSTS.length];
    botsByHost.get(host.host).push(makeBot(random, `darwin-amd64-13${host.suffix}`, makeLeaseId(random), 'dead'));
  }

  const swarming = HOSTS.map((host) => {
    const bots = botsByHost.get(host.host).sort((left, right) => (left.botId < right.botId ? -1 : 1));
    return { _tag: 'Listed', swarmingHost: host.host, bots, excluded: [] };
  });

  return { config, snapshot: { now: NOW, leases, swarming } };
};

// The bot's lease id is a string of its own, as when an adapter parses it out
// of the bot id. Sharing the lease's string would make comparisons unrealistically cheap.
const makeBot = (random, hostname, leaseId, state) => ({
  botId: flat(`${hostname}--${leaseId}.golang.c3.macservice.goog`),
  leaseId: flat(leaseId),
  isDead: state === 'dead',
  taskId: state === 'busy' ? hex(random, 16) : undefined,
  quarantined: state === 'quarantined',
  maintenanceMessage: undefined,
  firstSeen: NOW - 20 * HOUR,
  lastSeen: state === 'dead' ? NOW - 3 * HOUR : NOW - 30_000,
  os: ['Mac', 'Mac-14', 'Mac-14.3'],
});

// ---------------------------------------------------------------------------
// The same snapshot in wire form.

/** Writes the leases:find response body for `leases[start..end)`, shaped like MacService's. */
const findBody = (leases, start, end) => {
  const instances = [];
  for (let index = start; index < end; index += 1) {
    const lease = leases[index];
    instances.push({
      lease: {
        leaseId: lease.leaseId,
        vmResourceNamespace: { customerName: 'golang', projectName: lease.projectName },
        expires: new Date(lease.expires).toISOString(),
      },
      instanceSpecification: {
        profile: 'V1_MEDIUM_VM',
        accessLevel: 'GOLANG_OSS',
        metadata: [
          { key: 'golang.swarming', value: lease.metadata['golang.swarming'] },
          { key: 'golang.hostname', value: lease.metadata['golang.hostname'] },
        ],
        diskSelection: { imageHashes: { bootSha256: lease.image } },
      },
    });
  }
  return JSON.stringify({ instances });
};

/** Writes one ListBots response page (pRPC JSON, after the `)]}'` prefix) for `bots[start..end)`. */
const listBotsPage = (bots, start, end, pool) => {
  const items = [];
  for (let index = start; index < end; index += 1) {
    const bot = bots[index];
    const item = {
      botId: bot.botId,
      externalIp: '203.0.113.7',
      authenticatedAs: `bot:${bot.botId}`,
      firstSeenTs: new Date(bot.firstSeen).toISOString(),
      lastSeenTs: new Date(bot.lastSeen).toISOString(),
      dimensions: [
        { key: 'id', value: [bot.botId] },
        { key: 'os', value: bot.os },
        { key: 'pool', value: [pool] },
      ],
      version: 'abc123',
      state: '{"ram":65}',
    };
    if (bot.isDead) item.isDead = true;
    if (bot.quarantined) item.quarantined = true;
    if (bot.taskId !== undefined) item.taskId = bot.taskId;
    items.push(item);
  }
  const page = { items, now: new Date(NOW).toISOString(), deathTimeout: 600 };
  if (end < bots.length) page.cursor = `cursor-${end}`;
  return JSON.stringify(page);
};

/**
 * The wire form of a snapshot, as JSON documents produced one at a time.
 * `findChunk` splits the leases:find body into several documents; only the
 * 1M case uses it, because one 400 MB body, its parsed form and the
 * snapshot would not fit together under the 1.5 GiB heap limit. JSON.parse
 * time is linear in the input, so the sum is comparable.
 */
function* wireDocuments(snapshot, findChunk = Infinity) {
  const leases = snapshot.leases;
  for (let start = 0; start < leases.length; start += findChunk) {
    yield findBody(leases, start, Math.min(leases.length, start + findChunk));
    if (findChunk === Infinity) break;
  }
  for (const listing of snapshot.swarming) {
    const pool = HOSTS.find((host) => host.host === listing.swarmingHost).pool;
    for (let start = 0; start < listing.bots.length; start += PAGE_SIZE) {
      yield listBotsPage(listing.bots, start, Math.min(listing.bots.length, start + PAGE_SIZE), pool);
    }
  }
}

// ---------------------------------------------------------------------------
// Timing.

const collectGarbage = () => globalThis.gc?.();

const median = (values) => {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.floor(sorted.length / 2)];
};

/** Garbage collections seen by the process, as { start, duration, major } records. */
const collections = [];

// Kept in a variable: an observer nothing refers to may itself be collected and stop reporting.
const gcObserver = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    collections.push({ start: entry.startTime, duration: entry.duration, major: entry.detail?.kind === performanceConstants.NODE_PERFORMANCE_GC_MAJOR });
  }
});
gcObserver.observe({ entryTypes: ['gc'] });

/** Lets the observer deliver the collections of the last run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

/**
 * Times `runs` calls of `work`, after `warmups` untimed calls, and returns
 * the median wall time with the garbage collection time of that same run.
 * Each timed call starts after a full collection, so it pays for the
 * collections its own allocations cause and none of the earlier ones.
 */
const time = async (work, warmups, runs) => {
  for (let index = 0; index < warmups; index += 1) work();
  const samples = [];
  for (let index = 0; index < runs; index += 1) {
    collectGarbage();
    await settle();
    const start = performance.now();
    work();
    const end = performance.now();
    await settle();

    const during = collections.filter((collection) => collection.start >= start && collection.start <= end);
    const gc = during.reduce((sum, collection) => sum + collection.duration, 0);
    const majorGc = during.filter((collection) => collection.major).reduce((sum, collection) => sum + collection.duration, 0);
    samples.push({ milliseconds: end - start, gc, majorGc });
  }
  return samples.sort((left, right) => left.milliseconds - right.milliseconds)[Math.floor(samples.length / 2)];
};

/** Times plan(); the previous run's plan is dropped first, so two plans never share the heap. */
const timePlan = async (config, snapshot, warmups, runs) => {
  let result;
  const sample = await time(() => {
    result = undefined;
    result = plan(config, snapshot);
  }, warmups, runs);
  return { ...sample, result };
};

/** Parse time of the wire documents, built once and parsed `runs` times. */
const timeParse = async (documents, warmups, runs) => {
  const sample = await time(() => {
    for (const document of documents) JSON.parse(document);
  }, warmups, runs);
  return sample.milliseconds;
};

/**
 * Parse time of wire documents that are built one at a time and dropped
 * after parsing; only JSON.parse is timed. Returns the median of `runs`
 * passes and the total size in characters.
 */
const timeParseStreaming = (snapshot, findChunk, runs) => {
  const samples = [];
  let characters = 0;
  for (let run = 0; run < runs; run += 1) {
    let elapsed = 0;
    characters = 0;
    for (const document of wireDocuments(snapshot, findChunk)) {
      characters += document.length;
      const start = performance.now();
      JSON.parse(document);
      elapsed += performance.now() - start;
    }
    samples.push(elapsed);
  }
  return { milliseconds: median(samples), characters };
};

const summarize = (size, result) => ({
  size,
  actions: result.actions.length,
  vacates: result.actions.filter((action) => action._tag === 'Vacate').length,
  drains: result.actions.filter((action) => action._tag === 'Drain').length,
  creates: result.actions.filter((action) => action._tag === 'Create').length,
});

const measureInProcess = async (size, warmups, runs) => {
  const { config, snapshot } = makeFleet(size, 0x5eed + size);
  const planned = await timePlan(config, snapshot, warmups, runs);
  const documents = [...wireDocuments(snapshot)];
  const wireBytes = documents.reduce((sum, document) => sum + document.length, 0);
  const parseMilliseconds = await timeParse(documents, warmups, runs);
  return {
    ...summarize(size, planned.result),
    planMilliseconds: planned.milliseconds,
    gcMilliseconds: planned.gc,
    majorGcMilliseconds: planned.majorGc,
    parseMilliseconds,
    wireBytes,
  };
};

/** Measures the 1M case inside the child process and prints one JSON line. */
const measureMillionInChild = async () => {
  const size = 1_000_000;
  const fleet = makeFleet(size, 0x5eed + size);
  let planned = await timePlan(fleet.config, fleet.snapshot, 1, 3);
  const heapUsedAfterPlan = process.memoryUsage().heapUsed;
  const summary = summarize(size, planned.result);
  const { milliseconds: planMilliseconds, gc: gcMilliseconds, majorGc: majorGcMilliseconds } = planned;
  planned = undefined;
  collectGarbage();

  const parsed = timeParseStreaming(fleet.snapshot, 100_000, 2);
  console.log(
    JSON.stringify({
      ...summary,
      planMilliseconds,
      gcMilliseconds,
      majorGcMilliseconds,
      heapUsedAfterPlan,
      parseMilliseconds: parsed.milliseconds,
      wireBytes: parsed.characters,
    }),
  );
};

const measureMillion = () => {
  const script = fileURLToPath(import.meta.url);
  const child = spawnSync(process.execPath, [`--max-old-space-size=${CHILD_HEAP_MIB}`, '--expose-gc', script, CHILD_FLAG], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (child.status !== 0) {
    return { size: 1_000_000, failed: `child exited with ${child.status ?? child.signal}: ${child.stderr.trim().split('\n').slice(-3).join(' | ')}` };
  }
  return JSON.parse(child.stdout.trim().split('\n').pop());
};

// ---------------------------------------------------------------------------
// Report.

const formatMs = (value) => {
  if (value === undefined) return '-';
  return value < 10 ? value.toFixed(2) : value.toFixed(1);
};
const formatSize = (size) => (size >= 1_000_000 ? `${size / 1_000_000}M` : `${size / 1000}k`);

/**
 * Times a fixed integer loop, so readers can tell a slow run from a slow
 * machine: shared virtual machines vary several-fold from hour to hour.
 */
const calibrate = () => {
  const start = performance.now();
  let sum = 0;
  for (let index = 0; index < 100_000_000; index += 1) sum += index & 7;
  return { milliseconds: performance.now() - start, sum };
};

const main = async () => {
  const before = calibrate();
  const rows = [
    await measureInProcess(1000, 20, 21),
    await measureInProcess(10_000, 5, 11),
    await measureInProcess(100_000, 3, 7),
    measureMillion(),
  ];
  const after = calibrate();

  console.log(`node ${process.version}, ${availableParallelism()} CPUs, ${new Date().toISOString()}`);
  console.log(`calibration: a 1e8-iteration integer loop took ${before.milliseconds.toFixed(0)} ms before and ${after.milliseconds.toFixed(0)} ms after`);
  console.log('| leases | plan (ms) | of which GC (ms) | of which major GC (ms) | JSON.parse of wire form (ms) | plan / parse | wire MB | actions |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const row of rows) {
    if (row.failed !== undefined) {
      console.log(`| ${formatSize(row.size)} | failed: ${row.failed} | | | | | | |`);
      continue;
    }
    const ratio = row.planMilliseconds / row.parseMilliseconds;
    console.log(
      `| ${formatSize(row.size)} | ${formatMs(row.planMilliseconds)} | ${formatMs(row.gcMilliseconds)} | ${formatMs(row.majorGcMilliseconds)} | ${formatMs(row.parseMilliseconds)} | ${ratio.toFixed(2)} | ${(row.wireBytes / 1e6).toFixed(0)} | ${row.actions} (${row.vacates} vacates, ${row.drains} drains, ${row.creates} creates) |`,
    );
  }

  const byName = new Map(rows.map((row) => [row.size, row]));
  const hundredK = byName.get(100_000);
  const million = byName.get(1_000_000);
  const checks = [
    [`plan(100k) = ${formatMs(hundredK.planMilliseconds)} ms <= ${TARGET_PLAN_100K_MS} ms`, hundredK.planMilliseconds <= TARGET_PLAN_100K_MS],
  ];
  if (million.failed === undefined) {
    const scaling = million.planMilliseconds / hundredK.planMilliseconds;
    checks.push([`plan(1M) / plan(100k) = ${scaling.toFixed(1)} <= ${TARGET_SCALING}`, scaling <= TARGET_SCALING]);
    checks.push([`1M planned within --max-old-space-size=${CHILD_HEAP_MIB} (heapUsed after plan ${(million.heapUsedAfterPlan / 2 ** 20).toFixed(0)} MiB)`, true]);
  } else {
    checks.push([`plan(1M) within --max-old-space-size=${CHILD_HEAP_MIB}: ${million.failed}`, false]);
  }
  for (const row of [hundredK, million]) {
    if (row.failed !== undefined) continue;
    const ratio = row.planMilliseconds / row.parseMilliseconds;
    checks.push([`plan / JSON.parse at ${formatSize(row.size)} = ${ratio.toFixed(2)} <= ${TARGET_PARSE_RATIO}`, ratio <= TARGET_PARSE_RATIO]);
  }

  let failed = 0;
  for (const [text, passed] of checks) {
    if (!passed) failed += 1;
    console.log(`${passed ? 'PASS' : 'FAIL'} ${text}`);
  }
  process.exitCode = failed > 0 ? 1 : 0;
};

if (process.argv.includes(CHILD_FLAG)) await measureMillionInChild();
else await main();
