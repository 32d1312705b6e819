import { defineConfig } from 'tsup';

// The CLI is an ES module program; the workspace packages stay external and
// load from their own builds, as they would for a user of the published packages.
export default defineConfig({
  entry: ['src/main.ts'],
  format: ['esm'],
  dts: false,
  sourcemap: true,
  clean: true,
  target: 'node20',
  banner: { js: '#!/usr/bin/env node' },
});
