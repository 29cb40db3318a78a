/** The menu bar's words in each language the panel speaks (plain data: tests compare the keys). */
import type { DesktopLanguage } from '../core/protocol/desktop';

const en = {
  cluster: 'Cluster',
  start: 'Start a fresh cluster',
  stop: 'Stop the cluster (keep data)',
  openClassroom: 'Open to the classroom…',
  closeClassroom: 'Close to the classroom',
  quit: 'Quit',
  view: 'View',
  language: 'Language',
  theme: 'Theme',
  light: 'Light',
  dark: 'Dark',
  reload: 'Reload',
  devTools: 'Developer tools',
  help: 'Help',
  about: 'About Faultline',
  classroomTitle: 'Viewer link for the classroom',
  classroomScan: 'Scan or type this link on a laptop on the same network. It can watch, not press buttons.',
  classroomWarning: 'The panel is open to this network while this is on. Share only this viewer link.',
  noNetwork: 'This machine has no network address a classroom could reach.',
  aboutDetail: 'A lab for fault tolerance in distributed systems: a real cluster, faults on a button, checkers with evidence.',
  clusterFailed: 'The cluster could not start',
} as const;

export type MenuStrings = { readonly [K in keyof typeof en]: string };

const zhCN: MenuStrings = {
  cluster: '集群',
  start: '启动新集群',
  stop: '停止集群（保留数据）',
  openClassroom: '向课堂开放…',
  closeClassroom: '停止向课堂开放',
  quit: '退出',
  view: '视图',
  language: '语言',
  theme: '主题',
  light: '浅色',
  dark: '深色',
  reload: '重新加载',
  devTools: '开发者工具',
  help: '帮助',
  about: '关于 Faultline',
  classroomTitle: '课堂观看链接',
  classroomScan: '在同一网络的电脑上扫描或输入此链接。它只能观看，不能按按钮。',
  classroomWarning: '开放期间，控制面板对此网络可见。只分享这个观看链接。',
  noNetwork: '本机没有课堂网络可以访问的地址。',
  aboutDetail: '分布式系统容错实验室：真实的集群，一键注入故障，带证据的检查器。',
  clusterFailed: '集群无法启动',
};

export const MENU_STRINGS: Readonly<Record<DesktopLanguage, MenuStrings>> = { en, 'zh-CN': zhCN };

/** Each language's own name, shown in the language menu as itself. */
export const LANGUAGE_NAMES: Readonly<Record<DesktopLanguage, string>> = { en: 'English', 'zh-CN': '简体中文' };
