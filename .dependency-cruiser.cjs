// The layering of DESIGN.md, enforced: imports only point downward, and each folder
// imports only what may run where it runs (VS Code's common / node / browser split).
//   common (no I/O, no Node built-ins): core/algorithms, core/check, core/sim, core/protocol
//   node:                               core/node, core/supervisor, core/cli, core/bench
//   browser:                            renderer
//   electron-main:                      electron
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'algorithms-are-pure',
      comment: 'core/algorithms are pure state machines: they import only each other.',
      severity: 'error',
      from: { path: '^core/algorithms/' },
      to: { pathNot: '^core/algorithms/' },
    },
    {
      name: 'common-has-no-io',
      comment: 'core/check, core/sim and core/protocol run anywhere: no Node built-ins.',
      severity: 'error',
      from: { path: '^core/(check|sim|protocol)/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'check-is-below-sim',
      comment: 'checkers judge histories; they know nothing of simulators, nodes or the CLI.',
      severity: 'error',
      from: { path: '^core/check/' },
      to: { path: '^core/(sim|node|supervisor|cli|protocol)/' },
    },
    {
      name: 'sim-runs-no-real-io',
      comment: 'the simulator hosts the algorithms in virtual time; it never touches real nodes.',
      severity: 'error',
      from: { path: '^core/sim/' },
      to: { path: '^core/(node|supervisor|cli)/' },
    },
    {
      name: 'protocol-is-a-leaf',
      comment: 'core/protocol declares the wire format; only algorithm types sit below it.',
      severity: 'error',
      from: { path: '^core/protocol/' },
      to: { path: '^core/(sim|check|node|supervisor|cli)/' },
    },
    {
      name: 'node-is-below-supervisor',
      severity: 'error',
      from: { path: '^core/node/' },
      to: { path: '^core/(supervisor|cli)/' },
    },
    {
      name: 'supervisor-is-below-cli',
      severity: 'error',
      from: { path: '^core/supervisor/' },
      to: { path: '^core/cli/' },
    },
    {
      name: 'renderer-is-a-browser',
      comment: 'the panel runs in a plain browser too: no Node, no Electron, only protocol types from core.',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'renderer-talks-protocol-only',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { path: '^(core/(?!protocol/)|electron/)' },
    },
    {
      name: 'renderer-no-electron',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { path: 'node_modules/electron/' },
    },
    {
      name: 'electron-is-a-thin-shell',
      comment: 'electron/ wires windows and menus; the lab it runs lives in core/supervisor/app-host (plain Node, tested without Electron).',
      severity: 'error',
      from: { path: '^electron/' },
      to: { path: '^core/(?!protocol/|supervisor/app-host/)' },
    },
    {
      name: 'only-the-shell-imports-electron',
      comment: "core/ (app-host included) runs under plain Node in tests and the CLI: never import 'electron'.",
      severity: 'error',
      from: { path: '^(core|renderer|scripts|bin)/' },
      to: { path: 'node_modules/electron/' },
    },
    {
      name: 'nothing-imports-the-shell',
      comment: 'electron/ is the top layer: only tests read its plain modules (menu strings).',
      severity: 'error',
      from: { pathNot: '^(electron|test)/' },
      to: { path: '^electron/' },
    },
    {
      name: 'nothing-imports-tests',
      severity: 'error',
      from: { pathNot: '^test/' },
      to: { path: '^test/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.mjs', '.js', '.vue'] },
  },
};
