// Builds the desktop app: Electron main and preload (CommonJS, as a sandboxed preload must be) and
// the renderer, which is the same Vite config the browser shell is built with.
import { defineConfig } from 'electron-vite';
import { rendererConfig } from './vite.renderer.config.ts';

export default defineConfig({
  main: {
    build: {
      outDir: 'out/electron',
      rollupOptions: {
        input: { main: 'electron/main.ts' },
        external: ['better-sqlite3', 'serialport', 'node-hid', 'smartcard', 'ocpp-rpc'],
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { preload: 'electron/preload.ts' },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    ...rendererConfig,
    build: { ...rendererConfig.build, rollupOptions: { input: `${rendererConfig.root}index.html` } },
  },
});
