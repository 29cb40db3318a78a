/**
 * The Health chart's data and ECharts option (pure, no DOM): each peer's phi as one node
 * sees it, the threshold as a line, every suspicion (phi rising over the threshold) and
 * recovery (falling back under it) marked, and heartbeat arrivals as ticks under the axis.
 * Phi is capped on the chart (a phi of 300 says no more than "far over the threshold").
 */
import type { MessageEvent, NodeSample } from '../../../../core/protocol/panel';
import { echartsSymbol, nodeLook } from '../../style/nodes';

export interface Crossing {
  readonly peer: string;
  readonly atMs: number;
  readonly kind: 'suspected' | 'recovered';
}

/** The points where a peer's phi crosses the threshold, in time order. */
export function crossings(samples: readonly NodeSample[], threshold: number): Crossing[] {
  const out: Crossing[] = [];
  const over = new Map<string, boolean>();
  for (const s of samples) {
    for (const [peer, phi] of Object.entries(s.phi)) {
      const now = phi > threshold;
      const before = over.get(peer);
      if (before !== undefined && before !== now) out.push({ peer, atMs: s.atMs, kind: now ? 'suspected' : 'recovered' });
      over.set(peer, now);
    }
  }
  return out;
}

/** Peers seen in the samples, sorted. */
export function peersOf(samples: readonly NodeSample[]): string[] {
  const peers = new Set<string>();
  for (const s of samples) for (const p of Object.keys(s.phi)) peers.add(p);
  return [...peers].sort();
}

/** Heartbeats the observer received (any part's `*.heartbeat`), by sender. */
export function heartbeatsTo(observer: string, messages: Iterable<MessageEvent>, sinceMs: number): { from: string; atMs: number }[] {
  const out: { from: string; atMs: number }[] = [];
  for (const m of messages) {
    if (m.to !== observer || m.recvAt === undefined || m.recvAt < sinceMs || !m.type.endsWith('.heartbeat')) continue;
    out.push({ from: m.from, atMs: m.recvAt });
  }
  return out;
}

export interface HealthLabels {
  readonly threshold: string;
  readonly suspected: string;
  readonly recovered: string;
  readonly heartbeats: string;
  readonly phiAxis: string;
  readonly timeAxis: string;
  /** Panel time as the timeline writes it. */
  readonly clock: (ms: number) => string;
}

export interface HealthTheme {
  readonly text: string;
  readonly grid: string;
  readonly bad: string;
  readonly ok: string;
}

export const PHI_CAP_FACTOR = 2.5;

export function healthOption(
  samples: readonly NodeSample[],
  threshold: number,
  heartbeats: readonly { from: string; atMs: number }[],
  labels: HealthLabels,
  theme: HealthTheme,
) {
  const cap = threshold * PHI_CAP_FACTOR;
  const peers = peersOf(samples);
  const marks = crossings(samples, threshold);
  const lines = peers.map((peer) => {
    const look = nodeLook(peer);
    const own = marks.filter((c) => c.peer === peer);
    return {
      name: peer,
      type: 'line' as const,
      showSymbol: false,
      symbol: echartsSymbol(peer),
      lineStyle: { width: 3, color: look.colour },
      itemStyle: { color: look.colour },
      data: samples.filter((s) => s.phi[peer] !== undefined).map((s) => [s.atMs, Math.min(cap, s.phi[peer] as number)]),
      markPoint: {
        symbolSize: 34,
        label: { fontSize: 14, fontWeight: 700 as const },
        data: own.map((c) => ({
          coord: [c.atMs, threshold],
          symbol: c.kind === 'suspected' ? 'triangle' : 'pin',
          symbolRotate: c.kind === 'suspected' ? 0 : 180,
          itemStyle: { color: c.kind === 'suspected' ? theme.bad : theme.ok },
          value: c.kind === 'suspected' ? '!' : '✓',
          name: `${peer} ${c.kind === 'suspected' ? labels.suspected : labels.recovered}`,
        })),
      },
    };
  });
  const ticks = peers.map((peer, i) => ({
    name: `${peer} · ${labels.heartbeats}`,
    type: 'scatter' as const,
    symbol: 'rect',
    symbolSize: [2, 10],
    itemStyle: { color: nodeLook(peer).colour },
    data: heartbeats.filter((h) => h.from === peer).map((h) => [h.atMs, -(i + 1) * (cap / 40)]),
    tooltip: { show: false },
  }));
  const first = lines[0];
  if (first) {
    // The threshold once, on the first series: a dashed line with its value in words.
    Object.assign(first, {
      markLine: {
        symbol: 'none',
        silent: true,
        lineStyle: { type: 'dashed' as const, width: 2, color: theme.bad },
        label: { formatter: `${labels.threshold} φ = ${threshold}`, color: theme.bad, fontSize: 14, position: 'insideEndTop' as const },
        data: [{ yAxis: threshold }],
      },
    });
  }
  return {
    animation: false,
    textStyle: { fontSize: 16, color: theme.text },
    grid: { left: 56, right: 24, top: 40, bottom: 52 },
    legend: { top: 0, itemWidth: 28, itemHeight: 14, textStyle: { color: theme.text, fontSize: 16, fontWeight: 700 as const }, data: peers },
    tooltip: { trigger: 'axis' as const, valueFormatter: (v: unknown) => (typeof v === 'number' ? v.toFixed(2) : String(v)) },
    xAxis: {
      type: 'value' as const,
      name: labels.timeAxis,
      nameLocation: 'middle' as const,
      nameGap: 30,
      nameTextStyle: { fontSize: 14 },
      min: 'dataMin' as const,
      max: 'dataMax' as const,
      axisLabel: { color: theme.text, fontSize: 14, formatter: (v: number) => labels.clock(v) },
      splitLine: { lineStyle: { color: theme.grid } },
    },
    yAxis: {
      type: 'value' as const,
      name: labels.phiAxis,
      min: -(peers.length + 1) * (cap / 40),
      max: cap,
      nameTextStyle: { fontSize: 14 },
      axisLabel: { color: theme.text, fontSize: 14, formatter: (v: number) => (v < 0 ? '' : String(Math.round(v))) },
      splitLine: { lineStyle: { color: theme.grid } },
    },
    series: [...lines, ...ticks],
  };
}
