/**
 * Finds the production-shaped configuration of the repository
 * (`examples/config/production.json`, beside this package), whatever the
 * working directory, both from the built `dist/main.js` and from the
 * TypeScript sources under test.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = '@makemac/cli';

/** Walks up from `start` to the directory whose package.json names this package. */
const findPackageDir = (start: string): string | undefined => {
  let directory = start;
  for (;;) {
    const manifest = join(directory, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME) return directory;
      } catch {
        // An unreadable manifest belongs to some other package; keep walking up.
      }
    }
    const parent = dirname(directory);
    if (parent === directory) return undefined;
    directory = parent;
  }
};

/** Returns the absolute path of the production configuration. */
export const defaultConfigPath = (): string => {
  const packageDir = findPackageDir(dirname(fileURLToPath(import.meta.url)));
  if (packageDir === undefined) {
    throw new Error(`cannot find the ${PACKAGE_NAME} package directory above ${fileURLToPath(import.meta.url)}; pass --config FILE`);
  }
  return join(packageDir, '..', 'config', 'production.json');
};
