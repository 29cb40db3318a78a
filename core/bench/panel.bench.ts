/**
 * The panel must stay smooth (issue 8): a recorded feed of a real 5-node cluster under a
 * workload, replayed into the built panel in Debian's chromium at 5,000 events/s with the
 * messages view open, by a stand-in server (so the bench measures the page, not a cluster
 * competing for the cores). Measures the frame time (requestAnimationFrame deltas in the
 * page) and the JS heap after a forced GC, after the first minute and after an hour of feed
 * replayed faster. Goals: frame time p95 <= 32 ms; heap after the hour <= after the minute.
 * Skips, saying so, where /usr/bin/chromium or the built panel is missing.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { PanelServerMessage } from '../protocol/panel';
import { CHROMIUM_PATH, hasChromium, launchBrowser } from './browser/chromium';
import { openPanelSocket } from './browser/panel-socket';
import { FeedReplayer, recordingOf } from './browser/replay-feed';
import { BUILT_PANEL_DIR, startReplayServer } from './browser/replay-server';
import { startServe } from './browser/serve';
import { summarize, type BenchContext, type BenchSuite, type Measurement } from './harness';

const RATE = 5_000;
/** Batches per second at the live rate (the panel API flushes every 100 ms). */
const BATCHES_PER_SEC = 10;
/** Feed after which every 5-minute window of the panel is full (see the heap figures). */
const WINDOWS_FULL_S = 360;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Records the panel socket of a real run: serve, a register workload, every frame kept. */
async function record(ctx: BenchContext, seconds: number): Promise<PanelServerMessage[]> {
  ctx.progress(`recording ${seconds} s of a real 5-node cluster under a register workload`);
  const serve = await startServe();
  try {
    const sock = await openPanelSocket(serve.instructorUrl);
    await sock.until('a running cluster with a leader', (s) => (s.cluster.state === 'running' && s.leader.node !== null ? true : undefined), 90_000);
    sock.close();
    // A fresh socket: the recording starts with its own snapshot.
    const rec = await openPanelSocket(serve.instructorUrl);
    await rec.must({ kind: 'workload-start', settings: { workload: 'register', rate: 200, clients: 8 } });
    await sleep(seconds * 1_000);
    await rec.must({ kind: 'workload-stop' });
    rec.close();
    return [...rec.messages];
  } finally {
    await serve.stop();
  }
}

const FRAME_RECORDER = `(() => {
  window.__frames = [];
  let last = performance.now();
  const tick = (t) => { window.__frames.push(t - last); last = t; requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
})()`;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function heapAfterGc(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  return usedSize;
}

export interface PanelBenchPlan {
  /** Seconds of a real cluster's feed to record. */
  readonly recordS: number;
  /** Seconds replayed live at RATE (frame times measured after a 5 s warm-up). */
  readonly liveS: number;
  /** Seconds of feed in all, the rest replayed faster. */
  readonly feedS: number;
  /** Wall-clock cap on the fast replay (the page sets its pace); the report says how much was fed. */
  readonly fastCapS: number;
}

export const FULL_PLAN: PanelBenchPlan = { recordS: 20, liveS: 60, feedS: 3_600, fastCapS: 900 };
export const QUICK_PLAN: PanelBenchPlan = { recordS: 10, liveS: 20, feedS: 600, fastCapS: 120 };

/** The whole measurement; [] (with a progress line saying why) where it cannot run here. */
export async function measurePanel(ctx: BenchContext, plan: PanelBenchPlan): Promise<Measurement[]> {
  if (!hasChromium()) {
    ctx.progress(`skipped: ${CHROMIUM_PATH} is not installed (apt-get install -y chromium fonts-noto-cjk)`);
    return [];
  }
  if (!existsSync(join(BUILT_PANEL_DIR, 'index.html'))) {
    ctx.progress(`skipped: the panel is not built (${BUILT_PANEL_DIR}); run npm run build:panel`);
    return [];
  }
  const { liveS, feedS } = plan;
  const fastRate = RATE * 10;
  const tmp = await mkdtemp(join(tmpdir(), 'faultline-panel-bench-'));
  try {
    const frames = await record(ctx, plan.recordS);
    await writeFile(join(tmp, 'feed.jsonl'), frames.map((f) => JSON.stringify(f)).join('\n'));
    const replayer = new FeedReplayer(recordingOf(frames), RATE);
    ctx.progress(`recorded ${replayer.eventsPerLoop} events (${replayer.recordedRate.toFixed(0)}/s live); replaying at ${RATE}/s`);

    const server = await startReplayServer(() => [{ type: 'hello', role: 'viewer', protocol: 2 }, replayer.snapshot()]);
    const browser = await launchBrowser({ viewport: { width: 1920, height: 1080 }, extraArgs: ['--js-flags=--expose-gc'] });
    try {
      const page = await browser.context.newPage();
      await page.goto(server.url);
      const ws = await server.connected();
      await page.getByTestId('messages-pane').waitFor({ state: 'visible', timeout: 20_000 });

      // Live: RATE events/s in BATCHES_PER_SEC batches, paced by the wall clock.
      const perBatch = RATE / BATCHES_PER_SEC;
      const started = performance.now();
      let sent = 0;
      let recording = false;
      while (performance.now() - started < liveS * 1_000) {
        const due = Math.floor(((performance.now() - started) / 1_000) * BATCHES_PER_SEC);
        while (sent < due) {
          ws.send(JSON.stringify(replayer.batch(perBatch)));
          sent++;
        }
        if (!recording && performance.now() - started > 5_000) {
          await page.evaluate(FRAME_RECORDER); // after a 5 s warm-up
          recording = true;
        }
        await sleep(5);
      }
      const deltas = ((await page.evaluate('window.__frames')) as number[]).slice(1).sort((a, b) => a - b);
      const minuteHeap = await heapAfterGc(page);
      ctx.progress(`live: ${deltas.length} frames, p95 ${percentile(deltas, 95).toFixed(1)} ms; heap ${(minuteHeap / 1e6).toFixed(1)} MB`);

      // The rest of the hour (or quick: ten minutes) of feed, as fast as the page takes it
      // (at most 10x), paced by the socket's send buffer so the page is never flooded, and
      // for at most fastCapS of wall time.
      const fastStart = performance.now();
      let fed = liveS * RATE;
      const goal = feedS * RATE;
      const batch = fastRate / BATCHES_PER_SEC;
      let lastNote = fastStart;
      // The panel keeps 5-minute windows (charts, messages): the heap grows until they are full,
      // so the first minute is a floor, not a level. A leak shows as growth AFTER they filled:
      // the heap is also taken once 6 minutes of feed have gone by.
      const windowsFullAt = WINDOWS_FULL_S * RATE;
      let steadyHeap: number | undefined;
      while (fed < goal && performance.now() - fastStart < plan.fastCapS * 1_000) {
        if (steadyHeap === undefined && fed >= windowsFullAt) {
          await sleep(3_000); // let the page drain what it queued
          steadyHeap = await heapAfterGc(page);
          ctx.progress(`windows full after ${(fed / RATE / 60).toFixed(0)} min of feed: heap ${(steadyHeap / 1e6).toFixed(1)} MB`);
        }
        const due = ((performance.now() - fastStart) / 1_000) * fastRate;
        if (fed - liveS * RATE < due && ws.bufferedAmount < 1_000_000) {
          ws.send(JSON.stringify(replayer.batch(batch)));
          fed += batch;
        } else await sleep(5);
        if (performance.now() - lastNote > 30_000) {
          lastNote = performance.now();
          ctx.progress(`fast replay: ${((fed / goal) * 100).toFixed(0)}% of ${feedS / 60} min of feed`);
        }
      }
      await sleep(3_000); // let the page drain what it queued
      const hourHeap = await heapAfterGc(page);
      const fastS = (performance.now() - fastStart) / 1_000;
      const results: Measurement[] = [
        summarize('frame time p95, 5,000 events/s, messages open', 'ms', [percentile(deltas, 95)], `goal <= 32 ms; p50 ${percentile(deltas, 50).toFixed(1)} ms, max ${percentile(deltas, 100).toFixed(0)} ms, ${deltas.length} frames over ${liveS - 5} s`),
        summarize(`JS heap after GC, after ${liveS} s of feed`, 'MB', [minuteHeap / 1e6]),
        ...(steadyHeap === undefined ? [] : [summarize(`JS heap after GC, after ${WINDOWS_FULL_S / 60} min of feed (5-minute windows full)`, 'MB', [steadyHeap / 1e6])]),
        summarize(
          `JS heap after GC, after ${(fed / RATE / 60).toFixed(0)} min of feed`,
          'MB',
          [hourHeap / 1e6],
          `vs first minute ${((hourHeap / minuteHeap - 1) * 100).toFixed(1)}%${steadyHeap === undefined ? '' : `, vs windows full ${((hourHeap / steadyHeap - 1) * 100).toFixed(1)}%`}; fed at ${((fed - liveS * RATE) / fastS).toFixed(0)} events/s`,
        ),
      ];
      return results;
    } finally {
      await browser.close();
      await server.close();
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

const suite: BenchSuite = {
  name: 'panel (Debian chromium, replayed feed)',
  run: (ctx) => measurePanel(ctx, ctx.quick ? QUICK_PLAN : FULL_PLAN),
};

export default suite;
