import { describe, expect, it } from 'vitest';
import { exitCode, parseSimArgs, run as runCli } from '../../core/cli/commands/sim';
import { MECHANISMS } from '../../core/sim/mechanisms/index';
import { HistoryRecorder } from '../../core/sim/history';
import { parseHistory } from '../../core/check/history';
import { checkRegister } from '../../core/check/register';
import { registerBudget } from '../../core/sim/check-budget';
import { formatReport, outcomeOf, type SimOptions } from '../../core/sim/report';
import { FAULT_KINDS } from '../../core/sim/timeline';

const ALL = [...FAULT_KINDS];

function runTwice(name: string, opts: SimOptions): [string, string] {
  const m = MECHANISMS[name];
  if (!m) throw new Error(`no mechanism ${name}`);
  const a = m.run(opts);
  const b = m.run(opts);
  const text = (r: typeof a) => JSON.stringify({ history: r.history, faults: r.faults, verdicts: r.verdicts, simulatedMs: r.simulatedMs, events: r.stats.events, steps: r.stats.steps, delivered: r.stats.delivered });
  return [text(a), text(b)];
}

describe('one seed replays a run exactly', () => {
  for (const name of ['paxos', 'locks']) {
    it(`${name}: two runs of one seed give byte-identical histories and timelines`, () => {
      const [a, b] = runTwice(name, { seed: 77, faults: ALL, ops: 60 });
      expect(a).toBe(b);
      const [c] = runTwice(name, { seed: 78, faults: ALL, ops: 60 });
      expect(c).not.toBe(a);
    });
  }
});

describe('paxos mechanism', () => {
  it('records a history the checkers parse, with every invoke completed, and passes without faults', () => {
    const r = MECHANISMS.paxos!.run({ seed: 3, faults: [], ops: 80 });
    expect(r.ok).toBe(true);
    expect(r.verdicts.map((v) => v.model)).toEqual(['paxos', 'register']);
    expect(r.opCounts).toMatchObject({ unfinished: 0 });
    expect(r.opCounts.ok).toBeGreaterThan(60);
    const text = r.history!.map((op) => JSON.stringify({ ...op, index: undefined })).join('\n');
    const parsed = parseHistory(text);
    expect(parsed.length).toBe(r.history!.length);
    expect(new Set(parsed.map((o) => o.f))).toEqual(new Set(['read', 'write', 'cas', 'append']));
    // time is virtual nanoseconds, non-decreasing
    for (let i = 1; i < parsed.length; i++) expect(parsed[i]!.time!).toBeGreaterThanOrEqual(parsed[i - 1]!.time!);
    expect(r.replay).toBe('faultline sim --mechanism paxos --seed 3 --faults none --ops 80');
  });

  it('puts every fault on the timeline', () => {
    const r = MECHANISMS.paxos!.run({ seed: 11, faults: ALL, ops: 150, scenario: 'chaos' });
    const kinds = new Set(r.faults.map((f) => f.kind));
    expect(kinds.has('heal')).toBe(true);
    expect([...kinds].filter((k) => (FAULT_KINDS as readonly string[]).includes(k)).length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < r.faults.length; i++) expect(r.faults[i]!.atMs).toBeGreaterThanOrEqual(r.faults[i - 1]!.atMs);
  });
});

describe('locks mechanism', () => {
  it('records acquire / fenced write / release in the lock model', () => {
    const r = MECHANISMS.locks!.run({ seed: 5, faults: [], ops: 60 });
    expect(r.ok).toBe(true);
    const fs = new Set(r.history!.map((o) => o.f));
    expect(fs).toEqual(new Set(['acquire', 'write', 'release']));
    const grants = r.history!.filter((o) => o.f === 'acquire' && o.type === 'ok');
    expect(grants.length).toBeGreaterThan(5);
    for (const g of grants) expect(typeof g.value).toBe('number');
    const writes = r.history!.filter((o) => o.f === 'write' && o.type === 'invoke');
    for (const w of writes) expect(w.value).toMatchObject({ token: expect.any(Number) });
  });
});

describe('history recorder', () => {
  it('writes invoke and completion objects in the DESIGN.md format', () => {
    let now = 1.5;
    const h = new HistoryRecorder(() => now);
    const op = h.invoke(3, 'cas', 'k', [1, 2]);
    now = 2;
    h.complete(op, 'ok', [1, 2], true);
    expect(h.toJsonl()).toBe(
      '{"process":3,"type":"invoke","f":"cas","value":[1,2],"time":1500000,"key":"k"}\n' +
        '{"process":3,"type":"ok","f":"cas","value":[1,2],"time":2000000,"key":"k","result":true}\n',
    );
    expect(() => h.complete(op, 'fail')).toThrow(/completed twice/);
  });
});

describe('faultline sim arguments', () => {
  it('parses a full command line', () => {
    const p = parseSimArgs(['--mechanism', 'paxos', '--seed', '9', '--seeds', '3', '--nodes', '3', '--faults', 'drop,crash', '--ops', '50', '--bug', 'forget-promise', '--json']);
    expect(p).toMatchObject({ mechanism: 'paxos', firstSeed: 9, seeds: 3, json: true });
    expect(p.opts).toMatchObject({ seed: 9, nodes: 3, faults: ['drop', 'crash'], ops: 50, controls: { paxosBugs: { forgetPromiseOnRestart: true } } });
  });

  it('rejects unknown mechanisms, faults and flags with the valid choices, exit 2', async () => {
    expect(() => parseSimArgs(['--mechanism', 'raft'])).toThrow(/unknown mechanism "raft"; valid: paxos, locks/);
    expect(() => parseSimArgs(['--mechanism', 'paxos', '--faults', 'drop,meteor'])).toThrow(/unknown fault "meteor"; valid: drop, dup, partition, crash, pause, skew/);
    expect(() => parseSimArgs(['--mechanism', 'paxos', '--seed', '-1'])).toThrow(/--seed needs an integer >= 0/);
    expect(() => parseSimArgs(['--mechanism', 'paxos', '--colour', 'red'])).toThrow(/unknown flag --colour/);
    expect(() => parseSimArgs(['--seed', '1'])).toThrow(/--mechanism is required/);
    const errors: string[] = [];
    const original = console.error;
    console.error = (m: string) => void errors.push(m);
    try {
      expect(await runCli(['--mechanism', 'nope'])).toBe(2);
    } finally {
      console.error = original;
    }
    expect(errors.join('\n')).toMatch(/unknown mechanism "nope"/);
  });

  it('an undecided checker is no pass: the run is UNKNOWN, not ok, and exits 3; a violation still wins', () => {
    const report = MECHANISMS.paxos!.run({ seed: 2, ops: 20, faults: [], keepHistory: false });
    expect(report.outcome).toBe('pass');
    const undecided = { valid: 'unknown' as const, model: 'register', summary: 'the budget ran out' };
    const verdicts = [report.verdicts[0]!, undecided];
    expect(outcomeOf(verdicts)).toBe('unknown');
    const unknown = { ...report, verdicts, outcome: outcomeOf(verdicts), ok: false };
    expect(exitCode(unknown)).toBe(3);
    expect(formatReport(unknown)).toMatch(/^UNKNOWN paxos seed=2/);
    expect(formatReport(unknown)).toMatch(/\[unknown\] register: the budget ran out/);
    const violated = [{ valid: false as const, model: 'paxos', summary: 'two values' }, undecided];
    expect(outcomeOf(violated)).toBe('violation');
    expect(exitCode({ ...report, verdicts: violated, outcome: outcomeOf(violated), ok: false })).toBe(1);
  });

  it('exits 0 when every check passes', async () => {
    const out: string[] = [];
    const original = console.log;
    console.log = (m: string) => void out.push(m);
    try {
      expect(await runCli(['--mechanism', 'paxos', '--seed', '2', '--ops', '30', '--faults', 'none'])).toBe(0);
    } finally {
      console.log = original;
    }
    expect(out.join('\n')).toMatch(/PASS paxos seed=2/);
  });
});

describe('checker budgets in the simulator count work, not wall time', () => {
  it('a budget too small to decide is undecided the same way on every run; the default decides', () => {
    const history = MECHANISMS.paxos!.run({ seed: 5, ops: 80, faults: ALL }).history!;
    const starved = [checkRegister(history, registerBudget(0)), checkRegister(history, registerBudget(0))];
    expect(starved[0]!.valid).toBe('unknown');
    expect(starved[1]).toEqual(starved[0]);
    expect(checkRegister(history, registerBudget()).valid).toBe(true);
  });
});
