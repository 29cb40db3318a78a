/**
 * Reads a run's history file as it grows (the recorder appends one JSON line per invoke
 * and completion) and turns each second into live figures: completions by outcome,
 * latency percentiles, availability, the protected resource's writes, the keys touched.
 * Reading the file keeps the workload code untouched: the panel sees exactly what the
 * checker will judge.
 */
import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import type { ResourceWrite, WorkloadSample } from '../../protocol/panel';
import { outcomeClass } from '../workload/outcome';

interface Line {
  process: number | string;
  type: 'invoke' | 'ok' | 'fail' | 'info';
  f: string;
  key?: string;
  value?: unknown;
  time?: number;
  error?: unknown;
  /** With an ABORTED error: conflict, failure or refused (AbortCause). */
  cause?: unknown;
}

export interface TailFigures {
  readonly sample: WorkloadSample;
  readonly writes: readonly { readonly resource: string; readonly write: ResourceWrite }[];
  readonly keys: readonly string[];
  readonly ops: number;
}

const NS_PER_MS = 1e6;

export class HistoryTail {
  private offset = 0;
  private rest = '';
  /** Keeps a character split across two reads whole. */
  private readonly decoder = new StringDecoder('utf8');
  private readonly invokedAt = new Map<string, number>();
  private ops = 0;

  constructor(
    private readonly file: string,
    /** Panel time at which the run's clock (history `time`) was 0. */
    private readonly runStartAtMs: number,
  ) {}

  /** Everything appended since the last call, folded into one sample at `nowMs`. */
  async read(nowMs: number): Promise<TailFigures> {
    const lines = await this.newLines();
    const latencies: number[] = [];
    let ok = 0;
    let fail = 0;
    let info = 0;
    let refused = 0;
    const writes: { resource: string; write: ResourceWrite }[] = [];
    const keys = new Set<string>();
    for (const op of lines) {
      this.ops++;
      const proc = String(op.process);
      if (op.type === 'invoke') {
        if (op.time !== undefined) this.invokedAt.set(proc, op.time);
        if (op.key !== undefined && op.f !== 'write' && !op.key.endsWith('-resource')) keys.add(op.key);
        continue;
      }
      if (op.type === 'ok') ok++;
      else if (op.type === 'fail') fail++;
      else info++;
      if (outcomeClass(op.type, op.error, op.cause) === 'refused') refused++;
      const started = this.invokedAt.get(proc);
      this.invokedAt.delete(proc);
      if (started !== undefined && op.time !== undefined) latencies.push((op.time - started) / NS_PER_MS);
      if (op.f === 'write' && op.key?.endsWith('-resource') && op.type !== 'info') {
        const token = (op.value as { token?: unknown } | undefined)?.token;
        writes.push({
          resource: op.key,
          write: { atMs: Math.round(this.runStartAtMs + (op.time ?? 0) / NS_PER_MS), client: Number(op.process), token: typeof token === 'number' ? token : -1, accepted: op.type === 'ok' },
        });
      }
    }
    latencies.sort((a, b) => a - b);
    const done = ok + fail + info;
    return {
      sample: {
        atMs: Math.round(nowMs),
        okPerSec: ok,
        failPerSec: fail,
        infoPerSec: info,
        latencyP50Ms: percentile(latencies, 0.5),
        latencyP99Ms: percentile(latencies, 0.99),
        // A refusal by design (a conflict abort, a stale token) is an answer, not an outage.
        availability: done === 0 ? (this.invokedAt.size === 0 ? 1 : 0) : (ok + refused) / done,
      },
      writes,
      keys: [...keys],
      ops: this.ops,
    };
  }

  private async newLines(): Promise<Line[]> {
    let handle;
    try {
      handle = await open(this.file, 'r');
    } catch {
      return []; // not created yet
    }
    try {
      const out: Line[] = [];
      const buf = Buffer.alloc(1 << 20);
      for (;;) {
        const { bytesRead } = await handle.read(buf, 0, buf.length, this.offset);
        if (bytesRead === 0) break;
        this.offset += bytesRead;
        const text = this.rest + this.decoder.write(buf.subarray(0, bytesRead));
        const parts = text.split('\n');
        this.rest = parts.pop() ?? '';
        for (const p of parts) {
          if (p.trim() === '') continue;
          try {
            out.push(JSON.parse(p) as Line);
          } catch {
            // a torn line cannot happen with whole-line appends; skip rather than stop the figures
          }
        }
      }
      return out;
    } finally {
      await handle.close();
    }
  }
}

function percentile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! * 10) / 10;
}
