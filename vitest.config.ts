import { configDefaults, defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';
import { panelAlias, panelDefine } from './renderer/vite.config.js';

export default defineConfig({
  test: {
    // Integration tests start real processes; keep the 2-core machines from thrashing.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: { name: 'core', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, 'test/e2e/**', 'test/renderer/**'], sequence: { groupOrder: 0 } },
      },
      {
        // The panel's stores, views and components in a DOM (happy-dom), with the page's own
        // Vue plugin, vue-i18n build and feature flags.
        extends: true,
        plugins: [vue()],
        resolve: { alias: panelAlias },
        define: panelDefine,
        test: {
          name: 'renderer',
          include: ['renderer/**/*.test.ts', 'test/renderer/**/*.test.ts'],
          environment: 'happy-dom',
          sequence: { groupOrder: 0 },
        },
      },
      {
        // The panel in Debian's chromium against a real `faultline serve`: run after everything
        // else and one file at a time, so a browser and a 5-node cluster never compete with
        // another file's cluster for the 2 cores (the recipes do not depend on it, but the
        // run stays short and calm). Files skip with a message where chromium is absent.
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
