import type { ViewMessages } from '../../i18n/types';

export default {
  en: { title: 'Timeline' },
  'zh-CN': { title: 'Timeline' },
} satisfies ViewMessages;
