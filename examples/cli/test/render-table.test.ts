/**
 * Tests of the table form of a plan: layout, reasons in words, sections per
 * swarming host, the summary line and warnings at the end.
 */
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { REASON_PHRASES, renderPlanTable } from '../src/render/table.js';
import { HOST_FOREIGN, HOST_INTERNAL, HOST_PUBLIC, convergedPlan, mixedPlan } from './fixtures.js';

describe('table plan output', () => {
  it('renders a converged plan exactly', () => {
    expect(renderPlanTable(convergedPlan())).toBe(
      [
        'Plan for 2026-03-08T17:00:00.000Z',
        '',
        'Swarming host chromium-swarm.appspot.com',
        '  IMAGE         HOSTNAME         HAVE  WANT  CREATE  DEFERRED',
        '  f48c5538d2ac  darwin-amd64-12     2     2       0         0',
        '',
        '  LEASE    IMAGE         HOSTNAME         DECISION  REASON               DETAIL',
        '  lease-1  f48c5538d2ac  darwin-amd64-12  renew     renewal due          22h left',
        '  lease-2  f48c5538d2ac  darwin-amd64-12  keep      renewal not due yet  23h left',
        '',
        'Summary: vacate 0, drain 0, renew 1, create 0; keep 1, skip 0; 2 leases; the pool is at its configured counts.',
        '',
      ].join('\n'),
    );
  });

  it('orders sections configured hosts first', () => {
    const titles = renderPlanTable(mixedPlan())
      .split('\n')
      .filter((line) => line.startsWith('Swarming host') || line.startsWith('Leases without'));
    expect(titles).toEqual([
      `Swarming host ${HOST_PUBLIC}`,
      `Swarming host ${HOST_INTERNAL}`,
      `Swarming host ${HOST_FOREIGN} (not in the configuration)`,
      'Leases without a swarming host',
    ]);
  });

  it('lists leases by configured image order', () => {
    const leaseIds = renderPlanTable(mixedPlan())
      .split('\n')
      .map((line) => /^ {2}(lease-\w)\b/.exec(line)?.[1])
      .filter((id) => id !== undefined);
    // Image A leases (vacate before renew), then image B, then the obsolete image (vacate before drain).
    expect(leaseIds).toEqual(['lease-b', 'lease-c', 'lease-d', 'lease-z', 'lease-y', 'lease-i', 'lease-f', 'lease-u']);
  });

  it('writes reasons in words', () => {
    const text = renderPlanTable(mixedPlan());
    expect(text).toContain('  lease-b  f48c5538d2ac  darwin-amd64-12  vacate    the bot is dead ');
    expect(text).toContain('not managed by makemac');
    expect(text).toContain('swarming host not in the configuration');
    expect(text).not.toMatch(/\bbot-dead\b/);
  });

  it('ends with summary and warnings', () => {
    const lines = renderPlanTable(mixedPlan()).trimEnd().split('\n');
    expect(lines.slice(-6)).toEqual([
      'Summary: vacate 2, drain 1, renew 1, create 2; keep 2, skip 2; 8 leases; the pool is not at its configured counts yet.',
      '',
      'Warnings (2):',
      '  CODE             MESSAGE',
      `  listing-failed   listing bots of ${HOST_INTERNAL} failed: HTTP 503`,
      '  bot-id-unparsed  bot id "vm-17" names no lease',
    ]);
  });

  it('shows only vacates and drains when asked', () => {
    const text = renderPlanTable(mixedPlan(), { leases: 'vacates', detail: false });
    expect(text).toContain('  lease-b  f48c5538d2ac  darwin-amd64-12  vacate    the bot is dead\n');
    expect(text).toContain('lease-z');
    expect(text).toContain('  lease-y  0000aaaa1111  -                drain     image not configured for this host\n');
    expect(text).not.toContain('lease-c');
    expect(text).not.toContain('DETAIL');
    expect(text).not.toContain('Leases without a swarming host');
    expect(text).toContain('  b16a8a5f2d1e  darwin-amd64-14     1     3       1         1');
  });

  it('leaves no trailing spaces', () => {
    for (const line of renderPlanTable(mixedPlan()).split('\n')) {
      expect(line).toBe(line.trimEnd());
    }
  });

  it('documents every reason code', () => {
    const format = readFileSync(new URL('../../../docs/plan-format.md', import.meta.url), 'utf8');
    for (const code of Object.keys(REASON_PHRASES)) {
      expect(format, code).toContain(`| \`${code}\` |`);
    }
  });

  it('has a distinct phrase per reason', () => {
    const phrases = Object.values(REASON_PHRASES);
    expect(phrases).toHaveLength(14);
    expect(new Set(phrases).size).toBe(phrases.length);
    expect(REASON_PHRASES['never-connected']).toBe('no bot ever connected');
  });
});
