/**
 * The demo's secret resolver: `secret:` references resolve to fake
 * PEM-shaped values, so creates carry realistic metadata without any real
 * secret store. The values are never printed.
 */
import { createSecretResolver, type SecretResolver } from '@makemac/runtime';

/** Builds a fake PEM block for a reference name; keys end in `-key`, everything else is a certificate. */
export const fakePem = (name: string): string => {
  const kind = name.endsWith('-key') ? 'PRIVATE KEY' : 'CERTIFICATE';
  const body = Buffer.from(`makemac demo ${kind.toLowerCase()} for ${name}`).toString('base64');
  return `-----BEGIN ${kind}-----\n${body}\n-----END ${kind}-----\n`;
};

/** Creates a resolver that resolves every `secret:` reference to {@link fakePem}. Other schemes fail. */
export const createDemoSecretResolver = (): SecretResolver =>
  createSecretResolver({
    env: {},
    readFile: () => Promise.reject(new Error('the demo reads no files; use secret: references')),
    schemes: { secret: (name) => Promise.resolve(fakePem(name)) },
  });
