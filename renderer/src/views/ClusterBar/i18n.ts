import type { ViewMessages } from '../../i18n/types';

export default {
  en: { title: 'Cluster' },
  'zh-CN': { title: '集群' },
} satisfies ViewMessages;
