import react from '@vitejs/plugin-react';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/** Two entries: the participant page stays lean (no console code), the staff console is its own bundle. */
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: resolve(import.meta.dirname, 'dist'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      input: {
        console: resolve(import.meta.dirname, 'index.html'),
        participant: resolve(import.meta.dirname, 'participant.html'),
      },
    },
  },
  server: { proxy: { '/api': 'http://localhost:3000' } },
});
