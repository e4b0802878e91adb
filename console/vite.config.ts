import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));
/** Where `npm run dev:console` sends API calls: the api `npm start` runs. */
const apiOrigin = process.env.CONSOLE_API_ORIGIN ?? `http://localhost:${process.env.PORT ?? 3000}`;

/**
 * The console (index.html, served at /console/) and the API reference (docs.html, served at /docs),
 * built into dist/console. Assets are hashed files under /console/assets/; no inline script.
 */
export default defineConfig({
  root: here,
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: path.join(here, '..', 'dist', 'console'),
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    // The API reference (Swagger UI) is one large chunk loaded only at /docs.
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      input: { console: path.join(here, 'index.html'), docs: path.join(here, 'docs.html') },
    },
  },
  server: {
    proxy: Object.fromEntries(['/v1', '/openapi.json', '/c/'].map((p) => [p, apiOrigin])),
  },
});
