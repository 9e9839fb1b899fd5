import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The app is served by the RouteRisk server at any path prefix, so assets are
// referenced relative to index.html (base './'). The API is same-origin at /api/v1.
export default defineConfig({
  base: './',
  build: {
    outDir: 'dist',
    // dist/.gitkeep is committed so Go's embed compiles on a fresh clone;
    // scripts/keep-dist.mjs recreates it after each build.
    emptyOutDir: true,
    chunkSizeWarningLimit: 600,
    // Five pages: the map, the upload page for editors, the embedded map
    // (served by the server at /embed), the admin page (/admin) and the
    // offline pack viewer (/offline).
    rollupOptions: {
      input: {
        main: fileURLToPath(new URL('./index.html', import.meta.url)),
        upload: fileURLToPath(new URL('./upload.html', import.meta.url)),
        embed: fileURLToPath(new URL('./embed.html', import.meta.url)),
        admin: fileURLToPath(new URL('./admin.html', import.meta.url)),
        offline: fileURLToPath(new URL('./offline.html', import.meta.url)),
      },
    },
  },
  server: {
    // `npm run dev` talks to a locally running `routerisk serve`.
    proxy: {
      '/api': process.env.ROUTERISK_URL ?? 'http://127.0.0.1:8080',
    },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
  },
});
