// Runs every benchmark in this folder (`*.bench.mjs`) one after another, each
// in its own node process so one benchmark's heap does not skew the next.
// Usage: `pnpm bench` (builds first), or `node bench/run.mjs [name-filter]`.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const folder = fileURLToPath(new URL('.', import.meta.url));
const filter = process.argv[2] ?? '';
const benchmarks = readdirSync(folder)
  .filter((name) => name.endsWith('.bench.mjs') && name.includes(filter))
  .sort();

let failed = 0;

for (const name of benchmarks) {
  console.log(`\n== ${name}`);

  const result = spawnSync(process.execPath, ['--expose-gc', `${folder}${name}`], { stdio: 'inherit' });

  if (result.status !== 0) {
    failed += 1;
    console.error(`benchmark ${name} failed with exit code ${result.status}`);
  }
}

if (benchmarks.length === 0) console.error(`no benchmark matches "${filter}"`);
process.exit(failed > 0 || benchmarks.length === 0 ? 1 : 0);
