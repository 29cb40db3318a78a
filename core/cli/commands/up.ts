import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { Cluster } from '../../supervisor/cluster';
import { createDataDir } from '../../supervisor/data-dir';
import { PanelApi } from '../../supervisor/panel-api';
import { healthLine } from '../health';

export const summary = 'start a local cluster (default 5 nodes) and keep it running until Ctrl-C';

const help = `usage: faultline up [--nodes 5] [--data DIR] [--mode quorum|async|sloppy]

Starts N node processes on 127.0.0.1, the supervisor they register with, and the panel
endpoint. Prints where everything listens and a health line every few seconds.
Ctrl-C stops every node (no process is left behind, even if this one is killed).
  --nodes N      cluster size (3..9, default 5)
  --data DIR     data directory, kept after stopping (default: a fresh temp directory,
                 removed when the cluster stops)
  --mode M       replication mode for key-value requests (default quorum)
  --quiet        print only the listening addresses`;

export async function run(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        nodes: { type: 'string', default: '5' },
        data: { type: 'string' },
        mode: { type: 'string', default: 'quorum' },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    console.error(`faultline up: ${(e as Error).message}\n\n${help}`);
    return 2;
  }
  if (values.help) {
    console.log(help);
    return 0;
  }
  const nodes = Number(values.nodes);
  if (!Number.isInteger(nodes) || nodes < 3 || nodes > 9) {
    console.error(`faultline up: --nodes must be an integer from 3 to 9, got "${values.nodes}"`);
    return 2;
  }
  if (!['quorum', 'async', 'sloppy'].includes(values.mode!)) {
    console.error(`faultline up: --mode must be quorum, async or sloppy, got "${values.mode}"`);
    return 2;
  }
  let data;
  try {
    data = await createDataDir(values.data);
  } catch (e) {
    console.error(`faultline up: cannot use the data directory: ${(e as Error).message}`);
    return 2;
  }
  const dataDir = data.path;
  const started = performance.now();
  console.log(`Starting ${nodes} nodes (data in ${dataDir}) …`);
  let cluster: Cluster;
  try {
    cluster = await Cluster.start({ nodes, dataDir, nodeArgs: ['--mode', values.mode!] }, (p) => {
      if (!values.quiet) console.log(`  [${(p.elapsedMs / 1000).toFixed(2)}s] ${p.message}`);
    });
  } catch (e) {
    console.error(`faultline up: the cluster did not start: ${(e as Error).message}`);
    await data.dispose();
    return 4;
  }
  const instructorToken = randomBytes(18).toString('base64url');
  const panel = new PanelApi(cluster, { instructorToken, openViewing: false, viewerToken: randomBytes(12).toString('base64url'), allowedOrigins: [] });
  const port = cluster.supervisorPort;
  console.log(`\nCluster up in ${((performance.now() - started) / 1000).toFixed(2)} s.`);
  console.log(`  supervisor  http://127.0.0.1:${port}/  (health: /health)`);
  console.log(`  panel API   ws://127.0.0.1:${port}/panel?token=${instructorToken}`);
  for (const e of cluster.endpoints()) console.log(`  node ${e.id.padEnd(4)} ws://127.0.0.1:${e.port}/client`);
  console.log(`  cluster token (FAULTLINE_TOKEN) ${cluster.token}`);
  console.log(`  add / remove a ring member: panel command {"kind":"add-node"} / {"kind":"remove-node","node":"n4"} (through the Paxos log; keys rebalance)`);
  console.log('Press Ctrl-C to stop.\n');

  cluster.server.http((req, res) => {
    if (req.url !== '/health') return false;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(panel.state().nodes.map(({ id, lifecycle, port: p, connected, metrics }) => ({ id, lifecycle, port: p, connected, metrics }))));
    return true;
  });

  const ticker = setInterval(() => {
    if (!values.quiet) console.log(healthLine(panel.state().nodes));
  }, 5_000);
  await new Promise<void>((resolveStop) => {
    const stop = (): void => resolveStop();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  clearInterval(ticker);
  console.log('\nStopping every node …');
  panel.close();
  await cluster.stop();
  await data.dispose();
  console.log(data.temporary ? `Stopped (removed ${dataDir}).` : `Stopped (data kept in ${dataDir}).`);
  return 0;
}
