import type { ViewMessages } from '../../i18n/types';

export default {
  en: {
    title: 'Load per node ({policy})',
    hint: 'As the run’s clients saw it: requests sent to each node, answered ok or failed, and the latency of every attempt (a slow node shows here)',
    node: 'node',
    sent: 'sent',
    share: 'share',
    ok: 'ok',
    failed: 'failed',
    p50: 'p50 ms',
    p99: 'p99 ms',
  },
  'zh-CN': {
    title: '各节点负载（{policy}）',
    hint: '从本次运行的客户端看：发往各节点的请求、成功或失败的数量，以及每次尝试的延迟（慢节点在此一目了然）',
    node: '节点',
    sent: '已发送',
    share: '占比',
    ok: '成功',
    failed: '失败',
    p50: 'p50 毫秒',
    p99: 'p99 毫秒',
  },
} satisfies ViewMessages;
