/**
 * Exit codes of the makemac command and the error that carries one. Commands
 * throw {@link CliError}; the entry point prints its message and exits with
 * its code. Messages name the value and the fix, never a secret.
 */

/** Exit codes: 0 success, 1 a failure while running, 2 bad usage or bad input. */
export const ExitCode = {
  Ok: 0,
  Failure: 1,
  Usage: 2,
} as const;

/** One of the {@link ExitCode} values. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error that ends the command with a message and an exit code. */
export class CliError extends Error {
  override readonly name = 'CliError';

  constructor(
    readonly exitCode: ExitCode,
    message: string,
  ) {
    super(message);
  }
}

/** Builds the error for bad flags or bad input files (exit code 2). */
export const usageError = (message: string): CliError => new CliError(ExitCode.Usage, message);

/** Builds the error for a failure while running, such as a service that cannot be read (exit code 1). */
export const runtimeFailure = (message: string): CliError => new CliError(ExitCode.Failure, message);
