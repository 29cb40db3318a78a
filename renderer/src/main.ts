/**
 * The panel: Pinia stores fed by one WebSocket (net/), vue-i18n in en and zh-CN, the
 * theme on <html data-theme>. The token comes from the URL fragment; without one the
 * page says what to do instead of connecting.
 */
import { createApp, watch } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { followDesktopMenu } from './desktop';
import { createPanelI18n, followLanguage } from './i18n';
import { PanelSocket } from './net/socket';
import { panelUrl, tokenFromHash } from './net/token';
import { useConnectionStore } from './stores/connection';
import { useUiStore } from './stores/ui';
import './style/theme.css';

const app = createApp(App);
const pinia = createPinia();
app.use(pinia);

const ui = useUiStore(pinia);
const i18n = createPanelI18n(ui.language);
app.use(i18n);

followLanguage(i18n, () => ui.language);
followDesktopMenu(ui);
watch(
  () => ui.theme,
  (theme) => document.documentElement.setAttribute('data-theme', theme),
  { immediate: true },
);

const token = tokenFromHash(location.hash);
if (token === null) {
  useConnectionStore(pinia).status = 'no-token';
} else {
  useConnectionStore(pinia).token = token;
  new PanelSocket(panelUrl(location, token)).start();
}

app.mount('#app');
