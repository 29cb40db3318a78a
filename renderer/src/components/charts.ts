/**
 * ECharts for the panel, with only what it draws registered (line charts on a canvas, grid,
 * tooltip, legend, mark lines/areas), and the theme's colours read from the CSS variables
 * so charts follow light/dark. Views import `VChart` from here, never echarts' full bundle.
 */
import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { computed, nextTick, ref, watch } from 'vue';
import VChart from 'vue-echarts';
import { useUiStore } from '../stores/ui';

use([CanvasRenderer, LineChart, GridComponent, TooltipComponent, LegendComponent, MarkLineComponent, MarkAreaComponent]);

export { VChart };

export interface ChartColours {
  readonly fg: string;
  readonly muted: string;
  readonly border: string;
  readonly panel: string;
  readonly ok: string;
  readonly warn: string;
  readonly bad: string;
  readonly accent: string;
}

function read(): ChartColours {
  const css = typeof document === 'undefined' ? null : getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => css?.getPropertyValue(name).trim() || fallback;
  return {
    fg: v('--fg', '#000'),
    muted: v('--muted', '#444'),
    border: v('--border', '#999'),
    panel: v('--panel', '#eee'),
    ok: v('--ok', '#0a7d32'),
    warn: v('--warn', '#a35a00'),
    bad: v('--bad', '#c4001a'),
    accent: v('--accent', '#0057b8'),
  };
}

/** The theme's colours, re-read after each theme switch has reached the page. */
export function useChartColours() {
  const ui = useUiStore();
  const colours = ref<ChartColours>(read());
  watch(
    () => ui.theme,
    () => nextTick(() => (colours.value = read())),
    { flush: 'post' },
  );
  return computed(() => colours.value);
}

/** Axis and text styling shared by the panel's charts (projector-sized type). */
export function axisStyle(c: ChartColours, fontSize: number) {
  return {
    axisLine: { lineStyle: { color: c.border } },
    axisLabel: { color: c.muted, fontSize },
    splitLine: { lineStyle: { color: c.border, opacity: 0.35 } },
    nameTextStyle: { color: c.muted, fontSize },
  };
}
