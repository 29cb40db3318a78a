/**
 * The node process entry: `node --import tsx core/node/node-main.ts --id n1 --data DIR
 * --members n1,n2,n3 [--learner] [--supervisor ws://127.0.0.1:P/node] [--peers n2=PORT,...]
 * [--port 0] [--mode paxos|quorum|async|sloppy] [--txn-mode classic|paxos|...] [--lock-policy no-wait|wait-die|wound-wait] [--placement hash|range] [--split-keys N] [--async-copy-delay-ms N] [--time-scale 1|3|10]`.
 * Credentials come in the environment, never on the command line: the client token in
 * FAULTLINE_TOKEN, this node's supervisor secret in FAULTLINE_NODE_SECRET (with --supervisor;
 * the link keys then arrive over the control channel), or its link keys in
 * FAULTLINE_LINK_KEYS (standalone, with --peers).
 * Prints `{"event":"ready",...}` on stdout once it listens, and exits when its stdin
 * closes (the supervisor is gone), so it never outlives the lab.
 *
 * --members are always the FOUNDING members (the Paxos acceptors and the initial ring).
 * A node added later runs with --learner and an id outside --members: it learns the log
 * (and its own join) from the acceptors and becomes a ring member when the join applies.
 */
import { parseArgs } from 'node:util';
import { CREDENTIAL_ENV, parseLinkKeys } from './credentials';
import { parseNodeWeights } from '../protocol/weights';
import { KV_MODES, type KvMode } from './node-machine';
import { NodeHost } from './host';
import { LOCK_POLICIES } from '../algorithms/twopc/lock-table';
import { PLACEMENTS, TXN_MODES, oneOf } from '../protocol/modes';

function fail(message: string): never {
  process.stderr.write(`faultline node: ${message}\n`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    id: { type: 'string' },
    data: { type: 'string' },
    members: { type: 'string' },
    supervisor: { type: 'string' },
    peers: { type: 'string' },
    port: { type: 'string', default: '0' },
    mode: { type: 'string', default: 'paxos' },
    'txn-mode': { type: 'string', default: 'classic' },
    'lock-policy': { type: 'string', default: 'no-wait' },
    /** How the ring replicas place keys: hash (default) or range, with --split-keys N (default 64). */
    placement: { type: 'string', default: 'hash' },
    'split-keys': { type: 'string' },
    'async-copy-delay-ms': { type: 'string' },
    /** Ring weights of the founding members, `n2=2,n3=0.5` (the same on every node). */
    weights: { type: 'string' },
    'time-scale': { type: 'string', default: '1' },
    learner: { type: 'boolean', default: false },
  },
});

const token = process.env[CREDENTIAL_ENV.clientToken];
if (!token) fail(`${CREDENTIAL_ENV.clientToken} must hold the client token`);
const supervisorSecret = process.env[CREDENTIAL_ENV.nodeSecret];
if (values.supervisor && !supervisorSecret) fail(`--supervisor needs this node's secret in ${CREDENTIAL_ENV.nodeSecret}`);
let linkKeys: Record<string, string> = {};
try {
  linkKeys = parseLinkKeys(process.env[CREDENTIAL_ENV.linkKeys] ?? '');
} catch (e) {
  fail((e as Error).message);
}
// Nothing below needs them in the environment any more (a child process would inherit them).
for (const name of Object.values(CREDENTIAL_ENV)) delete process.env[name];
if (!values.id) fail('--id is required');
if (!values.data) fail('--data is required');
const members = (values.members ?? values.id).split(',').filter(Boolean);
const learner = values.learner === true;
if (!learner && !members.includes(values.id)) fail(`--members must include this node (${values.id}), got ${members.join(',')}`);
if (learner && members.includes(values.id)) fail(`a --learner is not a founding member, but --members lists ${values.id}: ${members.join(',')}`);
if (!KV_MODES.includes(values.mode as KvMode)) fail(`--mode must be one of ${KV_MODES.join(', ')}, got ${values.mode}`);
const placement = oneOf(PLACEMENTS, values.placement) ?? fail(`--placement must be one of ${PLACEMENTS.join(', ')}, got ${values.placement}`);
const splitKeysText = values['split-keys'];
if (splitKeysText !== undefined && !(Number.isInteger(Number(splitKeysText)) && Number(splitKeysText) >= 1)) fail(`--split-keys must be a whole number >= 1, got ${splitKeysText}`);
const txnMode = oneOf(TXN_MODES, values['txn-mode']) ?? fail(`--txn-mode must be one of ${TXN_MODES.join(', ')}, got ${values['txn-mode']}`);
const lockPolicy = oneOf(LOCK_POLICIES, values['lock-policy']) ?? fail(`--lock-policy must be one of ${LOCK_POLICIES.join(', ')}, got ${values['lock-policy']}`);
const weights = parseNodeWeights(values.weights ?? '', members);
if (typeof weights === 'string') fail(`--weights: ${weights}`);
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be 0..65535, got ${values.port}`);
const asyncCopyDelay = values['async-copy-delay-ms'];
if (asyncCopyDelay !== undefined && !(Number.isInteger(Number(asyncCopyDelay)) && Number(asyncCopyDelay) >= 0)) {
  fail(`--async-copy-delay-ms must be a whole number of ms, got ${asyncCopyDelay}`);
}
const timeScale = Number(values['time-scale']);
if (!(Number.isFinite(timeScale) && timeScale >= 1 && timeScale <= 100)) fail(`--time-scale must be a number from 1 to 100, got ${values['time-scale']}`);
const peers: Record<string, { port: number }> = {};
for (const item of (values.peers ?? '').split(',').filter(Boolean)) {
  const [id, p] = item.split('=');
  if (!id || !p || !Number.isInteger(Number(p))) fail(`--peers takes id=port,..., got "${item}"`);
  peers[id] = { port: Number(p) };
}

const host = await NodeHost.start({
  id: values.id,
  members,
  ...(learner ? { learner: true } : {}),
  dataDir: values.data,
  token,
  ...(supervisorSecret ? { supervisorSecret } : {}),
  linkKeys,
  mode: values.mode as KvMode,
  txnMode,
  lockPolicy,
  ...(placement !== 'hash' ? { placement } : {}),
  ...(splitKeysText !== undefined ? { splitKeys: Number(splitKeysText) } : {}),
  port,
  peers,
  ...(asyncCopyDelay !== undefined ? { asyncCopyDelayMs: Number(asyncCopyDelay) } : {}),
  ...(Object.keys(weights).length > 0 ? { weights } : {}),
  ...(timeScale !== 1 ? { timeScale } : {}),
  ...(values.supervisor ? { supervisorUrl: values.supervisor } : {}),
});

if (host.repair) {
  process.stderr.write(
    `node ${values.id}: the durable log had a damaged tail (${host.repair.reason} at byte ${host.repair.offset}); ` +
      `truncated ${host.repair.droppedBytes} bytes and kept every intact record\n`,
  );
}
process.stdout.write(
  JSON.stringify({ event: 'ready', id: values.id, port: host.port, pid: process.pid, restoredRecords: host.restoredRecords, repair: host.repair ?? null }) + '\n',
);

let stopping = false;
async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  await host.stop().catch(() => {});
  process.exit(code);
}
process.stdin.on('end', () => void shutdown(0));
process.stdin.on('error', () => void shutdown(0));
process.stdin.resume();
process.on('SIGTERM', () => void shutdown(0));
process.on('SIGINT', () => void shutdown(0));
