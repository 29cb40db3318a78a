/**
 * What this panel's user chose: language and theme (remembered in localStorage; the
 * language defaults to the browser's), the selected node and the open tabs.
 */
import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import { isLanguage, languageFromNavigator } from '../i18n';
import type { Language } from '../i18n/types';

export const SIDE_TABS = ['locks', 'transactions', 'paxos', 'ring', 'health', 'verdict'] as const;
export type SideTab = (typeof SIDE_TABS)[number];
export type Theme = 'light' | 'dark';

const LANG_KEY = 'faultline.language';
const THEME_KEY = 'faultline.theme';

function stored(key: string): string | null {
  try {
    return globalThis.localStorage?.getItem(key) ?? null;
  } catch {
    return null; // storage disabled: nothing remembered, nothing breaks
  }
}
function remember(key: string, value: string): void {
  try {
    globalThis.localStorage?.setItem(key, value);
  } catch {
    /* storage disabled or full: the choice lasts for this page only */
  }
}

function initialLanguage(): Language {
  const saved = stored(LANG_KEY);
  if (isLanguage(saved)) return saved;
  return languageFromNavigator(globalThis.navigator?.languages ?? [globalThis.navigator?.language ?? 'en']);
}

function initialTheme(): Theme {
  const saved = stored(THEME_KEY);
  if (saved === 'light' || saved === 'dark') return saved;
  return globalThis.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export const useUiStore = defineStore('ui', () => {
  const language = ref<Language>(initialLanguage());
  const theme = ref<Theme>(initialTheme());
  const selectedNode = ref<string | null>(null);
  const sideTab = ref<SideTab>('locks');

  watch(language, (l) => remember(LANG_KEY, l));
  watch(theme, (t) => remember(THEME_KEY, t));

  function selectNode(id: string | null): void {
    selectedNode.value = selectedNode.value === id ? null : id;
  }

  return { language, theme, selectedNode, sideTab, selectNode };
});
