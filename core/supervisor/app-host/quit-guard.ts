/**
 * Quitting stops every node, whichever way the quit comes (the window closed, Cmd-Q or the
 * menu, the OS logging out, SIGTERM/SIGINT): the first request starts closing the lab and
 * defers the quit; when the lab is closed the app exits. A quit asked again while closing
 * waits for the same close. If the app is killed outright, no code runs here: the reaper
 * (core/supervisor/reaper-process.mjs) sees its pipe close and kills every node.
 */

export type QuitState = 'running' | 'closing' | 'closed';

export class QuitGuard {
  private state: QuitState = 'running';
  private closing: Promise<void> | undefined;

  constructor(
    private readonly closeLab: () => Promise<void>,
    /** Called once the lab is closed (app.exit in Electron). */
    private readonly exit: (code: number) => void,
    private readonly log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  ) {}

  get current(): QuitState {
    return this.state;
  }

  /** Returns true when the quit must be deferred (Electron: event.preventDefault()). */
  requestQuit(): boolean {
    if (this.state === 'closed') return false;
    if (this.state === 'running') {
      this.state = 'closing';
      this.closing = this.closeLab()
        .catch((e: unknown) => this.log(`faultline: closing the lab failed: ${(e as Error).message}`))
        .finally(() => {
          this.state = 'closed';
          this.exit(0);
        });
    }
    return true;
  }

  /** Resolves once the lab is closed (after a requestQuit()). */
  whenClosed(): Promise<void> {
    return this.closing ?? Promise.resolve();
  }
}
