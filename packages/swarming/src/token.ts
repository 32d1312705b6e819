/**
 * Token providers: where the Swarming client gets the OAuth access token
 * that it sends as `Authorization: Bearer <token>`.
 *
 * The client requests a token from its provider before every attempt of
 * every call, because access tokens expire (Google access tokens usually
 * after an hour). A provider therefore either caches on its own
 * (`google-auth-library` does) or is cheap to call. Failures come back as a
 * {@link TokenError}. No message built here contains a token.
 */
import { readFile } from 'node:fs/promises';

import type { TokenError } from '@makemac/core';
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';

/**
 * A source of OAuth access tokens. It is called before each attempt of each
 * call, and the `TaskEither` it returns must never reject.
 */
export type TokenProvider = () => TE.TaskEither<TokenError, string>;

/** Maximum length in characters of an underlying error message inside a {@link TokenError}. */
const MAX_CAUSE_CHARS = 200;

const tokenError = (source: string, message: string, retryable: boolean): TokenError => ({
  _tag: 'TokenError',
  source,
  message,
  retryable,
});

const causeMessage = (error: unknown): string => {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > MAX_CAUSE_CHARS ? `${text.slice(0, MAX_CAUSE_CHARS)}…` : text;
};

const errorCode = (error: unknown): unknown =>
  typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;

/**
 * Returns a provider that always yields the same token, for short-lived
 * tools and tests.
 *
 * @throws TypeError when the token is empty or only whitespace.
 */
export const staticToken = (token: string): TokenProvider => {
  const trimmed = token.trim();
  if (trimmed === '') {
    throw new TypeError('invalid static token: it is empty; pass an OAuth access token');
  }
  return () => TE.right(trimmed);
};

/**
 * Returns a provider that reads the token from an environment variable on
 * each call, trimmed. An unset or empty variable gives a {@link TokenError}
 * that names the variable.
 *
 * @param name - The variable name, for example `SWARMING_TOKEN`.
 * @param env - The environment to read; defaults to `process.env`.
 */
export const tokenFromEnv = (
  name: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): TokenProvider => {
  const source = `environment variable ${name}`;

  return () => {
    const value = env[name]?.trim() ?? '';
    if (value === '') {
      return TE.left(
        tokenError(source, `${name} is not set or is empty; set it to an OAuth access token for the swarming host`, false),
      );
    }
    return TE.right(value);
  };
};

/** Options of {@link tokenFromFile}. */
export interface TokenFileOptions {
  /** Reads a file as UTF-8 text; defaults to `fs.promises.readFile`. Tests inject a fake. */
  readonly readTextFile?: (path: string) => Promise<string>;
}

/**
 * Returns a provider that reads the token from a file on each call, trimmed,
 * so a token that another process refreshes in place is picked up at once.
 */
export const tokenFromFile = (path: string, options: TokenFileOptions = {}): TokenProvider => {
  const source = `file ${path}`;
  const readTextFile = options.readTextFile ?? ((file: string) => readFile(file, 'utf8'));

  return () => async (): Promise<E.Either<TokenError, string>> => {
    let text: string;
    try {
      text = await readTextFile(path);
    } catch (error) {
      const code = errorCode(error);
      if (code === 'ENOENT') {
        return E.left(tokenError(source, `token file ${path} not found; create it or fix the path`, false));
      }
      if (code === 'EACCES' || code === 'EPERM') {
        return E.left(tokenError(source, `permission denied reading token file ${path}; make it readable by this process`, false));
      }
      return E.left(tokenError(source, `failed to read token file ${path}: ${causeMessage(error)}`, false));
    }

    const token = text.trim();
    if (token === '') {
      return E.left(tokenError(source, `token file ${path} is empty; write an OAuth access token into it`, false));
    }
    return E.right(token);
  };
};

/**
 * The part of `google-auth-library`'s `GoogleAuth` that the ADC provider
 * uses. `GoogleAuth.getAccessToken()` returns a string, and an auth client's
 * `getAccessToken()` returns `{ token }`; both are accepted.
 */
export interface GoogleAuthLike {
  getAccessToken(): Promise<string | null | undefined | { readonly token?: string | null | undefined }>;
}

/** The shape of the `google-auth-library` module that the ADC provider loads. */
export interface GoogleAuthLibrary {
  readonly GoogleAuth: new (options: { scopes: string[] }) => GoogleAuthLike;
}

/**
 * The OAuth scope that LUCI's Go auth library names as its email scope. LUCI
 * servers identify callers by the email address of the token.
 */
export const USERINFO_EMAIL_SCOPE = 'https://www.googleapis.com/auth/userinfo.email';

/** Options of {@link googleAdcTokenProvider}. */
export interface GoogleAdcOptions {
  /**
   * OAuth scopes to request.
   *
   * @defaultValue `[USERINFO_EMAIL_SCOPE]`
   */
  readonly scopes?: readonly string[];
  /** An auth object to use instead of a new `GoogleAuth`; tests pass a fake here. */
  readonly auth?: GoogleAuthLike;
  /** Loads `google-auth-library`; defaults to a dynamic `import()`. Tests pass a loader that fails. */
  readonly importLibrary?: () => Promise<unknown>;
}

const ADC_SOURCE = 'Application Default Credentials';

// Network failures while fetching a token, for example from the metadata
// server, may pass. Missing or invalid credentials do not.
const TRANSIENT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

const isTransientAuthFailure = (error: unknown): boolean => {
  const code = errorCode(error);
  if (typeof code === 'string' && TRANSIENT_CODES.has(code)) {
    return true;
  }
  const status =
    typeof error === 'object' && error !== null ? (error as { response?: { status?: unknown } }).response?.status : undefined;
  return typeof status === 'number' && status >= 500;
};

const isModuleNotFound = (error: unknown): boolean => {
  const code = errorCode(error);
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
};

const googleAuthConstructor = (library: unknown): GoogleAuthLibrary['GoogleAuth'] | undefined => {
  const candidates = [library, (library as { default?: unknown } | null)?.default];
  for (const candidate of candidates) {
    const constructor = (candidate as Partial<GoogleAuthLibrary> | null | undefined)?.GoogleAuth;
    if (typeof constructor === 'function') {
      return constructor;
    }
  }
  return undefined;
};

/**
 * Returns a provider of tokens from Google Application Default Credentials
 * through `google-auth-library`, an optional peer dependency. The library is
 * loaded on the first call, so this package works without it as long as
 * another provider is used. `GoogleAuth` caches tokens and refreshes them
 * before they expire.
 */
export const googleAdcTokenProvider = (options: GoogleAdcOptions = {}): TokenProvider => {
  const scopes = [...(options.scopes ?? [USERINFO_EMAIL_SCOPE])];
  const importLibrary = options.importLibrary ?? (() => import('google-auth-library'));

  const createAuth = async (): Promise<E.Either<TokenError, GoogleAuthLike>> => {
    let library: unknown;
    try {
      library = await importLibrary();
    } catch (error) {
      if (isModuleNotFound(error)) {
        return E.left(
          tokenError(
            ADC_SOURCE,
            'google-auth-library is not installed; install it next to @makemac/swarming (npm install google-auth-library) or use another token provider',
            false,
          ),
        );
      }
      return E.left(tokenError(ADC_SOURCE, `failed to load google-auth-library: ${causeMessage(error)}`, false));
    }

    const GoogleAuth = googleAuthConstructor(library);
    if (GoogleAuth === undefined) {
      return E.left(tokenError(ADC_SOURCE, 'google-auth-library has no GoogleAuth export; reinstall google-auth-library', false));
    }
    return E.right(new GoogleAuth({ scopes }));
  };

  // One GoogleAuth serves every call, so its token cache is shared. Calls that
  // start together wait for the same load, and a failed load is tried again.
  let authLoad: Promise<E.Either<TokenError, GoogleAuthLike>> | undefined =
    options.auth === undefined ? undefined : Promise.resolve(E.right(options.auth));
  const loadAuth = async (): Promise<E.Either<TokenError, GoogleAuthLike>> => {
    authLoad ??= createAuth();
    const loaded = await authLoad;
    if (E.isLeft(loaded)) {
      authLoad = undefined;
    }
    return loaded;
  };

  return () => async (): Promise<E.Either<TokenError, string>> => {
    const loaded = await loadAuth();
    if (E.isLeft(loaded)) {
      return loaded;
    }

    let result: Awaited<ReturnType<GoogleAuthLike['getAccessToken']>>;
    try {
      result = await loaded.right.getAccessToken();
    } catch (error) {
      return E.left(tokenError(ADC_SOURCE, `failed to get an access token: ${causeMessage(error)}`, isTransientAuthFailure(error)));
    }

    const token = (typeof result === 'object' && result !== null ? result.token : result)?.trim() ?? '';
    if (token === '') {
      return E.left(tokenError(ADC_SOURCE, 'no access token was returned; run `gcloud auth application-default login` or attach a service account', false));
    }
    return E.right(token);
  };
};
