/**
 * Tests of the JSON plan document: field order, sorting, time and duration
 * forms, and that create actions carry secret references, never values.
 */
import { describe, expect, it } from 'vitest';

import type { Plan } from '@makemac/core';

import { renderPlanJson, toPlanDocument } from '../src/render/json.js';
import {
  BOT_Y,
  HOST_FOREIGN,
  HOST_INTERNAL,
  HOST_PUBLIC,
  IMAGE_A,
  IMAGE_B,
  IMAGE_OLD,
  convergedPlan,
  createRequest,
  mixedPlan,
} from './fixtures.js';

const parse = (plan: Plan): Record<string, unknown> => JSON.parse(renderPlanJson(plan)) as Record<string, unknown>;

describe('JSON plan document', () => {
  it('lists top-level fields in a fixed order', () => {
    expect(Object.keys(parse(mixedPlan()))).toEqual([
      'formatVersion',
      'now',
      'summary',
      'actions',
      'decisions',
      'groups',
      'warnings',
    ]);
  });

  it('writes version and time as RFC 3339', () => {
    const document = parse(mixedPlan());
    expect(document.formatVersion).toBe(1);
    expect(document.now).toBe('2026-03-08T17:00:00.000Z');
  });

  it('indents by two spaces and ends in a newline', () => {
    const text = renderPlanJson(convergedPlan());
    expect(text.startsWith('{\n  "formatVersion": 1,\n  "now": ')).toBe(true);
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('sorts actions vacate, drain, renew, create', () => {
    const actions = toPlanDocument(mixedPlan()).actions;
    expect(actions.map((action) => [action.type, 'leaseId' in action ? action.leaseId : action.swarmingHost])).toEqual([
      ['vacate', 'lease-b'],
      ['vacate', 'lease-z'],
      ['drain', 'lease-y'],
      ['renew', 'lease-c'],
      ['create', HOST_INTERNAL],
      ['create', HOST_PUBLIC],
    ]);
  });

  it('writes vacate fields with the reason code', () => {
    const vacate = toPlanDocument(mixedPlan()).actions[1];
    expect(vacate).toEqual({
      type: 'vacate',
      leaseId: 'lease-z',
      swarmingHost: HOST_PUBLIC,
      image: IMAGE_OLD,
      reason: 'image-obsolete',
    });
  });

  it('writes drain fields with the bot id', () => {
    const drain = toPlanDocument(mixedPlan()).actions[2];
    expect(drain).toEqual({
      type: 'drain',
      leaseId: 'lease-y',
      botId: BOT_Y,
      swarmingHost: HOST_PUBLIC,
      image: IMAGE_OLD,
      reason: 'image-obsolete',
    });
  });

  it('writes renew durations as protobuf string and ms', () => {
    const renew = toPlanDocument(mixedPlan()).actions[3];
    expect(renew).toEqual({
      type: 'renew',
      leaseId: 'lease-c',
      swarmingHost: HOST_PUBLIC,
      image: IMAGE_A,
      expires: '2026-03-09T15:00:00.000Z',
      duration: '82800s',
      durationMs: 82_800_000,
    });
  });

  it('writes create requests with secret references only', () => {
    const create = toPlanDocument(mixedPlan()).actions[5];
    expect(create).toEqual({
      type: 'create',
      swarmingHost: HOST_PUBLIC,
      image: IMAGE_B,
      hostname: 'darwin-amd64-14',
      request: {
        customerName: 'golang',
        projectName: `makemac/${HOST_PUBLIC}`,
        subCustomerName: '',
        profile: 'V1_MEDIUM_VM',
        accessLevel: 'GOLANG_OSS',
        duration: '86400s',
        durationMs: 86_400_000,
        metadata: [
          { key: 'golang.swarming', value: HOST_PUBLIC },
          { key: 'golang.hostname', value: 'darwin-amd64-14' },
          { key: 'golang.cert', secretReference: 'secret:proj/darwin-amd64-14-cert' },
          { key: 'golang.key', secretReference: 'secret:proj/darwin-amd64-14-key' },
        ],
      },
    });
  });

  it('redacts a plain value under a secret key', () => {
    const secret = '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----';
    const leaky: Plan = {
      ...convergedPlan(),
      actions: [
        {
          _tag: 'Create',
          swarmingHost: HOST_PUBLIC,
          image: IMAGE_A,
          hostname: 'darwin-amd64-12',
          request: {
            ...createRequest(HOST_PUBLIC, IMAGE_A, 'darwin-amd64-12'),
            metadata: [{ key: 'golang.key', value: { _tag: 'Plain', value: secret } }],
          },
        },
      ],
    };
    const text = renderPlanJson(leaky);
    expect(text).not.toContain('BEGIN PRIVATE KEY');
    expect(text).toContain('"value": "[redacted]"');
  });

  it('sorts decisions by lease id', () => {
    const decisions = toPlanDocument(mixedPlan()).decisions;
    expect(decisions.map((decision) => decision.leaseId)).toEqual([
      'lease-b',
      'lease-c',
      'lease-d',
      'lease-f',
      'lease-i',
      'lease-u',
      'lease-y',
      'lease-z',
    ]);
  });

  it('writes a missing swarming host as null', () => {
    const decisions = toPlanDocument(mixedPlan()).decisions;
    expect(decisions.find((decision) => decision.leaseId === 'lease-u')).toEqual({
      leaseId: 'lease-u',
      decision: 'skip',
      reason: 'unmanaged',
      swarmingHost: null,
      image: IMAGE_A,
      detail: 'project "other" is not makemac/<host>',
    });
    expect(decisions.find((decision) => decision.leaseId === 'lease-f')?.swarmingHost).toBe(HOST_FOREIGN);
  });

  it('sorts groups by host, then image', () => {
    const groups = toPlanDocument(mixedPlan()).groups;
    expect(groups.map((group) => [group.swarmingHost, group.hostname])).toEqual([
      [HOST_INTERNAL, 'darwin-amd64-12-security'],
      [HOST_PUBLIC, 'darwin-amd64-14'],
      [HOST_PUBLIC, 'darwin-amd64-12'],
    ]);
    expect(groups[0]).toEqual({
      swarmingHost: HOST_INTERNAL,
      image: IMAGE_A,
      hostname: 'darwin-amd64-12-security',
      have: 1,
      want: 2,
      create: 1,
      deferred: 0,
    });
    expect(groups[1]?.deferred).toBe(1);
  });

  it('sorts warnings by code with null fields', () => {
    const warnings = toPlanDocument(mixedPlan()).warnings;
    expect(warnings).toEqual([
      {
        code: 'bot-id-unparsed',
        message: 'bot id "vm-17" names no lease',
        swarmingHost: HOST_PUBLIC,
        leaseId: null,
        botId: 'vm-17',
      },
      {
        code: 'listing-failed',
        message: `listing bots of ${HOST_INTERNAL} failed: HTTP 503`,
        swarmingHost: HOST_INTERNAL,
        leaseId: null,
        botId: null,
      },
    ]);
  });

  it('counts actions and decisions in the summary', () => {
    expect(toPlanDocument(mixedPlan()).summary).toEqual({
      vacate: 2,
      drain: 1,
      renew: 1,
      create: 2,
      keep: 2,
      skip: 2,
      converged: false,
    });
    expect(toPlanDocument(convergedPlan()).summary.converged).toBe(true);
  });

  it('renders reordered input identically', () => {
    const plan = mixedPlan();
    const reversed: Plan = {
      ...plan,
      actions: [...plan.actions].reverse(),
      decisions: [...plan.decisions].reverse(),
      groups: [...plan.groups].reverse(),
      warnings: [...plan.warnings].reverse(),
    };
    expect(renderPlanJson(reversed)).toBe(renderPlanJson(plan));
  });
});
