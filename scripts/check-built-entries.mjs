// Loads every built package entry with plain `node`, once through `import` and
// once through `require`, the way users of the published packages will. A
// missing file, a broken `exports` map or an ESM/CJS interop fault (fp-ts has no
// `exports` map) fails here even when the TypeScript tests pass.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const packageDirectories = readdirSync(join(root, 'packages')).map((name) => join(root, 'packages', name));

let failures = 0;

for (const directory of packageDirectories) {
  const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8'));

  const viaImport = `import(${JSON.stringify(manifest.name)}).then((m) => console.log(JSON.stringify(Object.keys(m).filter((k) => k !== 'default').sort())))`;
  const viaRequire = `console.log(JSON.stringify(Object.keys(require(${JSON.stringify(manifest.name)})).sort()))`;

  try {
    const esmNames = JSON.parse(execFileSync('node', ['--input-type=module', '-e', viaImport], { cwd: root, encoding: 'utf8' }));
    const cjsNames = JSON.parse(execFileSync('node', ['--input-type=commonjs', '-e', viaRequire], { cwd: root, encoding: 'utf8' }));

    if (esmNames.length === 0) throw new Error('the ESM entry exports nothing');
    if (JSON.stringify(esmNames) !== JSON.stringify(cjsNames)) {
      throw new Error(`ESM and CJS entries export different names:\n  import:  ${esmNames.join(', ')}\n  require: ${cjsNames.join(', ')}`);
    }

    console.log(`ok   ${manifest.name}: ${esmNames.length} exports via import and require`);
  } catch (error) {
    failures += 1;
    console.error(`FAIL ${manifest.name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

try {
  execFileSync('node', [join(root, 'examples/cli/dist/main.js'), '--help'], { encoding: 'utf8' });
  console.log('ok   makemac --help');
} catch (error) {
  failures += 1;
  console.error(`FAIL makemac --help: ${error instanceof Error ? error.message : String(error)}`);
}

if (failures > 0) {
  console.error(`${failures} built entries failed to load. Run \`pnpm build\` and read the errors above.`);
  process.exit(1);
}
