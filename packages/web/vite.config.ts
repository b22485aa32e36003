import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The Fastify server (packages/server) serves `dist/` at '/' with an SPA fallback.
// In development, `vite` proxies the API (and the realtime WebSocket) to it;
// HOTLINE_API overrides the target (default http://127.0.0.1:3000).
const apiTarget = process.env.HOTLINE_API ?? 'http://127.0.0.1:3000';

export default defineConfig({
  plugins: [react()],
  base: '/',
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: {
      '/api': {
        target: apiTarget,
        changeOrigin: true,
        ws: true,
      },
    },
  },
  preview: { port: 4173 },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    sourcemap: false,
    // antd + ProComponents is ~1.9 MB minified (~600 kB gzip) and is split into its own long-cached chunk.
    chunkSizeWarningLimit: 2100,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler|react-router|react-router-dom|@remix-run)[\\/]/, priority: 40 },
            { name: 'i18n', test: /node_modules[\\/](i18next|react-i18next)[\\/]/, priority: 35 },
            { name: 'antd-icons', test: /node_modules[\\/]@ant-design[\\/](icons|icons-svg)[\\/]/, priority: 30 },
            // antd and ProComponents share most of their dependency graph (rc-*, @rc-component, dayjs,
            // cssinjs); one chunk avoids circular cross-chunk imports. It is cached across deploys.
            { name: 'antd-pro', test: /node_modules[\\/](antd|@ant-design|@rc-component|rc-[^\\/]+|dayjs|@babel[\\/]runtime|@emotion|@ctrl|@umijs|@chenshuai2144|@dnd-kit)[\\/]/, priority: 20 },
            { name: 'vendor', test: /node_modules[\\/]/, priority: 10 },
          ],
        },
      },
    },
  },
});
