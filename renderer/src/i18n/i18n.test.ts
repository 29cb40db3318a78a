import { describe, expect, it } from 'vitest';
import { createI18n } from 'vue-i18n';
import common from './common';
import { compileMessage, compileTree } from './compile';
import { rawMessages, viewMessageModules, languageFromNavigator } from './index';
import { TIMELINE_CODES } from '../../../core/protocol/panel';
import { leafKeys, mergeMessages, namespaceOf } from './merge';
import { LANGUAGES } from './types';

describe('panel messages', () => {
  it('finds every view message file and nests it under the view folder name', () => {
    const spaces = Object.keys(viewMessageModules).map(namespaceOf);
    expect(spaces).toEqual(expect.arrayContaining(['clusterBar', 'topology', 'nodeDetail', 'timeline', 'workload']));
    expect(Object.keys(rawMessages.en)).toEqual(expect.arrayContaining(['common', ...spaces]));
  });

  it('has every key in both languages (a key in one language only fails here)', () => {
    const en = leafKeys(rawMessages.en);
    const zh = leafKeys(rawMessages['zh-CN']);
    expect(en.filter((k) => !zh.includes(k)), 'keys missing in zh-CN').toEqual([]);
    expect(zh.filter((k) => !en.includes(k)), 'keys missing in en').toEqual([]);
  });

  it('says every timeline/progress code of the protocol in both languages', () => {
    for (const lang of LANGUAGES) {
      const keys = leafKeys(rawMessages[lang]);
      expect(TIMELINE_CODES.filter((c) => !keys.includes(`common.line.${c}`)), `codes without a ${lang} message`).toEqual([]);
      expect(keys.filter((k) => k.startsWith('common.line.') && !(TIMELINE_CODES as string[]).includes(k.slice('common.line.'.length))), `${lang} messages for no code`).toEqual([]);
    }
  });

  it('has no empty message and the same placeholders in both languages', () => {
    const place = (s: string) => [...s.matchAll(/\{\s*(\w+)\s*\}/g)].map((m) => m[1]).sort();
    const get = (tree: unknown, key: string) => key.split('.').reduce<unknown>((t, k) => (t as Record<string, unknown>)[k], tree) as string;
    for (const key of leafKeys(rawMessages.en)) {
      const en = get(rawMessages.en, key);
      const zh = get(rawMessages['zh-CN'], key);
      expect(en.trim(), key).not.toBe('');
      expect(zh.trim(), key).not.toBe('');
      expect(place(zh), key).toEqual(place(en));
    }
  });

  it('the check itself catches a key present in one language only', () => {
    const lopsided = { default: { en: { a: 'A', b: 'B' }, 'zh-CN': { a: '甲' } } };
    const merged = mergeMessages(common, { '../views/Fake/i18n.ts': lopsided });
    const en = leafKeys(merged.en);
    const zh = leafKeys(merged['zh-CN']);
    expect(en.filter((k) => !zh.includes(k))).toEqual(['fake.b']);
  });

  it('runs on the runtime-only vue-i18n: messages are functions, with interpolation and plurals', () => {
    const i18n = createI18n({
      legacy: false,
      locale: 'en',
      messages: { en: compileTree({ hi: 'Hello {name}, {0}!', nodes: 'no nodes | one node | {n} nodes' }) },
    });
    const t = i18n.global.t;
    expect(t('hi', { name: 'n3' })).toBe('Hello n3, !');
    expect(t('nodes', 0)).toBe('no nodes');
    expect(t('nodes', 1)).toBe('one node');
    expect(t('nodes', { n: 5 }, 5)).toBe('5 nodes');
    expect(typeof compileMessage('plain')).toBe('function');
  });

  it('maps the browser language onto ours', () => {
    expect(languageFromNavigator(['zh-TW', 'en'])).toBe('zh-CN');
    expect(languageFromNavigator(['en-GB'])).toBe('en');
    expect(languageFromNavigator(['fr-FR', 'zh-CN'])).toBe('zh-CN');
    expect(languageFromNavigator([])).toBe('en');
  });
});
