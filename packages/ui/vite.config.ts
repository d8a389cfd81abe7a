// Builds the web UI into dist/, which `weir dev` serves. `npm run dev --workspace packages/ui` proxies /api to a
// running `weir dev` on port 3000 (WEIR_API to change it).
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 2000 },
  server: { proxy: { '/api': { target: process.env.WEIR_API ?? 'http://127.0.0.1:3000', changeOrigin: false } } },
});
