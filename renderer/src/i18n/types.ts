/**
 * The shape of every view's `i18n.ts`: `export default { en: {...}, 'zh-CN': {...} } satisfies ViewMessages;`
 * holding that view's keys only. The merger (./index.ts) nests them under one namespace named
 * after the view's folder with a lower-case first letter (views/Locks → `locks`, views/ClusterBar
 * → `clusterBar`), so a template writes `t('locks.holder')`.
 * Messages are plain strings: `{name}` interpolation and ` | ` plural forms (./compile.ts).
 */
import type { MessageTree } from './compile';

export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];

export type ViewMessages = { readonly [L in Language]: MessageTree };
export type { MessageTree };
