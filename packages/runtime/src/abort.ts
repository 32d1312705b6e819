/**
 * Reading an abort signal. A function call, not a property test, because
 * TypeScript narrows `signal.aborted` to false after one check and then
 * misses that it can turn true across an `await`.
 */

/** Returns whether the signal has fired; false without a signal. */
export const isAborted = (signal: AbortSignal | undefined): boolean => signal?.aborted === true;
