/**
 * `faultline serve` (also `npm start`, `npm run serve`, and `faultline up`): the Lab with
 * its panel. Serves the built panel on 127.0.0.1 (or --host ADDR for a classroom),
 * prints the instructor's and the viewer's links, then starts the cluster — the page is
 * up first, so a browser opened at once shows the start's progress, never a blank page.
 * Ctrl-C (or SIGTERM) stops the workload and every node and removes a temp data folder.
 */
import { createServer, isIP, type Server } from 'node:net';
import { networkInterfaces } from 'node:os';
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { KV_MODES, MAX_NODES, MIN_NODES, TIME_SCALES, type KvMode, type ProgressStep, type TimeScale } from '../../protocol/panel';
import { Lab } from '../../supervisor/lab';
import { LOCK_POLICIES, PLACEMENTS, TXN_MODES, oneOf, type LockPolicy, type Placement, type TxnMode } from '../../protocol/modes';
import { PanelApi } from '../../supervisor/panel-api';
import { NOT_BUILT_MESSAGE, servePanel } from '../../supervisor/panel/panel-server';
import { healthLine } from '../health';
import { SELF_HEAL_HELP, takeSelfHeal } from '../self-heal-arg';

export const summary = 'start the lab: a local cluster (default 5 nodes) and its control panel in the browser';

export const STATIC_DIR = fileURLToPath(new URL('../../../dist/renderer', import.meta.url));

export const help = `usage: faultline serve [--nodes 5] [--mode paxos|quorum|async|sloppy] [--txn-mode classic|paxos] [--lock-policy P]
                       [--placement hash|range] [--time-scale 1|3|10]
                       [--data DIR] [--host ADDR] [--port N] [--quiet] [--self-heal [MS]]

Starts the lab: serves the control panel on http://127.0.0.1:PORT, prints two links (the
instructor's, which can press every button, and the viewer's, read-only), and starts a
cluster of node processes. Open a link in a browser; nothing else is opened for you.
Ctrl-C stops every node (no process is left behind, even if this one is killed).
  --nodes N        founding nodes, ${MIN_NODES}..${MAX_NODES} (default 5)
  --mode M         how nodes serve key-value requests: ${KV_MODES.join(', ')} (default paxos)
  --lock-policy P  what a transaction participant does on a lock conflict: ${LOCK_POLICIES.join(', ')}
                   (default no-wait); with wait-die or wound-wait the panel's txn clients back off
  --txn-mode T     how transactions decide (the txn workload): ${TXN_MODES.join(', ')} (default
                   classic). Its own flag, not --mode: a lab cluster serves key-value and
                   transaction workloads at once, so it has one mode of each
  --placement P    how the ring replicas place keys: ${PLACEMENTS.join(', ')} (default hash; range:
                   ordered key ranges that split as they fill, shown in the panel's Ring view)
  --time-scale X   slow the cluster down for a room to watch: ${TIME_SCALES.join(', ')} (default 1);
                   multiplies Paxos heartbeat and election timeouts, the failure detector,
                   and the workload's lease TTLs and client timeouts
  --data DIR       data folder, kept afterwards (default: a temp folder removed on stop)
  --host ADDR      also open the panel (page and its socket only) to the network at ADDR,
                   for learners' laptops; the nodes stay on 127.0.0.1
  --port N         panel port (default 0: a free one, printed in the links)
  --quiet          print only the links
${SELF_HEAL_HELP}; the panel's switch changes it`;

interface ServeArgs {
  nodes: number;
  mode: KvMode;
  txnMode: TxnMode;
  lockPolicy: LockPolicy;
  placement: Placement;
  timeScale: TimeScale;
  data: string | undefined;
  host: string | undefined;
  port: number;
  quiet: boolean;
  /** The self-heal policy's delay; null: off. */
  selfHealMs: number | null;
}

export function parseServeArgs(allArgs: string[]): ServeArgs | string | 'help' {
  const selfHeal = takeSelfHeal(allArgs);
  if (typeof selfHeal === 'string') return selfHeal;
  const args = selfHeal.args;
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        nodes: { type: 'string', default: '5' },
        mode: { type: 'string', default: 'paxos' },
        'txn-mode': { type: 'string', default: 'classic' },
        'lock-policy': { type: 'string', default: 'no-wait' },
        placement: { type: 'string', default: 'hash' },
        'time-scale': { type: 'string', default: '1' },
        data: { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string', default: '0' },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    return (e as Error).message;
  }
  if (values.help) return 'help';
  const nodes = Number(values.nodes);
  if (!Number.isInteger(nodes) || nodes < MIN_NODES || nodes > MAX_NODES) return `--nodes must be an integer from ${MIN_NODES} to ${MAX_NODES}, got "${values.nodes}"`;
  if (!(KV_MODES as readonly string[]).includes(values.mode!)) return `--mode must be one of ${KV_MODES.join(', ')}, got "${values.mode}"`;
  const txnMode = oneOf(TXN_MODES, values['txn-mode']);
  if (txnMode === undefined) return `--txn-mode must be one of ${TXN_MODES.join(', ')}, got "${values['txn-mode']}"`;
  const lockPolicy = oneOf(LOCK_POLICIES, values['lock-policy']);
  if (lockPolicy === undefined) return `--lock-policy must be one of ${LOCK_POLICIES.join(', ')}, got "${values['lock-policy']}"`;
  const placement = oneOf(PLACEMENTS, values.placement);
  if (placement === undefined) return `--placement must be one of ${PLACEMENTS.join(', ')}, got "${values.placement}"`;
  const timeScale = Number(values['time-scale']);
  if (!(TIME_SCALES as readonly number[]).includes(timeScale)) return `--time-scale must be one of ${TIME_SCALES.join(', ')}, got "${values['time-scale']}"`;
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return `--port must be 0..65535, got "${values.port}"`;
  if (values.host !== undefined && isIP(values.host) === 0) return `--host must be an IP address of this machine (e.g. 192.168.1.20, or 0.0.0.0 for all), got "${values.host}"`;
  return { nodes, mode: values.mode as KvMode, txnMode, lockPolicy, placement, timeScale: timeScale as TimeScale, data: values.data, host: values.host, port, quiet: values.quiet === true, selfHealMs: selfHeal.delayMs };
}

const LOOPBACK = '127.0.0.1';

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::';
}

/** This machine's non-loopback addresses (for a wildcard --host). */
function localAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((a): a is NonNullable<typeof a> => a !== undefined && !a.internal)
    .map((a) => a.address);
}

function urlHost(address: string): string {
  return isIP(address) === 6 ? `[${address}]` : address;
}

function red(text: string): string {
  return process.env['NO_COLOR'] !== undefined || !process.stdout.isTTY ? text : `\x1b[31;1m${text}\x1b[0m`;
}

/** Forwards connections on 127.0.0.1:port to the panel's server (when it is bound to another address). */
async function loopbackListener(target: import('node:http').Server, port: number): Promise<Server> {
  const relay = createServer((socket) => target.emit('connection', socket));
  await new Promise<void>((resolve, reject) => {
    relay.once('error', reject);
    relay.listen(port, LOOPBACK, () => resolve());
  });
  return relay;
}

export async function run(args: string[], command = 'serve'): Promise<number> {
  const parsed = parseServeArgs(args);
  if (parsed === 'help') {
    console.log(command === 'serve' ? help : help.replace('usage: faultline serve', `usage: faultline ${command}`));
    return 0;
  }
  if (typeof parsed === 'string') {
    console.error(`faultline ${command}: ${parsed}\n\n${help}`);
    return 2;
  }
  const a = parsed;
  const say = (line: string): void => {
    if (!a.quiet) console.log(line);
  };
  let lab: Lab;
  try {
    lab = await Lab.create({ nodes: a.nodes, mode: a.mode, txnMode: a.txnMode, lockPolicy: a.lockPolicy, placement: a.placement, timeScale: a.timeScale, selfHealMs: a.selfHealMs, ...(a.data !== undefined ? { dataDir: a.data } : {}) });
  } catch (e) {
    console.error(`faultline ${command}: cannot use the data folder: ${(e as Error).message}`);
    return 2;
  }
  const bindHost = a.host ?? LOOPBACK;
  let port: number;
  try {
    port = await lab.server.listen(a.port, bindHost);
  } catch (e) {
    await lab.close();
    console.error(`faultline ${command}: cannot listen on ${bindHost}:${a.port}: ${(e as Error).message}${a.port !== 0 ? ' (try --port 0 for a free port)' : ''}`);
    return 2;
  }
  let relay: Server | undefined;
  if (a.host !== undefined && !isWildcard(a.host) && a.host !== LOOPBACK) {
    try {
      relay = await loopbackListener(lab.server.server, port);
    } catch {
      // 127.0.0.1:port taken: the instructor uses the network address instead.
    }
  }
  const viewerHost = a.host === undefined ? LOOPBACK : isWildcard(a.host) ? (localAddresses().find((x) => isIP(x) === 4) ?? LOOPBACK) : a.host;
  const instructorHost = a.host === undefined || isWildcard(a.host) || relay !== undefined ? LOOPBACK : a.host;
  const originHosts = new Set([LOOPBACK, 'localhost', viewerHost, instructorHost, ...(a.host !== undefined && isWildcard(a.host) ? localAddresses() : [])]);
  const allowedOrigins = [...originHosts].map((h) => `http://${urlHost(h)}:${port}`);

  const instructorToken = randomBytes(24).toString('base64url');
  const viewerToken = randomBytes(24).toString('base64url');
  const panel = new PanelApi(lab, { instructorToken, viewerToken, allowedOrigins, exposed: a.host !== undefined });
  servePanel(lab.server, { staticDir: STATIC_DIR, authorize: (t) => panel.authorize(t), historyFile: () => lab.workload.historyFile });

  console.log('Faultline lab: open a link in a browser.');
  console.log(`  instructor  http://${urlHost(instructorHost)}:${port}/#token=${instructorToken}`);
  console.log(`  viewer      http://${urlHost(viewerHost)}:${port}/#token=${viewerToken}   (read-only: share this one)`);
  if (a.host !== undefined) {
    console.log(red(`  WARNING: the panel is open to the network on ${a.host}:${port}. Anyone who can reach it and has a link's token can`));
    console.log(red('  watch (viewer) or control (instructor) the lab. Share only the viewer link; the nodes stay on 127.0.0.1.'));
  }
  if (!existsSync(join(STATIC_DIR, 'index.html'))) console.log(`  note: ${NOT_BUILT_MESSAGE}`);
  if (a.selfHealMs !== null) console.log(`Self-heal on: a crashed node restarts after ${a.selfHealMs} ms.`);
  console.log(`Starting ${a.nodes} nodes (data in ${lab.dataPath}) …`);

  let printed = 0;
  lab.on('info', (info) => {
    if (info.progress.length < printed) printed = 0;
    for (const step of info.progress.slice(printed)) say(progressLine(step));
    printed = info.progress.length;
  });
  lab.on('workload', (w) => {
    if (w.phase === 'done' && w.verdict) say(`  [workload ${w.run}] verdict: ${w.verdict.valid === true ? 'PASS' : w.verdict.valid === false ? 'VIOLATION' : 'UNKNOWN'}: ${w.verdict.summary}`);
  });

  let stopping: (() => void) | undefined;
  const stopped = new Promise<void>((resolve) => (stopping = resolve));
  let signals = 0;
  // Kept (not once) until the end: a second Ctrl-C or SIGTERM while shutting down would
  // otherwise kill the process with the nodes half stopped and the temp data folder left.
  const onSignal = (): void => {
    if (++signals > 1) say('Still stopping (every node, then the data folder) …');
    stopping?.();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  // The page is served already; the cluster starts now (its progress goes to the panel).
  const startedAt = performance.now();
  const starting = lab.start().then(
    () => {
      console.log(`Cluster up in ${((performance.now() - startedAt) / 1000).toFixed(2)} s.`);
      const cluster = lab.cluster;
      if (cluster) {
        for (const e of cluster.endpoints()) say(`  node ${e.id.padEnd(4)} ws://127.0.0.1:${e.port}/client`);
        say(`  client token (opens /client only) ${cluster.token}`);
      }
      console.log('Press Ctrl-C to stop.');
    },
    (e: unknown) => {
      console.error(`faultline ${command}: the cluster did not start: ${(e as Error).message}. The panel stays up: press start to try again.`);
      console.log('Press Ctrl-C to stop.');
    },
  );
  const ticker = setInterval(() => {
    if (!a.quiet && lab.cluster) console.log(healthLine(panel.state().nodes));
  }, 10_000);
  ticker.unref();
  await stopped;
  clearInterval(ticker);
  say('\nStopping every node …');
  await starting;
  panel.close();
  relay?.close();
  await lab.close();
  say('Stopped.');
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  return 0;
}

function progressLine(step: ProgressStep): string {
  return `  [${(step.atMs / 1000).toFixed(2).padStart(6)}s] ${step.message}`;
}
