/**
 * Entry point of the `makemac` command. It connects `runCli` to the process:
 * arguments, output streams, environment, and SIGINT/SIGTERM, which abort the
 * shutdown signal of `run`, `demo` and `emulator`, so they finish in-flight
 * calls and stop. A second signal ends the process at once.
 */
import { runCli } from './cli.js';

const shutdown = new AbortController();

const onSignal = (signal: NodeJS.Signals): void => {
  if (shutdown.signal.aborted) {
    process.stderr.write(`makemac: second ${signal}, exiting without waiting\n`);
    process.exit(130);
  }
  process.stderr.write(`makemac: ${signal} received, stopping after the work in flight\n`);
  shutdown.abort(signal);
};

// Only the long-running commands stop gracefully. `plan` keeps Node's default
// handling, so Ctrl-C ends it at once. It sends no mutating request, so nothing is half-done.
const GRACEFUL_COMMANDS = new Set(['run', 'demo', 'emulator']);
if (GRACEFUL_COMMANDS.has(process.argv[2] ?? '')) {
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

const exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
  shutdown: shutdown.signal,
});

// Exit once standard output has drained, so idle keep-alive connections of
// the HTTP clients cannot hold the process open after the command is done.
process.stdout.write('', () => process.exit(exitCode));
