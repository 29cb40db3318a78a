import { describe, expect, it } from 'vitest';
import {
  ComposedMachine,
  ServiceMux,
  emptyReady,
  recordsByPart,
  type Input,
  type Machine,
  type Ready,
  type ReplicatedService,
} from '../../core/algorithms/common';

/** A part that counts what it sees and persists each message before echoing it back. */
class EchoPart implements Machine<string, string, string, string, string> {
  ticks = 0;
  constructor(readonly id: string, private readonly tag: string) {}
  step(input: Input<string, string>): Ready<string, string, string, string> {
    const out = emptyReady<string, string, string, string>();
    if (input.kind === 'tick') this.ticks++;
    if (input.kind === 'message') {
      out.persist.push(`${this.tag}:${input.msg}`);
      out.send.push({ to: input.from, msg: `echo ${input.msg}` });
    }
    if (input.kind === 'request') out.replies.push(`${this.tag} got ${input.request}`);
    return out;
  }
}

describe('ComposedMachine', () => {
  it('routes by part, ticks every part and tags every effect', () => {
    const a = new EchoPart('n1', 'a');
    const b = new EchoPart('n1', 'b');
    const node = new ComposedMachine('n1', { a, b });
    node.step({ kind: 'tick', nowMs: 1 });
    expect([a.ticks, b.ticks]).toEqual([1, 1]);
    const r = node.step({ kind: 'message', from: 'n2', msg: { part: 'b', body: 'hi' }, nowMs: 2 });
    expect(r.persist).toEqual([{ part: 'b', body: 'b:hi' }]);
    expect(r.send).toEqual([{ to: 'n2', msg: { part: 'b', body: 'echo hi' } }]);
    const q = node.step({ kind: 'request', request: { part: 'a', body: 'x' }, nowMs: 3 });
    expect(q.replies).toEqual([{ part: 'a', body: 'a got x' }]);
  });

  it('reports a message for an unknown part and changes nothing', () => {
    const a = new EchoPart('n1', 'a');
    const node = new ComposedMachine('n1', { a });
    const r = node.step({ kind: 'message', from: 'n2', msg: { part: 'zz', body: 'x' }, nowMs: 1 });
    expect(r.persist).toEqual([]);
    expect(r.send).toEqual([]);
    expect(r.events).toEqual([{ part: '', body: { kind: 'unknown-part', part: 'zz', input: 'message' } }]);
  });

  it('splits durable records back per part, in order', () => {
    const m = recordsByPart([
      { part: 'a', body: 1 },
      { part: 'b', body: 2 },
      { part: 'a', body: 3 },
    ]);
    expect(m.get('a')).toEqual([1, 3]);
    expect(m.get('b')).toEqual([2]);
  });
});

describe('ServiceMux', () => {
  const counter = (): ReplicatedService<number, number> & { total: number; seen: number[] } => ({
    total: 0,
    seen: [],
    apply(n, index) {
      this.total += n;
      this.seen.push(index);
      return this.total;
    },
    leaderTick: (now) => (now > 10 ? [1] : []),
    queryLocal() {
      return this.total;
    },
  });

  it('applies to the named service with the shared log index', () => {
    const x = counter();
    const y = counter();
    const mux = new ServiceMux({ x, y });
    expect(mux.apply({ service: 'x', cmd: 5 }, 1)).toBe(5);
    expect(mux.apply({ service: 'y', cmd: 2 }, 2)).toBe(2);
    expect(mux.apply({ service: 'x', cmd: 1 }, 3)).toBe(6);
    expect(x.seen).toEqual([1, 3]);
    expect(mux.queryLocal({ service: 'y', cmd: 0 })).toBe(2);
  });

  it('refuses an unknown service the same way on every replica', () => {
    const mux = new ServiceMux({ x: counter() });
    expect(mux.apply({ service: 'nope', cmd: 1 }, 1)).toMatchObject({ ok: false, code: 'UNKNOWN_SERVICE' });
  });

  it('wraps the commands each service wants proposed', () => {
    const mux = new ServiceMux({ x: counter(), y: counter() });
    expect(mux.leaderTick(5)).toEqual([]);
    expect(mux.leaderTick(11)).toEqual([
      { service: 'x', cmd: 1 },
      { service: 'y', cmd: 1 },
    ]);
  });
});
