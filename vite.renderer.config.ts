// Builds the renderer for the browser shell (out/renderer); electron.vite.config.ts reuses this
// for the desktop window, so both faces load the very same bundle.

import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('./renderer/', import.meta.url));

export const rendererConfig = {
  root: here,
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./out/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'chrome120',
    modulePreload: { polyfill: false },
  },
};

export default defineConfig(rendererConfig);
