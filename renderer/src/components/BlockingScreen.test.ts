import { afterEach, describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import { followLanguage } from '../i18n';
import { useUiStore } from '../stores/ui';
import { TID } from '../testids';
import App from '../App.vue';
import { mountPanel } from './mount';
import { useConnectionStore } from '../stores/connection';

describe('the screens before the panel can connect', () => {
  let unmount: (() => void) | undefined;
  afterEach(() => {
    unmount?.();
    localStorage.clear();
  });

  it('a link without a token says where the right link is, in either language', async () => {
    const { wrapper, i18n } = mountPanel(App, { language: 'en' });
    unmount = () => wrapper.unmount();
    const ui = useUiStore();
    ui.language = 'en';
    followLanguage(i18n, () => ui.language);
    useConnectionStore().status = 'no-token';
    await nextTick();
    const screen = wrapper.find(`[data-testid="${TID.noTokenScreen}"]`);
    expect(screen.text()).toContain('#token=');
    expect(wrapper.find(`[data-testid="${TID.clusterBar}"]`).exists()).toBe(false);
    await wrapper.find(`[data-testid="${TID.langSwitch}"]`).trigger('click');
    expect(wrapper.find(`[data-testid="${TID.noTokenScreen}"] h1`).text()).toBe('此链接没有令牌');
  });

  it('a refused token gets its own screen', async () => {
    const { wrapper } = mountPanel(App, { language: 'en' });
    unmount = () => wrapper.unmount();
    useConnectionStore().status = 'refused';
    await nextTick();
    expect(wrapper.find(`[data-testid="${TID.refusedScreen}"]`).text()).toContain('faultline serve');
  });
});
