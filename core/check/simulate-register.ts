/**
 * Histories of a register store that is linearizable by construction, for tests and the
 * benchmark: each operation is invoked, takes effect at one random later moment (its
 * linearization point, where the result is computed from the true state) and completes at
 * another; clients interleave at random, so windows overlap as much as the seed says.
 * Some operations end `info` (they took effect or not, the client never learns) or `fail`
 * (they certainly did not take effect).
 */
import { Prng } from '../algorithms/common/prng';
import type { HistoryOp } from './history';

export interface SimulateRegisterOptions {
  seed: number;
  /** Number of operations (invocations). */
  ops: number;
  clients: number;
  keys: number;
  /** Writes and cas pick values in [0, valueRange); small ranges make checking harder. */
  valueRange?: number;
  /** Use append (strings) instead of cas. */
  appends?: boolean;
  /** Only reads and writes (no cas, no append). */
  readWriteOnly?: boolean;
  /** Only reads and appends (strings), as on the register workload's append keys. */
  appendOnly?: boolean;
  /** Share of operations that are writes (with cas or append making up the rest after reads); default 0.3. */
  writeShare?: number;
  /** Chance that an operation ends with info (unknown outcome); default 0.02. */
  infoRate?: number;
  /** Chance that an operation fails without effect; default 0.02. */
  failRate?: number;
  /**
   * A client whose operation ended `info` continues as a new process (Jepsen's rule: a
   * crashed process never invokes again; its slot gets the id process + clients).
   */
  newProcessAfterCrash?: boolean;
}

interface Pending {
  f: 'read' | 'write' | 'cas' | 'append';
  key: string;
  arg: unknown;
  applied: boolean;
  result?: unknown;
}

export function simulateRegisterHistory(opts: SimulateRegisterOptions): HistoryOp[] {
  const rng = new Prng(opts.seed);
  const valueRange = opts.valueRange ?? 5;
  const infoRate = opts.infoRate ?? 0.02;
  const failRate = opts.failRate ?? 0.02;
  const state = new Map<string, unknown>();
  const pending: (Pending | undefined)[] = Array.from({ length: opts.clients }, () => undefined);
  const processOf = Array.from({ length: opts.clients }, (_, c) => c);
  const history: HistoryOp[] = [];
  let invoked = 0;
  let open = 0;
  const emit = (process: number, type: HistoryOp['type'], p: Pending, value: unknown, result?: unknown): void => {
    const op: HistoryOp = { index: history.length, process: processOf[process] as number, type, f: p.f, key: p.key, value };
    if (result !== undefined) op.result = result;
    history.push(op);
  };
  const apply = (p: Pending): void => {
    const current = state.get(p.key) ?? null;
    switch (p.f) {
      case 'read':
        p.result = current;
        break;
      case 'write':
        state.set(p.key, p.arg);
        break;
      case 'cas': {
        const [expected, replacement] = p.arg as [unknown, unknown];
        p.result = current === expected;
        if (p.result) state.set(p.key, replacement);
        break;
      }
      case 'append':
        state.set(p.key, `${(current as string | null) ?? ''}${p.arg as string}`);
        break;
    }
    p.applied = true;
  };
  while (invoked < opts.ops || open > 0) {
    const c = rng.int(opts.clients);
    const p = pending[c];
    if (!p) {
      if (invoked >= opts.ops) continue;
      const key = `k${rng.int(opts.keys)}`;
      const roll = rng.next();
      const value = (): unknown => (opts.appends ? `${rng.int(valueRange)},` : rng.int(valueRange));
      const next: Pending =
        roll < 0.5
          ? { f: 'read', key, arg: null, applied: false }
          : opts.appendOnly
            ? { f: 'append', key, arg: `${rng.int(valueRange)},`, applied: false }
            : roll < 0.5 + (opts.writeShare ?? 0.3) || opts.readWriteOnly
            ? { f: 'write', key, arg: value(), applied: false }
            : opts.appends
              ? { f: 'append', key, arg: value(), applied: false }
              : { f: 'cas', key, arg: [rng.int(valueRange), rng.int(valueRange)], applied: false };
      pending[c] = next;
      invoked++;
      open++;
      emit(c, 'invoke', next, next.arg);
      continue;
    }
    if (!p.applied) {
      if (rng.chance(failRate)) {
        emit(c, 'fail', p, p.arg);
      } else if (rng.chance(infoRate)) {
        // The client gives up; the operation may still take effect later (or never).
        if (rng.chance(0.5)) apply(p);
        emit(c, 'info', p, p.arg);
      } else {
        apply(p);
        continue;
      }
    } else if (rng.chance(infoRate)) {
      emit(c, 'info', p, p.arg);
    } else if (p.f === 'read') {
      emit(c, 'ok', p, p.result);
    } else {
      emit(c, 'ok', p, p.arg, p.f === 'cas' ? p.result : undefined);
    }
    if (opts.newProcessAfterCrash && history[history.length - 1]?.type === 'info') processOf[c] = (processOf[c] as number) + opts.clients;
    pending[c] = undefined;
    open--;
  }
  return history;
}
