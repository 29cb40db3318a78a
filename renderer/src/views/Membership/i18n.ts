import type { ViewMessages } from '../../i18n/types';

export default {
  en: {
    title: 'Members and weights',
    hint: 'Changes go through the Paxos log; every node moves its keys at the same log position',
    weight: 'weight',
    weightHint: 'A node of weight w gets w times the virtual nodes on the ring, so about w times the keys (0.1 to 100)',
    set: 'Set weight',
    setHint: 'Agree the new weight through the log; keys move to or from {node}',
    remove: 'Remove',
    removeHint: 'Take {node} out of the ring; its keys move to the others',
    add: 'Add a node',
    addHint: 'Start a new node and join it to the ring with this weight',
  },
  'zh-CN': {
    title: '成员与权重',
    hint: '变更经由 Paxos 日志达成一致；每个节点在同一日志位置迁移键',
    weight: '权重',
    weightHint: '权重为 w 的节点在环上有 w 倍的虚拟节点，因而约有 w 倍的键（0.1 到 100）',
    set: '设置权重',
    setHint: '通过日志约定新权重；键会迁入或迁出 {node}',
    remove: '移除',
    removeHint: '将 {node} 移出哈希环；它的键迁移到其他节点',
    add: '添加节点',
    addHint: '启动一个新节点，并以此权重加入哈希环',
  },
} satisfies ViewMessages;
