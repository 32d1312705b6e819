/**
 * End-to-end tests of `makemac plan` (live) and `makemac run` through the
 * built CLI against an emulator started here: dry runs change nothing, a
 * failed listing leads to no vacate, and SIGTERM mid-cycle loses nothing.
 */
import type { ChildProcess } from 'node:child_process';

import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { GrpcCode, type Emulator } from '@makemac/emulator';

import { requireBuiltCli, runCliProcess, writeRelaxedGateConfig } from './cli-process.js';

const RELAXED_GATE_CONFIG = writeRelaxedGateConfig();
import { leaseIdOf, liveEnv, liveFlags, mutatingEntries, startSeededEmulator, virtualNow } from './emulator-harness.js';

interface PlanJson {
  readonly actions: readonly { readonly type: string; readonly leaseId?: string; readonly swarmingHost: string }[];
  readonly warnings: readonly { readonly code: string; readonly swarmingHost: string | null }[];
}

let emulator: Emulator | undefined;

beforeAll(() => {
  requireBuiltCli();
});

afterEach(async () => {
  await emulator?.stop();
  emulator = undefined;
});

const livePlan = async (target: Emulator): Promise<{ code: number | null; plan: PlanJson; stderr: string }> => {
  const result = await runCliProcess(
    ['plan', '--config', RELAXED_GATE_CONFIG, '--output', 'json', '--now', virtualNow(target), ...liveFlags(target)],
    { env: liveEnv(target) },
  );
  return { code: result.code, plan: JSON.parse(result.stdout) as PlanJson, stderr: result.stderr };
};

const parseLogLines = (stdout: string): Record<string, unknown>[] =>
  stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('makemac run against the emulator', () => {
  it('sends nothing mutating on a dry run', async () => {
    const seeded = await startSeededEmulator();
    emulator = seeded.emulator;

    const result = await runCliProcess(['run', '--config', RELAXED_GATE_CONFIG, '--once', '--dry-run', ...liveFlags(emulator)], {
      env: liveEnv(emulator),
    });

    expect(result.code).toBe(0);
    const endpoints = emulator.requestLog.entries().map((entry) => entry.endpoint);
    expect(endpoints).toContain('leases:find');
    expect(endpoints).toContain('ListBots');
    expect(mutatingEntries(emulator)).toEqual([]);
    // Logs are pino JSON lines on stdout.
    const lines = parseLogLines(result.stdout);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((line) => typeof line.level === 'number' && typeof line.msg === 'string')).toBe(true);
  });

  it('vacates nothing when a listing fails', async () => {
    const seeded = await startSeededEmulator();
    emulator = seeded.emulator;
    const failedHost = 'chrome-swarming.appspot.com';

    // Without the fault the troubled pool needs vacates on both hosts.
    const healthy = await livePlan(emulator);
    expect(healthy.code).toBe(0);
    expect(healthy.plan.actions.filter((action) => action.type === 'vacate' && action.swarmingHost === failedHost).length).toBeGreaterThan(0);

    emulator.faults.add({
      server: 'swarming',
      endpoint: 'ListBots',
      swarmingHost: failedHost,
      action: { _tag: 'GrpcError', code: GrpcCode.PERMISSION_DENIED, message: 'denied by the test' },
    });

    const planned = await livePlan(emulator);
    expect(planned.code).toBe(1);
    expect(planned.stderr).toContain(failedHost);
    expect(planned.plan.warnings.some((warning) => warning.code === 'listing-failed' && warning.swarmingHost === failedHost)).toBe(true);
    expect(planned.plan.actions.filter((action) => action.type === 'vacate' && action.swarmingHost === failedHost)).toEqual([]);

    emulator.requestLog.clear();
    const run = await runCliProcess(['run', '--config', RELAXED_GATE_CONFIG, '--once', ...liveFlags(emulator)], {
      env: liveEnv(emulator),
    });
    expect(run.code).toBe(1);
    expect(emulator.requestLog.entries().some((entry) => entry.endpoint === 'ListBots' && entry.grpcCode === GrpcCode.PERMISSION_DENIED)).toBe(true);
    expect(mutatingEntries(emulator).filter((entry) => entry.endpoint === 'leases:vacate')).toEqual([]);
  });

  it('loses nothing on SIGTERM mid-cycle', async () => {
    const seeded = await startSeededEmulator({ latencyMs: 150 });
    emulator = seeded.emulator;
    const target = emulator;

    const before = await livePlan(target);
    const plannedVacates = new Set(before.plan.actions.filter((action) => action.type === 'vacate').map((action) => action.leaseId));
    const plannedActions = before.plan.actions.length;
    expect(plannedVacates.size).toBeGreaterThan(0);
    target.requestLog.clear();

    let signalled = false;
    const result = await runCliProcess(['run', '--config', RELAXED_GATE_CONFIG, '--period', '1h', '--concurrency', '2', ...liveFlags(target)], {
      env: liveEnv(target),
      timeoutMs: 60_000,
      onSpawn: (child) => {
        // Send SIGTERM as soon as the first mutating request has arrived.
        const timer = setInterval(() => {
          if (!signalled && mutatingEntries(target).length > 0) {
            signalled = true;
            clearInterval(timer);
            child.kill('SIGTERM');
          }
        }, 20);
        child.on('close', () => clearInterval(timer));
      },
    });

    expect(signalled).toBe(true);
    expect(result.code).toBe(0);

    const sent = mutatingEntries(target);
    // It stopped mid-cycle: fewer calls than the plan had actions.
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.length).toBeLessThan(plannedActions);
    // Every call it started got its response, so nothing was abandoned half-way.
    expect(sent.every((entry) => entry.status === 200)).toBe(true);
    // Every vacate it sent was planned.
    for (const entry of sent.filter((request) => request.endpoint === 'leases:vacate')) {
      expect(plannedVacates.has(leaseIdOf(entry))).toBe(true);
    }
    // Every seeded lease that was not planned for a vacate still exists.
    for (const lease of seeded.pool.leases) {
      if (!plannedVacates.has(lease.leaseId)) {
        expect(target.fleet.lease(lease.leaseId), lease.leaseId).toBeDefined();
      }
    }
    expect(parseLogLines(result.stdout).some((line) => line.msg === 'reconcile loop stopped')).toBe(true);
  });

  it('stops on SIGINT between cycles', async () => {
    const seeded = await startSeededEmulator();
    emulator = seeded.emulator;

    let signalled = false;
    let running: ChildProcess | undefined;
    const result = await runCliProcess(['run', '--config', RELAXED_GATE_CONFIG, '--period', '1h', ...liveFlags(emulator)], {
      env: liveEnv(emulator),
      timeoutMs: 30_000,
      onStdout: (_chunk, all) => {
        // The first cycle is over; the loop now waits an hour for the next one.
        if (!signalled && all.includes('"msg":"reconcile cycle finished"')) {
          signalled = true;
          setTimeout(() => running?.kill('SIGINT'), 200);
        }
      },
      onSpawn: (child) => {
        running = child;
      },
    });

    expect(signalled).toBe(true);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('SIGINT received');
    const lines = parseLogLines(result.stdout);
    expect(lines.filter((line) => line.msg === 'reconcile cycle finished')).toHaveLength(1);
    expect(lines.at(-1)?.msg).toBe('reconcile loop stopped');
  });
});
