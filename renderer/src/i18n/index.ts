/**
 * The panel's one vue-i18n instance (Composition API, runtime-only build): the common
 * strings plus every view's i18n.ts, found by import.meta.glob, each under its namespace.
 */
import { watch } from 'vue';
import { createI18n } from 'vue-i18n';
import common from './common';
import { compileTree } from './compile';
import { mergeMessages } from './merge';
import { LANGUAGES, type Language } from './types';

export const viewMessageModules = import.meta.glob<{ default: import('./types').ViewMessages }>('../views/*/i18n.ts', { eager: true });

export const rawMessages = mergeMessages(common, viewMessageModules);

export function isLanguage(x: unknown): x is Language {
  return typeof x === 'string' && (LANGUAGES as readonly string[]).includes(x);
}

/** The browser's preferred language mapped onto ours: any Chinese → zh-CN, else English. */
export function languageFromNavigator(languages: readonly string[]): Language {
  for (const l of languages) {
    if (/^zh\b/i.test(l)) return 'zh-CN';
    if (/^en\b/i.test(l)) return 'en';
  }
  return 'en';
}

export function createPanelI18n(locale: Language) {
  return createI18n({
    legacy: false,
    locale,
    fallbackLocale: 'en',
    missingWarn: import.meta.env.DEV,
    fallbackWarn: false,
    messages: Object.fromEntries(LANGUAGES.map((l) => [l, compileTree(rawMessages[l])])),
  });
}

/** Keeps the i18n locale (and <html lang>) on the language the user chose. */
export function followLanguage(i18n: ReturnType<typeof createPanelI18n>, language: () => Language): void {
  watch(
    language,
    (lang) => {
      i18n.global.locale.value = lang;
      if (typeof document !== 'undefined') document.documentElement.lang = lang;
    },
    { immediate: true, flush: 'sync' },
  );
}
