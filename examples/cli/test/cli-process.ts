/**
 * Runs the built `makemac` command (dist/main.js) as a child process for
 * end-to-end tests, with a time limit, and collects its output.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package directory, examples/cli. */
export const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The built entry point that the `makemac` bin runs. */
export const CLI_PATH = join(PACKAGE_DIR, 'dist', 'main.js');

/** The production-shaped configuration of the repository, examples/config/production.json. */
export const PRODUCTION_CONFIG = join(PACKAGE_DIR, '..', 'config', 'production.json');

/**
 * Writes the production configuration with the sanity gate of every host
 * raised to 50 %, as the demo does, to a temporary file and returns its path.
 * The emulator's troubled pool breaks almost half of one host's leases, which
 * the default gate would hold forever.
 */
export const writeRelaxedGateConfig = (): string => {
  const config = JSON.parse(readFileSync(PRODUCTION_CONFIG, 'utf8')) as { swarmingHosts: Record<string, unknown>[] };

  for (const host of config.swarmingHosts) host['policy'] = { sanityGateThreshold: '50%' };

  const path = join(mkdtempSync(join(tmpdir(), 'makemac-cli-test-')), 'relaxed-gate.json');
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
};

/** Fails with a clear message when the CLI has not been built. */
export const requireBuiltCli = (): void => {
  if (!existsSync(CLI_PATH)) {
    throw new Error(`${CLI_PATH} is missing; run "pnpm build" (the root "pnpm test" builds first)`);
  }
};

/** What a finished CLI process left behind. */
export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link runCliProcess}. */
export interface RunOptions {
  /** Extra environment variables; the parent's environment is not passed on. */
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Time limit; the process gets SIGKILL after it. @defaultValue 60 s */
  readonly timeoutMs?: number;
  /** Called once the process runs, for example to send it a signal later. */
  readonly onSpawn?: (child: ChildProcess) => void;
  /** Called with every chunk of standard output as it arrives. */
  readonly onStdout?: (chunk: string, all: string) => void;
}

/** Runs `node dist/main.js ...args` and resolves when it exits. */
export const runCliProcess = (args: readonly string[], options: RunOptions = {}): Promise<CliResult> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args], {
      cwd: options.cwd ?? PACKAGE_DIR,
      env: { PATH: process.env.PATH ?? '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timeoutMs = options.timeoutMs ?? 60_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`makemac ${args.join(' ')} did not exit within ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, timeoutMs);

    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      options.onStdout?.(chunk, stdout);
    });
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    options.onSpawn?.(child);
  });
