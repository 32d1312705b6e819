/**
 * The `makemac` program: its subcommands, option parsing and exit codes.
 * `runCli` parses the arguments and runs one command; the entry point in
 * `main.ts` wires it to the real process.
 */
import { Command, CommanderError } from 'commander';

import { demoCommand } from './commands/demo.js';
import { emulatorCommand } from './commands/emulator.js';
import { planCommand } from './commands/plan.js';
import { runCommand } from './commands/run.js';
import { CliError, ExitCode } from './errors.js';
import type { CliIo } from './io.js';

/** Sets the exit code a command finished with. */
export type ExitCodeSink = (code: ExitCode) => void;

/** Builds the commander program with every subcommand. */
export const buildProgram = (io: CliIo, setExitCode: ExitCodeSink): Command => {
  const program = new Command('makemac')
    .description(
      'Keeps a pool of leased macOS VMs healthy: plans and carries out MacService lease changes from Swarming bot state.',
    )
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError()
    .exitOverride();

  // Subcommands copy the output, help-after-error and exit settings above.
  program.addCommand(planCommand(io, setExitCode).copyInheritedSettings(program));
  program.addCommand(runCommand(io, setExitCode).copyInheritedSettings(program));
  program.addCommand(demoCommand(io, setExitCode).copyInheritedSettings(program));
  program.addCommand(emulatorCommand(io, setExitCode).copyInheritedSettings(program));
  return program;
};

const describeUnexpected = (error: unknown): string =>
  error instanceof Error ? (error.stack ?? error.message) : String(error);

/**
 * Runs the program on `argv` (the arguments after `makemac`) and returns the
 * exit code: 0 success, 1 a failure while running, 2 bad usage or bad input.
 */
export const runCli = async (argv: readonly string[], io: CliIo): Promise<number> => {
  let exitCode: ExitCode = ExitCode.Ok;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed the message and the help already. `--help` and
      // `--version` end with 0; every other commander error is bad usage.
      return error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    }
    if (error instanceof CliError) {
      io.stderr(`makemac: ${error.message}\n`);
      return error.exitCode;
    }
    io.stderr(`makemac: unexpected error: ${describeUnexpected(error)}\n`);
    return ExitCode.Failure;
  }
  return exitCode;
};
