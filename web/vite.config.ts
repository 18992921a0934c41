/**
 * The register's front end: Preact (about 5 kB gzipped, the same component model as React, so the
 * register's JavaScript stays far under its 200 kB budget), built by Vite into web/dist, which
 * `comptoir serve` serves beside the API.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', reportCompressedSize: true },
});
