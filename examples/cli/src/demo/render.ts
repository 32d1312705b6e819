/**
 * The demo's output: a concise table per cycle, and a final summary per
 * swarming host with what the emulator's request log shows, as text or as
 * one JSON document.
 */
import type { CycleReport } from '@makemac/runtime';
import type { SeededLease } from '@makemac/emulator';

import { formatColumns } from '../render/columns.js';
import { summarizePlan, toActionDocument, type ActionDocument, type SummaryDocument } from '../render/json.js';
import { renderPlanTable } from '../render/table.js';
import { formatTimestamp } from '../render/time.js';
import type { DemoAudit } from './audit.js';

/** One cycle of the demo. */
export interface CycleRecord {
  readonly cycle: number;
  readonly report: CycleReport;
  readonly converged: boolean;
}

/** Everything the demo prints at the end. */
export interface DemoSummary {
  readonly configPath: string;
  readonly seed: number;
  readonly maxCycles: number;
  readonly seeded: readonly SeededLease[];
  readonly cycles: readonly CycleRecord[];
  readonly converged: boolean;
  readonly interrupted: boolean;
  readonly audit: DemoAudit;
}

const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;

const formatOutcomes = (report: CycleReport): string => {
  const summary = report.summary;
  return (
    `Executed: vacated ${summary.vacated}, drained ${summary.drained}, renewed ${summary.renewed}, created ${summary.created}, ` +
    `failed ${summary.failed}, skipped ${summary.skipped}.`
  );
};

/** Renders one cycle: its plan with only the vacated and drained leases listed, and what was executed. */
export const renderCycle = (record: CycleRecord): string => {
  const report = record.report;
  const lines = [`== Cycle ${record.cycle} at ${formatTimestamp(report.startedAt)} (virtual time)`, ''];

  if (report.plan === undefined) {
    lines.push(`No plan: ${report.reason ?? 'the cycle stopped before planning'}`);
  } else {
    lines.push(renderPlanTable(report.plan, { leases: 'vacates', detail: false, title: false, warnings: 'count' }).trimEnd());
    lines.push('', formatOutcomes(report));
    if (report.reason !== undefined) lines.push(`Note: ${report.reason}`);
  }
  if (record.converged) lines.push('Converged: nothing to vacate, drain or create, every group at its count.');
  lines.push('', '');
  return lines.join('\n');
};

/** Renders the final per-host summary and the check of leases makemac must leave alone. */
export const renderDemoSummary = (summary: DemoSummary): string => {
  const last = summary.cycles.at(-1);
  const lines: string[] = [];

  if (summary.converged) {
    lines.push(`The pool converged after ${plural(summary.cycles.length, 'cycle')}.`);
  } else if (summary.interrupted) {
    lines.push(`Interrupted after ${plural(summary.cycles.length, 'cycle')}, before the pool converged.`);
  } else {
    lines.push(`The pool did not converge within ${plural(summary.maxCycles, 'cycle')}.`);
  }
  if (last !== undefined) lines.push(`Virtual time at the last cycle: ${formatTimestamp(last.report.startedAt)}`);
  lines.push('', 'Final state, as the emulator holds it:');

  for (const host of summary.audit.hosts) {
    lines.push(
      '',
      `Swarming host ${host.swarmingHost}: vacated ${host.vacated}, drained ${host.drained}, renewed ${host.renewed}, ` +
        `created ${host.created} (successful requests)`,
    );
    lines.push(
      ...formatColumns(
        ['IMAGE', 'HOSTNAME', 'HAVE', 'WANT'],
        host.images.map((image) => [image.image.slice(0, 12), image.hostname, String(image.have), String(image.want)]),
        { indent: '  ', align: ['left', 'left', 'right', 'right'] },
      ),
    );
  }

  lines.push('', 'Leases makemac must leave alone, checked against every request the emulator received:');
  for (const check of summary.audit.untouched) {
    const state =
      check.touchedBy.length === 0
        ? 'untouched'
        : `TOUCHED by ${check.touchedBy.map((request) => `${request.endpoint} ${request.leaseId ?? ''}`).join(', ')}`;
    lines.push(`  ${check.kind}: ${plural(check.leaseIds.length, 'lease')}, ${state}`);
  }
  lines.push('');
  return lines.join('\n');
};

/** One cycle in the JSON document. */
interface CycleDocument {
  readonly cycle: number;
  readonly now: string;
  readonly converged: boolean;
  readonly plan: SummaryDocument | null;
  readonly executed: CycleReport['summary'];
  readonly actions: readonly ActionDocument[];
  readonly reason: string | null;
}

const toCycleDocument = (record: CycleRecord): CycleDocument => ({
  cycle: record.cycle,
  now: formatTimestamp(record.report.startedAt),
  converged: record.converged,
  plan: record.report.plan === undefined ? null : summarizePlan(record.report.plan),
  executed: record.report.summary,
  actions: record.report.outcomes
    .filter((outcome) => outcome.action._tag !== 'Renew')
    .map((outcome) => toActionDocument(outcome.action)),
  reason: record.report.reason ?? null,
});

/**
 * Renders the demo as one JSON document: every cycle (its plan counts, what
 * was executed, and its vacates, drains and creates), the seeded leases, the
 * final per-host state, and every mutating request from the emulator's log.
 */
export const renderDemoJson = (summary: DemoSummary): string =>
  `${JSON.stringify(
    {
      formatVersion: 1,
      config: summary.configPath,
      seed: summary.seed,
      converged: summary.converged,
      interrupted: summary.interrupted,
      cycles: summary.cycles.map(toCycleDocument),
      seededLeases: summary.seeded.map((lease) => ({
        leaseId: lease.leaseId,
        kind: lease.kind,
        projectName: lease.projectName,
        image: lease.image,
      })),
      hosts: summary.audit.hosts,
      untouched: summary.audit.untouched,
      mutatingRequests: summary.audit.mutatingRequests,
    },
    null,
    2,
  )}\n`;
