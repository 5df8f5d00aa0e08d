import { defineConfig } from 'vite';

// The page lives in web/; its build goes to dist/web, which src/server.ts serves.
export default defineConfig({
  root: 'web',
  base: '/',
  build: { outDir: '../dist/web', emptyOutDir: true, target: 'es2022', sourcemap: true },
  server: {
    // `vite` dev server: same /api prefix as the console server, straight to the services.
    proxy: {
      '/api/home': { target: process.env.HOME_URL ?? 'http://127.0.0.1:4101', rewrite: (path) => path.replace(/^\/api\/home/, '') },
      '/api/search': { target: process.env.SEARCH_URL ?? 'http://127.0.0.1:4102', rewrite: (path) => path.replace(/^\/api\/search/, '') },
      '/api/playlists': { target: process.env.PLAYLISTS_URL ?? 'http://127.0.0.1:4103', rewrite: (path) => path.replace(/^\/api\/playlists/, '') },
    },
  },
});
