import type { ViewMessages } from '../../i18n/types';

export default {
  en: { title: 'Topology' },
  'zh-CN': { title: 'Topology' },
} satisfies ViewMessages;
