/**
 * The desktop app's lab, in plain Node (no Electron import, so tests run it as it is): the
 * Lab with its panel served on 127.0.0.1 from the app's built panel, the instructor's link
 * the window opens, cluster start/stop for the menu, the classroom listener, and close().
 * The Electron main process (electron/main.ts) only wires this to windows and menus.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import type { ClusterInfo } from '../../protocol/panel';
import { Lab, type LabSettings } from '../lab';
import { setProcessNodeRuntime, type NodeRuntime } from '../node-runtime';
import { PanelApi } from '../panel-api';
import { pauseKindFor } from '../pause-kind';
import type { PauseKind } from '../node-process';
import { servePanel } from '../panel/panel-server';
import { classroomAddresses, relayListener, urlHost, type Relay } from './classroom';

export interface AppHostOptions {
  /** The built panel (dist/renderer, inside app.asar when packaged). */
  readonly rendererDir: string;
  /** Node data; emptied at open (each launch starts fresh), kept across stop/start within it. */
  readonly dataDir: string;
  readonly runtime: NodeRuntime;
  readonly settings?: Partial<LabSettings>;
}

export interface ClassroomLink {
  readonly address: string;
  readonly port: number;
  /** Read-only link with the network address (what the QR code says). */
  readonly viewerUrl: string;
}

const LOOPBACK = '127.0.0.1';

export class AppHost {
  private classroom: { link: ClassroomLink; relay: Relay } | undefined;
  private closing: Promise<void> | undefined;

  private constructor(
    readonly lab: Lab,
    private readonly panel: PanelApi,
    readonly port: number,
    private readonly instructorToken: string,
    private readonly viewerToken: string,
    /** The list PanelApi checks origins against; the classroom adds its own. */
    private readonly allowedOrigins: string[],
  ) {}

  static async open(options: AppHostOptions): Promise<AppHost> {
    // Helpers started deep inside workloads (the GC-pause client and its reaper) use it too.
    setProcessNodeRuntime(options.runtime);
    await rm(options.dataDir, { recursive: true, force: true, maxRetries: 3 });
    await mkdir(options.dataDir, { recursive: true });
    const lab = await Lab.create({ ...options.settings, dataDir: options.dataDir, runtime: options.runtime });
    let port: number;
    try {
      port = await lab.server.listen(0, LOOPBACK);
    } catch (e) {
      await lab.close();
      throw e;
    }
    const allowedOrigins = [`http://${LOOPBACK}:${port}`, `http://localhost:${port}`];
    const instructorToken = randomBytes(24).toString('base64url');
    const viewerToken = randomBytes(24).toString('base64url');
    // exposed: the route admits network peers, but only the classroom listener can bring one
    // (the server itself is bound to 127.0.0.1); /node stays loopback-only regardless.
    const panel = new PanelApi(lab, { instructorToken, viewerToken, allowedOrigins, exposed: true });
    servePanel(lab.server, { staticDir: options.rendererDir, authorize: (t) => panel.authorize(t), historyFile: () => lab.workload.historyFile });
    return new AppHost(lab, panel, port, instructorToken, viewerToken, allowedOrigins);
  }

  /** The panel's own origin: the only one the window may show and IPC may come from. */
  get origin(): string {
    return `http://${LOOPBACK}:${this.port}`;
  }

  /** What the window opens: the instructor's link (the token stays in the fragment). */
  get instructorUrl(): string {
    return `${this.origin}/#token=${this.instructorToken}`;
  }

  get viewerUrl(): string {
    return `${this.origin}/#token=${this.viewerToken}`;
  }

  /** How a node pause is done on this platform (SIGSTOP, or the node's own freeze on Windows). */
  get pauseKind(): PauseKind {
    return pauseKindFor(process.platform);
  }

  get clusterInfo(): ClusterInfo {
    return this.lab.clusterInfo;
  }

  get isRunning(): boolean {
    const state = this.lab.clusterInfo.state;
    return state === 'running' || state === 'starting';
  }

  /** A fresh cluster (the menu's start; the app starts one at launch). */
  startCluster(): Promise<ClusterInfo> {
    return this.lab.start();
  }

  /** Every node stops, data kept. */
  stopCluster(): Promise<ClusterInfo> {
    return this.lab.stop();
  }

  /** Pids of the node processes (for tests and the about box). */
  nodePids(): number[] {
    return (this.lab.cluster?.views() ?? []).map((v) => v.pid).filter((p): p is number => p !== undefined);
  }

  get classroomLink(): ClassroomLink | undefined {
    return this.classroom?.link;
  }

  /**
   * Opens the panel to the network at `address` (default: this machine's first LAN address),
   * on the panel's port when free. Idempotent for the same address.
   */
  async openClassroom(address: string | undefined = classroomAddresses()[0]): Promise<ClassroomLink> {
    if (address === undefined) throw new Error('this machine has no network address a classroom could reach (connect it to the room network first)');
    if (this.classroom?.link.address === address) return this.classroom.link;
    await this.closeClassroom();
    let relay: Relay;
    try {
      relay = await relayListener(this.lab.server.server, address, this.port);
    } catch {
      relay = await relayListener(this.lab.server.server, address, 0);
    }
    const origin = `http://${urlHost(address)}:${relay.port}`;
    this.allowedOrigins.push(origin);
    const link: ClassroomLink = { address, port: relay.port, viewerUrl: `${origin}/#token=${this.viewerToken}` };
    this.classroom = { link, relay };
    return link;
  }

  /** Closes the network listener and the connections that came through it. */
  async closeClassroom(): Promise<void> {
    const open = this.classroom;
    if (!open) return;
    this.classroom = undefined;
    const origin = `http://${urlHost(open.link.address)}:${open.link.port}`;
    const at = this.allowedOrigins.indexOf(origin);
    if (at >= 0) this.allowedOrigins.splice(at, 1);
    await open.relay.close();
  }

  /** Stops the workload and every node, closes the server. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.closeClassroom();
      this.panel.close();
      await this.lab.close();
    })();
    return this.closing;
  }
}
