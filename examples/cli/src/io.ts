/**
 * The process surroundings a command uses: output streams, environment,
 * working directory and the shutdown signal. The entry point passes the real
 * ones; tests can pass their own and run commands in-process.
 */

/** The process resources a command may use besides its arguments. */
export interface CliIo {
  /** Writes text to standard output as is. */
  readonly stdout: (text: string) => void;
  /** Writes text to standard error as is. */
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Directory that relative file arguments are resolved against. */
  readonly cwd: string;
  /** Aborted on SIGINT or SIGTERM: long-running commands finish in-flight work and stop. */
  readonly shutdown: AbortSignal;
}
