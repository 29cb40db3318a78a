import { createPinia, setActivePinia } from 'pinia';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import { useUiStore } from './ui';

describe('ui store', () => {
  afterEach(() => {
    localStorage.clear();
    vi.unstubAllGlobals();
  });

  it('defaults the language to the browser’s and remembers a choice', async () => {
    vi.stubGlobal('navigator', { languages: ['zh-CN', 'en'], language: 'zh-CN' });
    setActivePinia(createPinia());
    const ui = useUiStore();
    expect(ui.language).toBe('zh-CN');
    ui.language = 'en';
    ui.theme = 'dark';
    await nextTick();
    setActivePinia(createPinia());
    const again = useUiStore();
    expect(again.language).toBe('en');
    expect(again.theme).toBe('dark');
  });

  it('ignores a remembered value that is not a language', () => {
    localStorage.setItem('faultline.language', 'klingon');
    vi.stubGlobal('navigator', { languages: ['fr-FR'], language: 'fr-FR' });
    setActivePinia(createPinia());
    expect(useUiStore().language).toBe('en');
  });

  it('selecting the selected node again closes it', () => {
    setActivePinia(createPinia());
    const ui = useUiStore();
    ui.selectNode('n2');
    expect(ui.selectedNode).toBe('n2');
    ui.selectNode('n2');
    expect(ui.selectedNode).toBeNull();
  });
});
