/**
 * The panel's Verdict view draws what `faultline check --html` draws (one layout,
 * core/protocol/evidence-layout.ts): a register failure's line where no linearization
 * exists, and a transaction anomaly's cycle with its labelled edges and each transaction's
 * operations.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseHistory } from '../../core/check/history';
import { checkRegister } from '../../core/check/register';
import { checkTxn } from '../../core/check/txn';
import type { VerdictView, WorkloadState } from '../../core/protocol/panel';
import type { Verdict } from '../../core/check/verdict';
import { useWorkloadStore } from '../../renderer/src/stores/workload';
import { TID } from '../../renderer/src/testids';
import VerdictViewComponent from '../../renderer/src/views/Verdict/VerdictView.vue';
import { freshPinia, mountView } from './support/panel-fixtures';

const sel = (id: string) => `[data-testid="${id}"]`;
let unmount: (() => void) | undefined;
afterEach(() => {
  unmount?.();
  unmount = undefined;
});

const jsonl = (lines: unknown[]) => parseHistory(lines.map((l) => JSON.stringify(l)).join('\n'));

function show(v: Verdict) {
  const pinia = freshPinia();
  const view: VerdictView = {
    valid: v.valid, model: v.model, summary: v.summary, evidence: v.evidence, evidenceOps: [],
    availability: { overall: 1, baseline: 1, duringFaults: null }, notes: [],
  };
  const state: WorkloadState = { phase: 'done', run: 1, settings: null, startedAtMs: 0, endedAtMs: 1, live: null, verdict: view, error: null, historyOps: 8 };
  useWorkloadStore().set(state);
  const w = mountView(VerdictViewComponent, pinia);
  unmount = () => w.unmount();
  return w;
}

describe('Verdict view: the drawings check --html makes too', () => {
  it('a register failure: the line no order gets past, at the stuck read’s completion', () => {
    const v = checkRegister(jsonl([
      { process: 0, type: 'invoke', f: 'write', value: 1 },
      { process: 0, type: 'ok', f: 'write', value: 1 },
      { process: 1, type: 'invoke', f: 'write', value: 2 },
      { process: 2, type: 'invoke', f: 'read', value: null },
      { process: 2, type: 'ok', f: 'read', value: 2 },
      { process: 3, type: 'invoke', f: 'read', value: null },
      { process: 3, type: 'ok', f: 'read', value: 1 },
      { process: 1, type: 'ok', f: 'write', value: 2 },
    ]));
    expect(v.valid).toBe(false);
    const evidence = show(v).find(sel(TID.verdictEvidence));
    expect(evidence.find('[data-stuck-line="7"]').exists()).toBe(true);
    expect(evidence.text()).toContain('no linearization past line 7');
  });

  it('a write skew: the cycle with both rw edges and each transaction’s operations', () => {
    const txn = (process: number, type: string, value: unknown) => ({ process, type, f: 'txn', value });
    const v = checkTxn(jsonl([
      txn(0, 'invoke', [['r', 'x', null], ['append', 'y', 1]]),
      txn(1, 'invoke', [['r', 'y', null], ['append', 'x', 1]]),
      txn(0, 'ok', [['r', 'x', null], ['append', 'y', 1]]),
      txn(1, 'ok', [['r', 'y', null], ['append', 'x', 1]]),
    ]));
    expect(v.valid).toBe(false);
    const w = show(v);
    const edges = w.findAll('[data-edge]').map((e) => e.attributes('data-edge'));
    expect(edges).toEqual(['rw', 'rw']);
    const text = w.find('.cycle').text();
    for (const s of ['rw x', 'rw y', 'T0', 'T1', 'r x null', 'append y 1', 'r y null', 'append x 1']) expect(text).toContain(s);
  });
});
