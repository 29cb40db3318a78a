// electron-builder: the installers (`npm run dist`, scripts/dist.mjs). Linux AppImage + deb,
// Windows NSIS, macOS dmg. The package holds only the bundles (no sources, no node_modules:
// everything the app runs is bundled by esbuild), the built panel and package.json.
// The node and reaper bundles run as their own processes (the app binary with
// ELECTRON_RUN_AS_NODE=1), so they are unpacked beside app.asar (asarUnpack) and found there
// by path (core/supervisor/app-host/app-layout.ts). A test checks these patterns against it.
/** @type {import('electron-builder').Configuration} */
module.exports = {
  appId: 'org.faultline.lab',
  productName: 'Faultline',
  copyright: 'MIT licensed',
  directories: { output: 'release', buildResources: 'build' },
  files: [
    'package.json',
    'dist/app/main.mjs',
    'dist/app/preload.cjs',
    'dist/app/reaper.mjs',
    'dist/app/gc-client.mjs',
    'dist/node-main.mjs',
    'dist/renderer/**/*',
    '!**/*.map',
    '!node_modules/**/*',
  ],
  asarUnpack: ['dist/node-main.mjs', 'dist/app/reaper.mjs', 'dist/app/gc-client.mjs'],
  extraMetadata: { main: 'dist/app/main.mjs' },
  // Nothing native to rebuild, and nothing from node_modules is shipped.
  npmRebuild: false,
  // runAsNode stays on: nodes and the reaper are this binary in Node mode (they need stdin
  // to notice the app's death, which utilityProcess lacks). The rest is locked down.
  electronFuses: {
    runAsNode: true,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
  },
  linux: {
    target: ['AppImage', 'deb'],
    category: 'Education',
    icon: 'build/icons',
    maintainer: 'Faultline <faultline@example.invalid>',
    synopsis: 'A lab for fault tolerance in distributed systems',
  },
  win: { target: ['nsis'], icon: 'build/icons/icon.ico' },
  nsis: { oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true },
  mac: { target: ['dmg'], category: 'public.app-category.education', icon: 'build/icons/icon.icns' },
};
