/**
 * The GC-pause lock client as a separate process (started by gc-client.ts with an IPC
 * channel). It is a polite client: it checks its lease before writing. The workload
 * SIGSTOPs it right after the check, longer than the lease, and SIGCONTs it; it then
 * writes with its old token, never knowing it was frozen. Each step is reported over IPC.
 */
import { ClusterClient, type Endpoint } from '../cluster-client';
import type { LockResult } from '../../algorithms/locks/types';
import { interpretReply } from './outcome';
import type { FromGcClient, GcClientConfig, ToGcClient } from './gc-client-protocol';

let endpoints: readonly Endpoint[] = [];
let stopping = false;
let writeResult: ((ok: boolean) => void) | undefined;
/** Tokens already reported as ok grants. */
const reported = new Set<number>();

const send = (m: FromGcClient): void => {
  process.send?.(m);
};
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

process.on('disconnect', () => process.exit(0));
process.on('message', (m: ToGcClient) => {
  switch (m.type) {
    case 'start':
      endpoints = m.endpoints;
      void main(m.config);
      return;
    case 'endpoints':
      endpoints = m.endpoints;
      return;
    case 'write-result':
      writeResult?.(m.ok);
      return;
    case 'stop':
      stopping = true;
      return;
    default: {
      const never: never = m;
      throw new Error(`unknown message ${JSON.stringify(never)}`);
    }
  }
});

async function main(config: GcClientConfig): Promise<void> {
  const client = new ClusterClient({ endpoints: () => endpoints, token: config.token, client: config.name, seed: config.seed, timeoutMs: config.timeoutMs });
  const lockCall = (op: Record<string, unknown>) =>
    client.call({ type: 'lock', op: { ...op, lock: config.lock, owner: config.name } as never }, config.lock);
  while (!stopping) {
    send({ type: 'acquire-invoke' });
    const giveUpAt = performance.now() + config.giveUpMs;
    let granted: { token: number; sentAt: number } | undefined;
    for (;;) {
      const sentAt = performance.now();
      const r = interpretReply((await lockCall({ type: 'acquire', ttlMs: config.ttlMs })).reply);
      if (r.type !== 'ok') {
        send({ type: 'acquire-done', outcome: r.type, error: r.code });
        break;
      }
      const res = r.result as LockResult;
      if (res.ok && res.kind === 'granted') {
        granted = { token: res.token, sentAt };
        // A renewal of a grant already reported is not a new grant (lock.ts).
        const again = reported.has(res.token);
        reported.add(res.token);
        send(again ? { type: 'acquire-done', outcome: 'info', error: `renewed the grant of token ${res.token} this client already held` } : { type: 'acquire-done', outcome: 'ok', token: res.token });
        break;
      }
      if (!(res.ok && res.kind === 'queued')) {
        send({ type: 'acquire-done', outcome: 'info', error: `unexpected reply ${JSON.stringify(res)}` });
        break;
      }
      if (stopping || performance.now() >= giveUpAt) {
        const c = interpretReply((await lockCall({ type: 'cancel' })).reply);
        send({ type: 'acquire-done', outcome: c.type === 'ok' ? 'fail' : 'info', error: c.type === 'ok' ? 'GAVE_UP_WAITING' : `cancel: ${c.code}` });
        break;
      }
      await sleep(config.pollMs);
    }
    if (!granted) {
      await sleep(config.pollMs);
      continue;
    }
    const { token } = granted;
    if (performance.now() < granted.sentAt + config.ttlMs - config.safetyMs) {
      send({ type: 'lease-checked', token });
      await sleep(config.prepareWriteMs); // the SIGSTOP lands here
      const accepted = new Promise<boolean>((resolve) => {
        writeResult = resolve;
      });
      send({ type: 'write', token, data: `${config.name}#0` });
      await accepted;
    } else {
      send({ type: 'lease-lost', token });
    }
    send({ type: 'release-invoke', token });
    const rel = interpretReply((await lockCall({ type: 'release', token })).reply);
    const released = rel.type === 'ok' && (rel.result as LockResult).ok && (rel.result as LockResult & { kind: string }).kind === 'released';
    send({ type: 'release-done', outcome: rel.type === 'ok' ? (released ? 'ok' : 'info') : rel.type, ...(rel.type === 'ok' ? {} : { error: rel.code }) });
    await sleep(config.pollMs);
  }
  send({ type: 'load', perNode: Object.fromEntries(client.load) });
  client.close();
  send({ type: 'stopped' });
  process.disconnect?.();
}
