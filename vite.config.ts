import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { deckPlugin } from './src/deck/vite-plugin.ts';
import { remarkScriptPlugin } from './src/deck/remark-script.ts';
import { labServerPlugin } from './src/server/vite-plugin.ts';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  // Relative URLs: the built deck works from any folder of any static server, and offline.
  base: './',
  publicDir: false,
  // `npm run dev`: the lab server rides on Vite's HTTP server (serve only; `vite build` does not run it).
  plugins: [remarkScriptPlugin(), deckPlugin({ root }), labServerPlugin()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Fonts and figures stay files; no data: URLs to keep the CSP simple and caching sane.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1024,
  },
  server: { host: '127.0.0.1', port: 5173, strictPort: false },
  preview: { host: '127.0.0.1' },
});
