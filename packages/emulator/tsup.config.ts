import { defineConfig } from 'tsup';

// ESM and CommonJS builds with declarations. Dependencies stay external, so
// fp-ts is imported as `fp-ts/lib/*.js`, which resolves under both module systems.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
});
