import type { ViewMessages } from '../../i18n/types';

export default {
  en: { title: 'Workload' },
  'zh-CN': { title: 'Workload' },
} satisfies ViewMessages;
