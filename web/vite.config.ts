// The training page: `npm run web` serves it, `npm run web:build` writes static files to
// dist-web/. The COOP/COEP headers make the page cross-origin isolated, which shared
// memory (and so kernel threads) needs; a static host must send the same two headers.
import { defineConfig } from 'vite';

const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  root: 'web',
  base: './',
  server: { headers: isolation, fs: { allow: ['..'] } },
  preview: { headers: isolation },
  worker: { format: 'es' },
  build: { outDir: '../dist-web', emptyOutDir: true, target: 'es2022' },
});
