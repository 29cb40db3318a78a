/**
 * Every `data-testid` the panel sets, in one place: components use these, and the browser
 * tests (test/e2e) import them, so a renamed id breaks the build rather than a test at night.
 */
export const TID = {
  // connection and screens
  connection: 'connection-state',
  noTokenScreen: 'screen-no-token',
  refusedScreen: 'screen-refused',
  startupProgress: 'startup-progress',
  readOnlyBadge: 'badge-read-only',
  commandError: 'command-error',
  // cluster bar
  clusterBar: 'cluster-bar',
  clusterState: 'cluster-state',
  start: 'btn-start',
  stop: 'btn-stop',
  reset: 'btn-reset',
  resume: 'btn-resume',
  nodeCount: 'select-node-count',
  mode: 'select-mode',
  timeScale: 'select-time-scale',
  langSwitch: 'lang-switch',
  themeSwitch: 'theme-switch',
  faultList: 'fault-list',
  healAll: 'btn-heal-all',
  // workload controls
  workloadKind: 'select-workload',
  workloadRate: 'input-workload-rate',
  workloadClients: 'input-workload-clients',
  workloadNemesis: 'workload-nemesis',
  workloadOptions: 'btn-workload-options',
  workloadFencing: 'check-fencing',
  workloadGcPause: 'input-gc-pause',
  workloadStart: 'btn-workload-start',
  workloadStop: 'btn-workload-stop',
  workloadPhase: 'workload-phase',
  // topology and cluster-wide faults
  topology: 'topology',
  leaderName: 'leader-name',
  killLeader: 'btn-kill-leader',
  isolateLeader: 'btn-isolate-leader',
  partitionMenu: 'partition-menu',
  customPartition: 'btn-custom-partition',
  clearGroups: 'btn-clear-groups',
  linkFaultPanel: 'link-fault-panel',
  linkFaultApply: 'btn-link-fault-apply',
  // node detail, timeline, workload charts, tabs
  nodeDetail: 'node-detail',
  nodeDetailClose: 'btn-node-detail-close',
  timeline: 'timeline',
  timelineEntry: 'timeline-entry',
  workloadCharts: 'workload-charts',
  verdict: 'verdict',
  historyDownload: 'link-history-download',
  messagesPane: 'messages-pane',
  sidePane: 'side-pane',
} as const;

export const NODE_ACTIONS = ['kill', 'restart', 'pause', 'resume', 'isolate', 'skew'] as const;
export type NodeAction = (typeof NODE_ACTIONS)[number];

/** `node-n3`: the node's mark in the topology. */
export const nodeTestId = (node: string): string => `node-${node}`;
/** `node-state-n3`: its health word (up, suspected, paused, down, ...). */
export const nodeStateTestId = (node: string): string => `node-state-${node}`;
/** `node-role-n3`: leader / follower / candidate. */
export const nodeRoleTestId = (node: string): string => `node-role-${node}`;
/** `btn-kill-n3`, `btn-pause-n3`, ... */
export const nodeButtonTestId = (action: NodeAction, node: string): string => `btn-${action}-${node}`;
/** `link-n1-n2`: the drawn link between two nodes (undirected, ids sorted). */
export const linkTestId = (a: string, b: string): string => `link-${[a, b].sort().join('-')}`;
/** `btn-partition-majority-minority`: one button per named partition shape. */
export const partitionTestId = (shape: string): string => `btn-partition-${shape}`;
/** `tab-locks`, `tab-health`, ... */
export const tabTestId = (tab: string): string => `tab-${tab}`;
/** `fault-<n>`: one active fault in the bar's list. */
export const faultTestId = (i: number): string => `fault-${i}`;
