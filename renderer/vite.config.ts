/**
 * The panel's build: root renderer/, output dist/renderer (served by `faultline serve`
 * under the strict CSP of core/protocol/csp.ts, so nothing may need eval).
 * In dev (`npm run dev:panel`), /panel and /history.jsonl are proxied to a running
 * supervisor: FAULTLINE_SUPERVISOR=http://127.0.0.1:PORT.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

const root = fileURLToPath(new URL('.', import.meta.url));
const supervisor = process.env.FAULTLINE_SUPERVISOR ?? 'http://127.0.0.1:7070';

/** Shared with the renderer's Vitest project, so tests run the same vue-i18n build as the page. */
export const panelAlias = {
  // The runtime-only build has no message compiler (the compiler's code generator
  // needs eval); renderer/src/i18n turns every string into a message function.
  'vue-i18n': 'vue-i18n/dist/vue-i18n.runtime.esm-bundler.js',
};
export const panelDefine = {
  __VUE_OPTIONS_API__: 'false',
  __VUE_PROD_DEVTOOLS__: 'false',
  __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
  __VUE_I18N_FULL_INSTALL__: 'false',
  __VUE_I18N_LEGACY_API__: 'false',
  __INTLIFY_PROD_DEVTOOLS__: 'false',
  __INTLIFY_JIT_COMPILATION__: 'false',
  __INTLIFY_DROP_MESSAGE_COMPILER__: 'true',
};

export default defineConfig({
  root,
  base: './',
  plugins: [vue()],
  resolve: { alias: panelAlias },
  define: panelDefine,
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // No inline scripts or eval-based chunks: the CSP allows 'self' scripts only.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1500,
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/panel': { target: supervisor, ws: true, changeOrigin: false },
      '/history.jsonl': { target: supervisor },
    },
  },
});
