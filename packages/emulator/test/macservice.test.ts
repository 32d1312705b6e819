/**
 * The MacService server over HTTP: routes, API key, request validation and
 * the shapes of create, renew, vacate and find.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { DEFAULT_START_TIME, startEmulator, type Emulator } from '../src/index.js';
import { callMacService, createRequest, hours, macServiceJson } from './http.js';

const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3}|\.\d{6}|\.\d{9})?Z$/;

let emulator: Emulator;

beforeEach(async () => {
  emulator = await startEmulator({ seed: 11 });
});

afterEach(async () => {
  await emulator.stop();
});

describe('MacService routes and API key', () => {
  it('serves on 127.0.0.1 under /v1alpha1/', () => {
    expect(emulator.macServiceUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1alpha1\/$/);
  });

  it('rejects a missing API key with 403', async () => {
    const response = await callMacService(emulator, 'leases:find', { vmResourceNamespace: { customerName: 'golang' } }, { apiKey: null });
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  });

  it('rejects a wrong API key without echoing it', async () => {
    const wrong = 'wrong-key-0123456789';
    const response = await callMacService(emulator, 'leases:find', { vmResourceNamespace: { customerName: 'golang' } }, { apiKey: wrong });
    expect(response.status).toBe(403);
    expect(response.text).not.toContain(wrong);
    expect(response.text).not.toContain(emulator.apiKey);
  });

  it('returns 404 for an unknown endpoint', async () => {
    const response = await callMacService(emulator, 'leases:list', {});
    expect(response.status).toBe(404);
  });

  it('returns 405 for GET', async () => {
    const response = await fetch(`${emulator.macServiceUrl}leases:find`);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });

  it('returns 400 text for malformed JSON', async () => {
    const response = await callMacService(emulator, 'leases:find', undefined, { rawBody: '{"vmResourceNamespace":' });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(response.text).toMatch(/not valid JSON/);
  });

  it('serves a configured base path', async () => {
    const custom = await startEmulator({ macServiceBasePath: '/mac/v2/' });
    try {
      expect(custom.macServiceUrl).toMatch(/\/mac\/v2\/$/);
      const body = await macServiceJson(custom, 'leases:find', { vmResourceNamespace: { customerName: 'golang' } });
      expect(body).toEqual({});
    } finally {
      await custom.stop();
    }
  });
});

describe('leases:create', () => {
  it('returns a pending lease expiring after the duration', async () => {
    const body = await macServiceJson(emulator, 'leases:create', createRequest({}));

    expect(body.pendingLease.leaseId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(body.pendingLease.vmResourceNamespace).toEqual({
      customerName: 'golang',
      projectName: 'makemac/chromium-swarm.appspot.com',
    });
    expect(body.pendingLease.expires).toMatch(RFC3339_UTC);
    expect(Date.parse(body.pendingLease.expires)).toBe(DEFAULT_START_TIME + hours(24));
  });

  it('stores namespace, specification and metadata', async () => {
    const body = await macServiceJson(emulator, 'leases:create', createRequest({ hostname: 'darwin-arm64-15', image: 'b'.repeat(64) }));
    const lease = emulator.fleet.lease(body.pendingLease.leaseId);

    expect(lease?.projectName).toBe('makemac/chromium-swarm.appspot.com');
    expect(lease?.image).toBe('b'.repeat(64));
    expect(lease?.profile).toBe('V1_MEDIUM_VM');
    expect(lease?.accessLevel).toBe('GOLANG_OSS');
    expect(lease?.metadata.map((entry) => entry.key)).toEqual(['golang.swarming', 'golang.hostname', 'golang.cert', 'golang.key']);
  });

  it('accepts fractional durations', async () => {
    const body = await macServiceJson(emulator, 'leases:create', createRequest({ duration: '3600.5s' }));
    expect(Date.parse(body.pendingLease.expires)).toBe(DEFAULT_START_TIME + hours(1) + 500);
    expect(body.pendingLease.expires).toMatch(/\.500Z$/);
  });

  it('rejects invalid requests with 400 naming the field', async () => {
    const cases: [unknown, RegExp][] = [
      [{ ...(createRequest({}) as object), duration: '24h' }, /duration/],
      [{ ...(createRequest({}) as object), duration: '0s' }, /duration must be positive/],
      [{ ...(createRequest({}) as object), vmResourceNamespace: { customerName: '' } }, /customerName/],
      [{ ...(createRequest({}) as object), instanceSpecification: { profile: 'V1_MEDIUM_VM', accessLevel: 'GOLANG_OSS' } }, /bootSha256/],
      [{ ...(createRequest({}) as object), instanceSpecification: 'x' }, /instanceSpecification must be a JSON object/],
    ];
    for (const [body, message] of cases) {
      const response = await callMacService(emulator, 'leases:create', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.text).toMatch(message);
    }
    expect(emulator.fleet.leases()).toEqual([]);
  });
});

describe('leases:renew', () => {
  it('sets expires from now, not from the old expiry', async () => {
    const created = await macServiceJson(emulator, 'leases:create', createRequest({}));
    emulator.clock.advance(hours(2));

    const renewed = await macServiceJson(emulator, 'leases:renew', { leaseId: created.pendingLease.leaseId, duration: '82800s' });

    expect(renewed.expires).toMatch(RFC3339_UTC);
    expect(Date.parse(renewed.expires)).toBe(DEFAULT_START_TIME + hours(2) + hours(23));
    expect(emulator.fleet.lease(created.pendingLease.leaseId)?.expires).toBe(DEFAULT_START_TIME + hours(25));
  });

  it('returns 404 for an unknown lease', async () => {
    const response = await callMacService(emulator, 'leases:renew', { leaseId: 'no-such-lease', duration: '82800s' });
    expect(response.status).toBe(404);
  });
});

describe('leases:vacate', () => {
  it('replies {} and removes the lease', async () => {
    const created = await macServiceJson(emulator, 'leases:create', createRequest({}));
    const response = await callMacService(emulator, 'leases:vacate', { leaseId: created.pendingLease.leaseId });

    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toEqual({});
    expect(emulator.fleet.lease(created.pendingLease.leaseId)).toBeUndefined();
  });

  it('returns 404 for an unknown lease', async () => {
    const response = await callMacService(emulator, 'leases:vacate', { leaseId: '39b47cf6-2aaa-4c80-b9cb-b800844fb104' });
    expect(response.status).toBe(404);
    expect(response.text).toMatch(/not found/);
  });
});

describe('leases:find', () => {
  const seedProjects = (): void => {
    const expires = DEFAULT_START_TIME + hours(20);
    emulator.fleet.addLease({ leaseId: 'lease-a', projectName: 'makemac/chromium-swarm.appspot.com', image: 'i1', expires });
    emulator.fleet.addLease({ leaseId: 'lease-b', projectName: 'other-team/ci', subCustomerName: 'sub', image: 'i2', expires });
    emulator.fleet.addLease({ leaseId: 'lease-c', customerName: 'someone-else', projectName: 'x', image: 'i3', expires });
  };

  it('returns every project of the customer for empty filters', async () => {
    seedProjects();
    const body = await macServiceJson(emulator, 'leases:find', {
      vmResourceNamespace: { customerName: 'golang', projectName: '', subCustomerName: '' },
    });
    expect(body.instances.map((instance: any) => instance.lease.leaseId)).toEqual(['lease-a', 'lease-b']);
  });

  it('filters by project and sub-customer when given', async () => {
    seedProjects();
    const byProject = await macServiceJson(emulator, 'leases:find', {
      vmResourceNamespace: { customerName: 'golang', projectName: 'other-team/ci', subCustomerName: '' },
    });
    expect(byProject.instances.map((instance: any) => instance.lease.leaseId)).toEqual(['lease-b']);

    const bySub = await macServiceJson(emulator, 'leases:find', {
      vmResourceNamespace: { customerName: 'golang', projectName: '', subCustomerName: 'nobody' },
    });
    expect(bySub).toEqual({});
  });

  it('returns the instance shape with the image and metadata', async () => {
    const created = await macServiceJson(emulator, 'leases:create', createRequest({ image: 'c'.repeat(64) }));
    const body = await macServiceJson(emulator, 'leases:find', { vmResourceNamespace: { customerName: 'golang' } });

    expect(body.instances).toHaveLength(1);
    const [instance] = body.instances;
    expect(instance.lease).toEqual(created.pendingLease);
    expect(instance.instanceSpecification.profile).toBe('V1_MEDIUM_VM');
    expect(instance.instanceSpecification.accessLevel).toBe('GOLANG_OSS');
    expect(instance.instanceSpecification.diskSelection).toEqual({ imageHashes: { bootSha256: 'c'.repeat(64) } });
    expect(instance.instanceSpecification.metadata).toContainEqual({ key: 'golang.hostname', value: 'darwin-amd64-14' });
  });

  it('echoes certificate and key values by default', async () => {
    await macServiceJson(emulator, 'leases:create', createRequest({ cert: 'CERT-ECHO', key: 'KEY-ECHO' }));
    const response = await callMacService(emulator, 'leases:find', { vmResourceNamespace: { customerName: 'golang' } });
    expect(response.text).toContain('CERT-ECHO');
    expect(response.text).toContain('KEY-ECHO');
  });

  it('leaves out certificate and key values when told to', async () => {
    const quiet = await startEmulator({ echoSecretMetadata: false });
    try {
      await macServiceJson(quiet, 'leases:create', createRequest({ cert: 'CERT-ECHO', key: 'KEY-ECHO' }));
      const response = await callMacService(quiet, 'leases:find', { vmResourceNamespace: { customerName: 'golang' } });
      expect(response.status).toBe(200);
      expect(response.text).not.toContain('CERT-ECHO');
      expect(response.text).not.toContain('KEY-ECHO');
      expect(response.text).toContain('golang.hostname');
    } finally {
      await quiet.stop();
    }
  });

  it('requires a customer name', async () => {
    const response = await callMacService(emulator, 'leases:find', { vmResourceNamespace: { customerName: '' } });
    expect(response.status).toBe(400);
    expect(response.text).toMatch(/customerName/);
  });
});
