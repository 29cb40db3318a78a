import type { ViewMessages } from '../../i18n/types';

export default {
  en: { title: 'NodeDetail' },
  'zh-CN': { title: 'NodeDetail' },
} satisfies ViewMessages;
