import type { ViewMessages } from '../../i18n/types';

export default {
  en: {
    title: 'Timeline',
    hint: 'Everything that happened, newest first; times are since the lab started (minutes:seconds)',
    empty: 'Nothing has happened yet: faults, heals, elections and verdicts will appear here.',
    kind: {
      lifecycle: 'cluster',
      fault: 'fault',
      heal: 'heal',
      membership: 'membership',
      leader: 'leader',
      workload: 'workload',
      check: 'check',
      verdict: 'verdict',
      'command-failed': 'failed',
      suspicion: 'suspicion',
      replication: 'replication',
    },
  },
  'zh-CN': {
    title: '时间线',
    hint: '发生过的一切，最新的在前；时间从实验开始计（分:秒）',
    empty: '还没有发生任何事：故障、修复、选举和裁决会显示在这里。',
    kind: {
      lifecycle: '集群',
      fault: '故障',
      heal: '修复',
      membership: '成员变更',
      leader: '领导者',
      workload: '负载',
      check: '检查',
      verdict: '裁决',
      'command-failed': '失败',
      suspicion: '怀疑',
      replication: '复制',
    },
  },
} satisfies ViewMessages;
