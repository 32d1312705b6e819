/** Tests of the log helpers: port events and the fields of outcome lines. */
import { describe, expect, it } from 'vitest';

import { logPortEvent } from '../src/index.js';
import { captureLogger, httpError } from './fakes.js';

describe('logPortEvent', () => {
  it('writes the event as the message and the rest as fields', () => {
    const { logger, lines } = captureLogger();

    logPortEvent(logger)({ event: 'retry', url: 'http://127.0.0.1:1/v1/leases:find', attempt: 2, delayMs: 400 });

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: 'retry', url: 'http://127.0.0.1:1/v1/leases:find', attempt: 2, delayMs: 400, level: 30 });
    expect(lines[0]).not.toHaveProperty('event');
  });

  it('names a tagged event by its tag', () => {
    const { logger, lines } = captureLogger();
    const log = logPortEvent(logger, (event) => (event._tag === 'Page' ? 'debug' : 'warn'));

    log({ _tag: 'Retry', swarmingHost: 'swarm-a.example', attempt: 1, delayMs: 200, error: httpError(503, 'busy') });
    log({ _tag: 'Page', swarmingHost: 'swarm-a.example', page: 2, bots: 100, hasCursor: true });

    expect(lines[0]).toMatchObject({ msg: 'Retry', level: 40, attempt: 1, error: 'HTTP 503 from http://127.0.0.1:1/v1/leases: busy' });
    expect(lines[0]).not.toHaveProperty('_tag');
    expect(lines[1]).toMatchObject({ msg: 'Page', level: 20, page: 2, hasCursor: true });
  });

  it('describes port errors and redacts credential fields', () => {
    const { logger, lines, text } = captureLogger();

    logPortEvent(logger, 'warn')({
      event: 'retry',
      error: httpError(503, 'unavailable'),
      apiKey: 'AIza-secret-api-key',
      authorization: 'Bearer secret-token',
      leaseId: 'lease-1',
    });

    expect(lines[0]).toMatchObject({
      level: 40,
      error: 'HTTP 503 from http://127.0.0.1:1/v1/leases: unavailable',
      apiKey: '[redacted]',
      authorization: '[redacted]',
      leaseId: 'lease-1',
    });
    expect(text()).not.toContain('AIza-secret-api-key');
    expect(text()).not.toContain('secret-token');
  });
});
