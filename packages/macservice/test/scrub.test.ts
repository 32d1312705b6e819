/**
 * Tests of secret scrubbing and bounded excerpts.
 */
import { REDACTED } from '@makemac/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { describeBody, describeValue, excerpt, makeScrubber, redactSecretMetadata } from '../src/scrub.js';

const API_KEY = 'AIzaSyTestKey0123456789abcdefghijkl';
const CERT = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n';
const KEY_WITHOUT_ARMOR = 'bm90LWEtcmVhbC1rZXktYnV0LWxvbmc=';

describe('makeScrubber', () => {
  const scrub = makeScrubber([API_KEY, CERT, KEY_WITHOUT_ARMOR]);

  it('replaces a secret as is, JSON-escaped and URL-encoded', () => {
    expect(scrub(`key=${API_KEY}`)).toBe(`key=${REDACTED}`);
    expect(scrub(JSON.stringify({ value: CERT }))).toBe(`{"value":"${REDACTED}"}`);
    expect(scrub(`?v=${encodeURIComponent(KEY_WITHOUT_ARMOR)}`)).toBe(`?v=${REDACTED}`);
  });

  it('removes PEM blocks it was not told about, even cut off', () => {
    const other = makeScrubber([]);

    expect(other('a -----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY----- b')).toBe(`a ${REDACTED} b`);
    expect(other('{"value":"-----BEGIN CERTIFICATE-----\\nMIIBszCC')).toBe(`{"value":"${REDACTED}`);
  });

  it('removes secret metadata values from JSON text in either key order', () => {
    const other = makeScrubber([]);

    expect(other('{"key":"golang.key","value":"c2VjcmV0"}')).toBe(`{"key":"golang.key","value":"${REDACTED}"}`);
    expect(other('{"value":"c2VjcmV0", "key" : "golang.cert"}')).toBe(`{"value":"${REDACTED}", "key" : "golang.cert"}`);
    expect(other('[{"key":"golang.cert","value":"c2Vj')).toBe(`[{"key":"golang.cert","value":"${REDACTED}"`);
    expect(other('{"key":"golang.hostname","value":"darwin-amd64-14"}')).toBe(
      '{"key":"golang.hostname","value":"darwin-amd64-14"}',
    );
  });

  it('ignores empty secrets', () => {
    expect(makeScrubber([''])('abc')).toBe('abc');
  });

  it('leaves no occurrence of a secret in any text', () => {
    const secret = fc.stringMatching(/^[A-Za-z0-9_-]{8,40}$/);
    fc.assert(
      fc.property(secret, fc.array(fc.string(), { maxLength: 4 }), (value, parts) => {
        const text = parts.join(value);

        expect(makeScrubber([value])(text)).not.toContain(value);
      }),
    );
  });
});

describe('redactSecretMetadata', () => {
  it('redacts entries whose key is secret, at any depth', () => {
    const value = { outer: [{ key: 'golang.cert', value: 'x' }, { key: 'golang.hostname', value: 'h' }] };

    expect(redactSecretMetadata(value)).toStrictEqual({
      outer: [{ key: 'golang.cert', value: REDACTED }, { key: 'golang.hostname', value: 'h' }],
    });
  });

  it('cuts very deep values', () => {
    let deep: unknown = 'bottom';
    for (let level = 0; level < 1000; level++) {
      deep = [deep];
    }

    expect(JSON.stringify(redactSecretMetadata(deep))).toContain('…');
  });
});

describe('excerpts', () => {
  it('keeps short text and notes the length of cut text', () => {
    expect(excerpt('abc', 5)).toBe('abc');
    expect(excerpt('abcdefgh', 5)).toBe('abcde… (8 characters in all)');
  });

  it('never splits a surrogate pair', () => {
    expect(excerpt('ab😀cd', 3)).toBe('ab… (6 characters in all)');
  });

  it('bounds value excerpts and marks missing values', () => {
    const scrub = makeScrubber([]);

    expect(describeValue(undefined, scrub)).toBe('(missing)');
    expect(describeValue(12, scrub)).toBe('12');
    expect(describeValue('x'.repeat(1000), scrub).length).toBeLessThan(260);
  });

  it('scrubs a secret that straddles the excerpt end', () => {
    const scrub = makeScrubber([API_KEY]);
    const body = `${'y'.repeat(495)}${API_KEY}${'z'.repeat(100_000)}`;

    const described = describeBody(body, scrub);

    expect(described).toBe(`${'y'.repeat(495)}[reda… (${body.length} characters in all)`);
    expect(scrub.longestSecret).toBe(API_KEY.length);
  });

  it('notes the full length when only the window was scrubbed', () => {
    const scrub = makeScrubber([]);

    expect(describeBody(`-----BEGIN CERTIFICATE-----${'a'.repeat(10_000)}`, scrub)).toBe(
      `${REDACTED}… (10027 characters in all)`,
    );
  });

  it('bounds body excerpts and marks empty bodies', () => {
    const scrub = makeScrubber([API_KEY]);

    expect(describeBody('', scrub)).toBe('(empty body)');
    expect(describeBody('y'.repeat(5000), scrub).length).toBeLessThan(560);
    expect(describeBody(`${'y'.repeat(600)}${API_KEY}`, scrub)).not.toContain(API_KEY.slice(0, 10));
  });
});
