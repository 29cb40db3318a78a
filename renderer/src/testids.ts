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
  txnMode: 'select-txn-mode',
  lockPolicy: 'select-lock-policy',
  placement: 'select-placement',
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
  workloadGcSigstop: 'check-gc-sigstop',
  workloadTtl: 'input-lease-ttl',
  workloadPolicy: 'select-balance-policy',
  membership: 'ring-membership',
  membershipAdd: 'btn-add-node',
  membershipAddWeight: 'input-add-node-weight',
  verdictLoad: 'verdict-load',
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
  linkFaultClear: 'btn-link-fault-clear',
  linkBothWays: 'check-link-both',
  linkCut: 'check-link-cut',
  linkDrop: 'input-link-drop',
  linkDelay: 'input-link-delay',
  linkDuplicate: 'input-link-duplicate',
  linkReorder: 'input-link-reorder',
  topologySummary: 'topology-summary',
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
  // side views and messages (views helper)
  locksView: 'locks-view',
  resourceWriteAccepted: 'resource-write-accepted',
  resourceWriteRefused: 'resource-write-refused',
  txnsView: 'transactions-view',
  txnBlocked: 'txn-blocked-summary',
  paxosView: 'paxos-view',
  paxosLeader: 'paxos-leader',
  paxosBallot: 'paxos-ballot',
  paxosGrid: 'paxos-grid',
  ringView: 'ring-view',
  ringChart: 'ring-chart',
  ringMoved: 'ring-moved',
  /** Range placement: the list of ranges, and the splits seen. */
  ringRanges: 'ring-ranges',
  ringSplits: 'ring-splits',
  healthView: 'health-view',
  healthChart: 'health-chart',
  healthObserver: 'select-health-observer',
  /** The Health view's table of CPU, memory and disk per node. */
  healthResources: 'health-resources',
  messagesCanvas: 'messages-canvas',
  messagesLive: 'messages-live',
  messagesPause: 'btn-messages-pause',
  messagesBack: 'btn-messages-back',
  messagesForward: 'btn-messages-forward',
  messagesSpan: 'select-messages-span',
  messagesFilters: 'messages-filters',
  messagesHeartbeats: 'btn-messages-heartbeats',
  messagesNotDrawn: 'messages-not-drawn',
  /** The availability figures (workload strip, verdict) and their parts. */
  figures: 'availability-figures',
  figuresRequests: 'figures-requests',
  figuresTime: 'figures-time',
  figuresMttd: 'figures-mttd',
  figuresMttr: 'figures-mttr',
  /** The cluster bar's self-heal switch. */
  selfHeal: 'check-self-heal',
  verdictValid: 'verdict-valid',
  verdictEvidence: 'verdict-evidence',
} as const;

export const NODE_ACTIONS = ['kill', 'restart', 'pause', 'resume', 'isolate', 'skew'] as const;
export type NodeAction = (typeof NODE_ACTIONS)[number];

/** `disk-n3`: a node's disk use (node detail and the Health view's table). */
export const diskTestId = (node: string): string => `disk-${node}`;
/** `node-n3`: the node's mark in the topology. */
export const nodeTestId = (node: string): string => `node-${node}`;
/** `node-state-n3`: its health word (up, isolated = cut off, paused, down, ...). */
export const nodeStateTestId = (node: string): string => `node-state-${node}`;
/** `node-role-n3`: leader / follower / candidate. */
export const nodeRoleTestId = (node: string): string => `node-role-${node}`;
/** `btn-kill-n3`, `btn-pause-n3`, ... */
export const nodeButtonTestId = (action: NodeAction, node: string): string => `btn-${action}-${node}`;
/** `input-skew-n3`: the milliseconds the skew button applies. */
export const skewInputTestId = (node: string): string => `input-skew-${node}`;
/** `link-n1-n2`: the drawn link between two nodes (undirected, ids sorted). */
export const linkTestId = (a: string, b: string): string => `link-${[a, b].sort().join('-')}`;
/** `btn-partition-majority-minority`: one button per named partition shape. */
export const partitionTestId = (shape: string): string => `btn-partition-${shape}`;
/** `group-zone-0`: a drop zone (A, B, C) while drawing a partition. */
export const groupZoneTestId = (i: number): string => `group-zone-${i}`;
/** `nemesis-kill-leader`: the workload's nemesis checkbox for one fault. */
export const nemesisTestId = (fault: string): string => `nemesis-${fault}`;
/** `tab-locks`, `tab-health`, ... */
export const tabTestId = (tab: string): string => `tab-${tab}`;
/** `fault-<n>`: one active fault in the bar's list. */
export const faultTestId = (i: number): string => `fault-${i}`;

// ---- side views and messages (views helper) ----
/** `lock-row-lock0`, and its holder, token and lease cells. */
export const lockRowTestId = (lock: string): string => `lock-row-${lock}`;
export const lockHolderTestId = (lock: string): string => `lock-holder-${lock}`;
export const lockTokenTestId = (lock: string): string => `lock-token-${lock}`;
export const lockLeaseTestId = (lock: string): string => `lock-lease-${lock}`;
/** `txn-row-t17`, `txn-state-t17-n2` (the cell carries data-state), `txn-decision-t17`. */
export const txnRowTestId = (txn: string): string => `txn-row-${txn}`;
export const txnStateTestId = (txn: string, node: string): string => `txn-state-${txn}-${node}`;
export const txnDecisionTestId = (txn: string): string => `txn-decision-${txn}`;
/** A participant queued for keys by the lock policy. */
export const txnWaitingTestId = (txn: string, node: string): string => `txn-waiting-${txn}-${node}`;
/** Who decided: data-by = coordinator | log. */
export const txnDecidedByTestId = (txn: string): string => `txn-decided-by-${txn}`;
/** `paxos-slot-12` (column header, data-chosen yes/no), `paxos-cell-n2-12`. */
export const paxosSlotTestId = (slot: number): string => `paxos-slot-${slot}`;
export const paxosCellTestId = (node: string, slot: number): string => `paxos-cell-${node}-${slot}`;
/** `btn-reweight-n3`, `btn-remove-n3`, `input-weight-n3`: a ring member's controls. */
export const membershipTestId = (what: 'reweight' | 'remove' | 'weight', node: string): string => `${what === 'weight' ? 'input' : 'btn'}-${what}-${node}`;
/** `ring-load-n3`: a node's load bar. */
export const ringLoadTestId = (node: string): string => `ring-load-${node}`;
/** `filter-node-n3`, `filter-kind-paxos.accept`: the message diagram's filter chips. */
export const messagesNodeTestId = (node: string): string => `filter-node-${node}`;
export const messagesKindTestId = (kind: string): string => `filter-kind-${kind}`;
