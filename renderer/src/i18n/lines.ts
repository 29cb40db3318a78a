/**
 * What the supervisor says (timeline entries, startup progress) in both languages. Each
 * line arrives as a code with params (core/protocol/panel.ts TimelineParams); these tables
 * say every code, and the compiler checks that both tables cover every code and nothing
 * else, and that a message names only params its code has. A param whose values are a
 * vocabulary (a node state, a command, an error code...) is translated too (PARAM_WORDS);
 * what the supervisor could not code comes as `detail`, shown apart in its own words.
 * The messages go to vue-i18n under `common.line` (nested at the code's dots).
 */
import type { TimelineCode, TimelineParams, PanelCommandKind } from '../../../core/protocol/panel';
import type { PartitionShape } from '../components/vocab';
import type { MessageTree } from './compile';

/** The `{name}` placeholders of a message. */
type Holes<S extends string> = S extends `${string}{${infer P}}${infer R}` ? P | Holes<R> : never;
type LineTable = { readonly [C in TimelineCode]: string };
/** Each message must name only params of its code (a typo or a param the code lacks fails here). */
type Checked<T extends LineTable> = {
  readonly [C in TimelineCode]: [Holes<T[C]>] extends [keyof TimelineParams[C] & string] ? T[C] : `names a param ${C} lacks`;
};
function lines<const T extends LineTable>(table: T & Checked<T>): T {
  return table;
}

const en = lines({
  'cluster.start': 'start a fresh cluster',
  'cluster.reset': 'reset: stop, delete the data, start fresh',
  'cluster.stop': 'stop every node (data kept)',
  'cluster.resume': 'start the stopped nodes again from their data',
  'progress.spawning': 'starting {n} nodes (mode {mode}, time ×{scale})',
  'progress.resuming': 'resuming {n} nodes (mode {mode}, time ×{scale})',
  'progress.spawned': '{node} spawned',
  'progress.ready': '{node} ready',
  'progress.leader': '{node} elected leader',
  'progress.failed': 'the cluster did not start',
  'progress.stopping': 'stopping every node',
  'progress.stopped': 'every node stopped (data kept)',
  'node.state': '{node} is {state}',
  'leader.elected': '{node} leads (ballot {ballot})',
  'leader.none': 'no leader',
  'suspicion.on': '{node} suspected by {by}',
  'suspicion.off': '{node} no longer suspected',
  'command.failed': '{command} failed: {code}',
  'fault.kill': 'kill -9 {node}',
  'fault.kill-leader': 'kill -9 the leader {node}',
  'fault.pause': 'pause (SIGSTOP) {node}',
  'heal.restart': 'restart {node}',
  'heal.resume': 'resume (SIGCONT) {node}',
  'fault.partition': 'partition: {shape} {node} ({cuts} links cut)',
  'fault.isolate-leader': 'isolate the leader {node} ({cuts} links cut)',
  'fault.cut': 'cut {links}',
  'fault.cut-none': 'no links cut',
  'fault.link': 'link {from} → {to} set',
  'fault.link-cleared': 'link {from} → {to} cleared',
  'fault.skew': 'clock skew {node} {skew} ms',
  'heal.all': 'heal all network and clock faults',
  'selfheal.on': 'self-heal on: a crashed node restarts after {delayMs} ms',
  'selfheal.off': 'self-heal off: a crashed node stays down until restarted',
  'selfheal.restart': 'self-heal restarts {node} ({delayMs} ms after its crash)',
  'selfheal.failed': 'self-heal could not restart {node}',
  'membership.adding': 'adding a node (join through the log)',
  'membership.joined': '{node} joined the ring; keys rebalanced',
  'placement.split': 'a range split at “{at}”; the new range is on {owners} (no key moved)',
  'replication.semi-sync-off': '{node}: no backup acknowledged {key} in time; semi-sync off, it acknowledges writes alone',
  'replication.semi-sync-on': '{node}: {backup} caught up; semi-sync on, acknowledgements wait for a backup again',
  'membership.leaving': '{node} leaving the ring (leave through the log)',
  'membership.left-stopped': '{node} left the ring; its keys moved and its process stopped',
  'membership.left-kept': '{node} left the ring; its keys moved (a founding member keeps running as a Paxos acceptor and 2PC home)',
  'membership.reweighted': '{node} now has weight {weight}; keys moved by weight',
  'workload.start': '{workload}: {clients} clients, {rate} ops/s, {seconds} s, faults: {faults}, seed {seed}',
  'workload.verdict': '{workload}: {valid} ({model})',
  'workload.failed': 'the workload failed',
  'check.live': 'the live check found a violation',
  'nemesis.fault': 'nemesis: {fault} {nodes}',
  'nemesis.skipped': 'nemesis: {fault} skipped (a majority would be down)',
  'nemesis.heal': 'nemesis heals {fault} {nodes}',
  'nemesis.heal-all': 'final heal: every fault removed, every node up',
  'nemesis.error': 'nemesis: a fault or heal failed',
});

const zh = lines({
  'cluster.start': '启动一个全新的集群',
  'cluster.reset': '重置：停止、删除数据、重新启动',
  'cluster.stop': '停止所有节点（保留数据）',
  'cluster.resume': '从保留的数据重新启动已停止的节点',
  'progress.spawning': '正在启动 {n} 个节点（模式 {mode}，时间 ×{scale}）',
  'progress.resuming': '正在恢复 {n} 个节点（模式 {mode}，时间 ×{scale}）',
  'progress.spawned': '{node} 已创建',
  'progress.ready': '{node} 已就绪',
  'progress.leader': '{node} 当选领导者',
  'progress.failed': '集群未能启动',
  'progress.stopping': '正在停止所有节点',
  'progress.stopped': '所有节点已停止（保留数据）',
  'node.state': '{node} 状态：{state}',
  'leader.elected': '{node} 成为领导者（选票 {ballot}）',
  'leader.none': '没有领导者',
  'suspicion.on': '{node} 被 {by} 怀疑',
  'suspicion.off': '{node} 不再被怀疑',
  'command.failed': '{command} 失败：{code}',
  'fault.kill': '杀死（kill -9）{node}',
  'fault.kill-leader': '杀死（kill -9）领导者 {node}',
  'fault.pause': '暂停（SIGSTOP）{node}',
  'heal.restart': '重启 {node}',
  'heal.resume': '恢复（SIGCONT）{node}',
  'fault.partition': '网络分区：{shape} {node}（切断 {cuts} 条链路）',
  'fault.isolate-leader': '隔离领导者 {node}（切断 {cuts} 条链路）',
  'fault.cut': '切断 {links}',
  'fault.cut-none': '没有切断的链路',
  'fault.link': '设置链路 {from} → {to}',
  'fault.link-cleared': '清除链路 {from} → {to} 的故障',
  'fault.skew': '{node} 时钟偏移 {skew} 毫秒',
  'heal.all': '修复所有网络和时钟故障',
  'selfheal.on': '自愈已开启：崩溃的节点在 {delayMs} 毫秒后自动重启',
  'selfheal.off': '自愈已关闭：崩溃的节点保持宕机，直到手动重启',
  'selfheal.restart': '自愈：重启 {node}（崩溃 {delayMs} 毫秒后）',
  'selfheal.failed': '自愈未能重启 {node}',
  'membership.adding': '正在添加节点（通过日志加入）',
  'membership.joined': '{node} 已加入环；键已重新平衡',
  'placement.split': '一个区间在“{at}”处分裂；新区间位于 {owners}（没有键移动）',
  'replication.semi-sync-off': '{node}：没有备份及时确认 {key}；半同步关闭，它独自确认写入',
  'replication.semi-sync-on': '{node}：{backup} 已追上；半同步开启，确认重新等待备份',
  'membership.leaving': '{node} 正在离开环（通过日志离开）',
  'membership.left-stopped': '{node} 已离开环；它的键已迁移，进程已停止',
  'membership.left-kept': '{node} 已离开环；它的键已迁移（创始成员继续作为 Paxos 接受者和两阶段提交的归属节点运行）',
  'membership.reweighted': '{node} 的权重现为 {weight}；键已按权重迁移',
  'workload.start': '{workload}：{clients} 个客户端，{rate} 次操作/秒，{seconds} 秒，故障：{faults}，种子 {seed}',
  'workload.verdict': '{workload}：{valid}（{model}）',
  'workload.failed': '负载运行失败',
  'check.live': '实时检查发现了违规',
  'nemesis.fault': '故障注入：{fault} {nodes}',
  'nemesis.skipped': '故障注入：跳过 {fault}（否则多数节点会宕机）',
  'nemesis.heal': '故障注入修复 {fault} {nodes}',
  'nemesis.heal-all': '最终修复：所有故障已移除，所有节点已运行',
  'nemesis.error': '故障注入：某个故障或修复失败',
});

/** Every code's message, per language (what the i18n test compares). */
export const LINE_MESSAGES = { en, 'zh-CN': zh } as const;

/** Command names as the timeline says them. */
const commandsEn = {
  'cluster-start': 'start',
  'cluster-stop': 'stop',
  'cluster-reset': 'reset',
  'cluster-resume': 'resume cluster',
  kill: 'kill',
  'kill-leader': 'kill leader',
  restart: 'restart',
  pause: 'pause',
  resume: 'resume',
  partition: 'partition',
  'isolate-leader': 'isolate leader',
  cut: 'cut links',
  'link-fault': 'link fault',
  skew: 'clock skew',
  heal: 'heal',
  'self-heal': 'self-heal',
  'add-node': 'add node',
  'remove-node': 'remove node',
  reweight: 'set weight',
  'workload-start': 'start workload',
  'workload-stop': 'stop workload',
} as const satisfies Record<PanelCommandKind, string>;
const commandsZh = {
  'cluster-start': '启动',
  'cluster-stop': '停止',
  'cluster-reset': '重置',
  'cluster-resume': '恢复集群',
  kill: '杀死',
  'kill-leader': '杀死领导者',
  restart: '重启',
  pause: '暂停',
  resume: '恢复',
  partition: '网络分区',
  'isolate-leader': '隔离领导者',
  cut: '切断链路',
  'link-fault': '链路故障',
  skew: '时钟偏移',
  heal: '修复',
  'self-heal': '自愈',
  'add-node': '添加节点',
  'remove-node': '移除节点',
  reweight: '设置权重',
  'workload-start': '启动负载',
  'workload-stop': '停止负载',
} as const satisfies Record<PanelCommandKind, string>;

const shapesEn = {
  isolate: 'isolate',
  'isolate-leader': 'isolate the leader',
  halves: 'halves',
  'majorities-ring': 'overlapping majorities',
  bridge: 'bridge',
  'one-way': 'one-way',
} as const satisfies Record<PartitionShape, string>;
const shapesZh = {
  isolate: '隔离',
  'isolate-leader': '隔离领导者',
  halves: '一分为二',
  'majorities-ring': '重叠多数派',
  bridge: '桥接',
  'one-way': '单向',
} as const satisfies Record<PartitionShape, string>;

/** `{ 'fault.kill': m }` → `{ fault: { kill: m } }`, as vue-i18n resolves dotted keys. */
function nest(table: Readonly<Record<string, string>>): MessageTree {
  const out: Record<string, Record<string, string> | string> = {};
  for (const [code, message] of Object.entries(table)) {
    const [head, ...rest] = code.split('.');
    const group = (out[head as string] ??= {}) as Record<string, string>;
    group[rest.join('.')] = message;
  }
  return out;
}

/** What common.ts merges in under `common`: `line.*`, `command.*`, `shape.*`. */
export const lineMessages = {
  en: { line: nest(en), command: commandsEn, shape: shapesEn },
  'zh-CN': { line: nest(zh), command: commandsZh, shape: shapesZh },
} as const;

type Translate = (key: string, named?: Record<string, unknown>) => string;
type Has = (key: string) => boolean;

/** Params whose values are a vocabulary: the i18n prefix that says each value. */
const PARAM_WORDS: Readonly<Record<string, string>> = {
  state: 'common.lifecycle.',
  command: 'common.command.',
  code: 'common.error.',
  shape: 'common.shape.',
  mode: 'clusterBar.modes.',
  fault: 'clusterBar.nemesisFaults.',
  faults: 'clusterBar.nemesisFaults.',
  workload: 'clusterBar.workloads.',
  valid: 'verdict.valid.',
};

function word(t: Translate, te: Has, name: string, value: unknown): string {
  const prefix = PARAM_WORDS[name];
  if (prefix === undefined) return String(value);
  if (name === 'faults') {
    const list = String(value).split(',').filter((f) => f !== '');
    return list.length === 0 ? t('common.none') : list.map((f) => (te(prefix + f) ? t(prefix + f) : f)).join(', ');
  }
  return te(prefix + String(value)) ? t(prefix + String(value)) : String(value);
}

const KNOWN = new Set<string>(Object.keys(en));

/** A line the supervisor sent: its code and params (absent from an older supervisor) and English text. */
export interface SaidLine {
  readonly code?: string;
  readonly params?: Readonly<Record<string, unknown>>;
  readonly text: string;
}

/** The line in the panel's language; the English `text` only for a code this panel does not know. */
export function sayLine(t: Translate, te: Has, said: SaidLine): string {
  if (typeof said.code !== 'string' || !KNOWN.has(said.code)) return said.text;
  const named: Record<string, string> = {};
  for (const [k, v] of Object.entries(said.params ?? {})) named[k] = word(t, te, k, v);
  // An empty param (a partition with no node) leaves no double space or space before a full-width bracket.
  return t(`common.line.${said.code}`, named).replace(/ {2,}/g, ' ').replace(/ (?=[（，：])/g, '');
}
