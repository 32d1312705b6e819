/**
 * End-to-end tests of `makemac demo` and `makemac emulator` through the built
 * CLI. The demo's JSON output carries the raw list of mutating requests from
 * the emulator's log, so the checks here are made on that list, not on the
 * demo's own verdict.
 */
import { beforeAll, describe, expect, it } from 'vitest';

import { PRODUCTION_CONFIG, requireBuiltCli, runCliProcess } from './cli-process.js';
import { TOKEN_ENV } from './emulator-harness.js';

interface DemoJson {
  readonly converged: boolean;
  readonly cycles: readonly { readonly executed: { readonly vacated: number; readonly created: number } }[];
  readonly seededLeases: readonly { readonly leaseId: string; readonly kind: string }[];
  readonly hosts: readonly { readonly swarmingHost: string; readonly images: readonly { readonly have: number; readonly want: number }[] }[];
  readonly mutatingRequests: readonly { readonly endpoint: string; readonly leaseId: string | null }[];
}

beforeAll(() => {
  requireBuiltCli();
});

describe('makemac demo', () => {
  it('converges and leaves foreign leases alone', async () => {
    const result = await runCliProcess(['demo', '--output', 'json'], { cwd: '/' });

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const demo = JSON.parse(result.stdout) as DemoJson;
    expect(demo.converged).toBe(true);
    expect(demo.cycles.length).toBeLessThanOrEqual(12);

    // The trouble was repaired: something was vacated and created.
    expect(demo.cycles.reduce((sum, cycle) => sum + cycle.executed.vacated, 0)).toBeGreaterThan(0);
    expect(demo.cycles.reduce((sum, cycle) => sum + cycle.executed.created, 0)).toBeGreaterThan(0);

    expect(demo.hosts.map((host) => host.swarmingHost)).toEqual(['chromium-swarm.appspot.com', 'chrome-swarming.appspot.com']);
    for (const host of demo.hosts) {
      expect(host.images).toHaveLength(6);
      for (const image of host.images) expect(image.have).toBe(image.want);
    }

    const leftAlone = demo.seededLeases.filter((lease) => lease.kind === 'unmanaged' || lease.kind === 'foreign-host');
    expect(leftAlone.some((lease) => lease.kind === 'unmanaged')).toBe(true);
    expect(leftAlone.some((lease) => lease.kind === 'foreign-host')).toBe(true);
    const named = new Set(demo.mutatingRequests.map((request) => request.leaseId));
    for (const lease of leftAlone) expect(named.has(lease.leaseId), `${lease.kind} lease ${lease.leaseId}`).toBe(false);
    // The demo resolves fake PEM values for every create; none may be printed.
    expect(result.stdout).not.toContain('-----BEGIN');
  });

  it('fails when the cycles run out', async () => {
    const result = await runCliProcess(['demo', '--max-cycles', '1']);

    expect(result.code).toBe(1);
    expect(result.stdout).toContain('did not converge within 1 cycle');
  });

  it('prints a table per cycle', async () => {
    const result = await runCliProcess(['demo', '--seed', '2']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('== Cycle 1 at ');
    expect(result.stdout).toContain('Swarming host chrome-swarming.appspot.com');
    expect(result.stdout).toContain('unmanaged: 2 leases, untouched');
    expect(result.stdout).not.toContain('-----BEGIN');
  });
});

describe('makemac emulator', () => {
  it('serves until SIGTERM', async () => {
    let description: { macServiceUrl: string; swarming: { host: string; url: string }[]; now: string; apiKey: string; token: string } | undefined;
    let planned: Awaited<ReturnType<typeof runCliProcess>> | undefined;

    const emulator = await runCliProcess(['emulator', '--config', PRODUCTION_CONFIG, '--output', 'json', '--api-key', 'k-test', '--token', 't-test'], {
      onStdout: (_chunk, all) => {
        if (description !== undefined || !all.includes('\n')) return;
        description = JSON.parse(all.slice(0, all.indexOf('\n'))) as NonNullable<typeof description>;
      },
      onSpawn: (child) => {
        const timer = setInterval(() => {
          if (description === undefined) return;
          clearInterval(timer);
          const target = description;
          void runCliProcess(
            [
              'plan',
              '--config',
              PRODUCTION_CONFIG,
              '--output',
              'json',
              '--now',
              target.now,
              '--macservice-url',
              target.macServiceUrl,
              ...target.swarming.flatMap((entry) => ['--swarming-url', `${entry.host}=${entry.url}`]),
              '--swarming-token-env',
              TOKEN_ENV,
            ],
            { env: { MACSERVICE_API_KEY: target.apiKey, [TOKEN_ENV]: target.token } },
          )
            .then((result) => {
              planned = result;
            })
            .finally(() => child.kill('SIGTERM'));
        }, 20);
      },
    });

    expect(emulator.code).toBe(0);
    expect(description?.macServiceUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1alpha1\/$/);
    expect(description?.apiKey).toBe('k-test');
    expect(description?.token).toBe('t-test');
    expect(planned?.code).toBe(0);
    const plan = JSON.parse(planned?.stdout ?? '{}') as { decisions?: unknown[]; actions?: unknown[] };
    expect(plan.decisions?.length).toBeGreaterThan(0);
    expect(plan.actions?.length).toBeGreaterThan(0);
  });
});
