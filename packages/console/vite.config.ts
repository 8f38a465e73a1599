import { defineConfig } from 'vite';

// Preact through esbuild's own JSX transform: no framework plugin needed. Everything is bundled
// (no CDN, no web fonts): the console must work on a network with no way out.
export default defineConfig({
  base: '/console/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 600 },
});
