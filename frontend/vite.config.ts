/// <reference types="vitest/config" />
import { defineConfig, type Plugin } from 'vite'
import vue from '@vitejs/plugin-vue'

// Vant's icon font is inlined (data: woff2) with a fallback on a CDN; the Content-Security-Policy
// allows fonts from this site only, so the fallback goes: it would only ever be refused.
const vantIconCdn = /,\s*url\(\/\/at\.alicdn\.com\/[^)]*\)\s*format\("woff"\)/g
const noFontCdn: Plugin = {
  name: 'shequtong-no-font-cdn',
  enforce: 'pre',
  transform(code, id) {
    return id.includes('/vant/') && id.endsWith('.css') ? code.replace(vantIconCdn, '') : null
  },
}

// The Django server the dev server forwards /api and /ws to.
const backend = process.env.SHEQUTONG_BACKEND ?? 'http://127.0.0.1:8000'

// Django serves dist/index.html for every non-API path and the bundle under /static/. The dev
// server keeps base '/' so that history-mode paths like /login or /join/<code> load the app.
export default defineConfig(({ command }) => ({
  base: command === 'build' ? '/static/' : '/',
  plugins: [vue(), noFontCdn],
  define: {
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 800,
  },
  server: {
    proxy: {
      '/api': { target: backend, changeOrigin: false },
      '/ws': { target: backend, ws: true, changeOrigin: false },
    },
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/__tests__/**/*.spec.ts', 'tests/**/*.spec.ts'],
    setupFiles: ['tests/setup.ts'],
    restoreMocks: true,
    unstubGlobals: true,
  },
}))
