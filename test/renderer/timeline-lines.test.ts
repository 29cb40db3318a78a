/**
 * What the supervisor says (timeline, startup progress) in the panel's language: every
 * protocol code is said in both languages with its vocabulary params translated, the
 * supervisor's own words stay apart as a secondary line, and a code this panel does not
 * know (or a line from an older supervisor without one) falls back to the English text.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TimelineEntry } from '../../core/protocol/panel';
import { TIMELINE_CODES } from '../../core/protocol/panel';
import { createPanelI18n } from '../../renderer/src/i18n';
import { sayLine } from '../../renderer/src/i18n/lines';
import { LANGUAGES } from '../../renderer/src/i18n/types';
import { useClusterStore } from '../../renderer/src/stores/cluster';
import { TID } from '../../renderer/src/testids';
import TimelineView from '../../renderer/src/views/Timeline/TimelineView.vue';
import { freshPinia, mountView } from './support/panel-fixtures';

let unmount: (() => void) | undefined;
afterEach(() => {
  unmount?.();
  unmount = undefined;
});

function say(language: (typeof LANGUAGES)[number], code: string, params: Record<string, unknown>, text = 'ENGLISH FALLBACK'): string {
  const { t, te } = createPanelI18n(language).global;
  return sayLine((k, named) => t(k, named ?? {}), (k) => te(k), { code, params, text });
}

const HAN = /[\u4e00-\u9fff]/;
/** A value for every param name any code has (a code ignores the ones it lacks). */
const SAMPLE = { node: 'n1', state: 'up', command: 'kill', code: 'BUSY', shape: 'halves', mode: 'paxos', fault: 'kill', faults: 'kill', workload: 'lock', valid: 'true', model: 'linearizable', n: 3, scale: 1, ballot: '1.n1', by: 'n2', cuts: 2, links: 'n1->n2', from: 'n1', to: 'n2', skew: '+5', clients: 4, rate: 50, seconds: 10, seed: 1, nodes: 'n1' };

describe('timeline lines', () => {
  it('says every protocol code in both languages (never the fallback, never a raw key)', () => {
    for (const language of LANGUAGES) {
      for (const code of TIMELINE_CODES) {
        const said = say(language, code, SAMPLE);
        expect(said, `${language} ${code}`).not.toBe('ENGLISH FALLBACK');
        expect(said, `${language} ${code}`).not.toContain('common.line');
        if (language === 'zh-CN') expect(said, code).toMatch(HAN);
      }
    }
  });

  it('translates vocabulary params: command, error code, node state, shape, nemesis faults, verdict', () => {
    expect(say('zh-CN', 'command.failed', { command: 'kill', code: 'NO_CLUSTER' })).toBe('杀死 失败：没有正在运行的集群');
    expect(say('en', 'command.failed', { command: 'kill', code: 'NO_CLUSTER' })).toBe('kill failed: No cluster is running');
    expect(say('zh-CN', 'node.state', { node: 'n3', state: 'killed' })).toBe('n3 状态：已杀死');
    expect(say('zh-CN', 'fault.partition', { shape: 'halves', node: '', cuts: 12 })).toBe('网络分区：一分为二（切断 12 条链路）');
    expect(say('en', 'fault.partition', { shape: 'halves', node: '', cuts: 12 })).toBe('partition: halves (12 links cut)');
    expect(say('zh-CN', 'workload.start', { workload: 'lock', clients: 4, rate: 50, seconds: 0, faults: 'kill,pause', seed: 7 })).toContain('杀死, 暂停');
    expect(say('zh-CN', 'workload.start', { workload: 'lock', clients: 4, rate: 50, seconds: 0, faults: '', seed: 7 })).toContain('故障：无');
    expect(say('zh-CN', 'workload.verdict', { workload: 'register', valid: 'false', model: 'linearizable' })).toContain('保证被破坏');
    // A value outside the vocabulary (a newer supervisor) is shown as it came.
    expect(say('zh-CN', 'node.state', { node: 'n3', state: 'hibernating' })).toBe('n3 状态：hibernating');
  });

  it('falls back to the English text for an unknown code or a line without one', () => {
    expect(say('zh-CN', 'fault.meteor', { node: 'n1' }, 'a meteor hit n1')).toBe('a meteor hit n1');
    const { t, te } = createPanelI18n('zh-CN').global;
    expect(sayLine((k, named) => t(k, named ?? {}), (k) => te(k), { text: 'old supervisor line' })).toBe('old supervisor line');
  });

  it('shows the timeline in Chinese, with the supervisor’s own words as a secondary line', async () => {
    const pinia = freshPinia();
    const entries: TimelineEntry[] = [
      { atMs: 1_000, kind: 'fault', code: 'fault.kill', params: { node: 'n3' }, text: 'kill -9 n3', node: 'n3' },
      { atMs: 2_000, kind: 'command-failed', code: 'command.failed', params: { command: 'kill', code: 'COMMAND_FAILED' }, detail: 'no node "n9"', text: 'kill failed: no node "n9"' },
    ];
    useClusterStore().addTimeline(entries);
    const w = mountView(TimelineView, pinia, 'zh-CN');
    unmount = () => w.unmount();
    await w.vm.$nextTick();
    const rows = w.findAll(`[data-testid="${TID.timelineEntry}"]`);
    expect(rows).toHaveLength(2);
    expect(rows[0]!.find('.text').text()).toBe('杀死 失败：命令执行失败');
    expect(rows[0]!.find('.detail').text()).toBe('no node "n9"');
    expect(rows[0]!.find('.detail').attributes('lang')).toBe('en');
    expect(rows[1]!.find('.text').text()).toBe('杀死（kill -9）n3');
    expect(rows[1]!.find('.detail').exists()).toBe(false);
  });
});
