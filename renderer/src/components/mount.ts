/**
 * Mounting a panel component in a test: a fresh Pinia, the panel's own vue-i18n (both
 * languages, runtime-only), the stores filled from a protocol snapshot, and a command
 * sender that records what the component sent.
 */
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import type { Component } from 'vue';
import type { CommandResult, PanelCommandInput, PanelRole, PanelState } from '../../../core/protocol/panel';
import { createPanelI18n } from '../i18n';
import type { Language } from '../i18n/types';
import { Feed } from '../net/feed';
import { useConnectionStore } from '../stores/connection';

export function mountPanel(component: Component, options: { state?: PanelState; role?: PanelRole; props?: Record<string, unknown>; language?: Language } = {}) {
  const pinia = createPinia();
  setActivePinia(pinia);
  const i18n = createPanelI18n(options.language ?? 'en');
  if (options.state) {
    const feed = new Feed({ resync: () => undefined, hello: () => undefined });
    feed.restart();
    feed.applyAll([{ type: 'snapshot', seq: 1, nowMs: 0, state: options.state }]);
  }
  const conn = useConnectionStore();
  conn.status = 'open';
  conn.role = options.role ?? 'instructor';
  const sent: PanelCommandInput[] = [];
  conn.setSender(async (c): Promise<CommandResult> => {
    sent.push(c);
    return {};
  });
  const wrapper = mount(component, { props: options.props ?? {}, global: { plugins: [pinia, i18n] }, attachTo: document.body });
  return { wrapper, sent, pinia, i18n };
}
