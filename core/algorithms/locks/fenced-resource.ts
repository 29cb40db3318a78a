/**
 * The protected resource at the end of the lock story (a storage service, a file): it
 * remembers the highest fencing token it has seen and refuses writes with a lower one. A
 * holder that paused past its lease (a GC pause, SIGSTOP) and wakes up still believing it
 * holds the lock is stopped here, because the lock has since been granted with a larger
 * token. Equal tokens are accepted: one holder writes several times under one grant.
 *
 * `enforce: false` is the negative control "a lock without fencing": every write is
 * accepted, but the result still says what would have been rejected, so the lab can point
 * at the exact write that broke mutual exclusion.
 */
export type FencedWriteResult =
  | { readonly ok: true; /** Only with enforce: false, when this write would have been rejected. */ readonly wouldReject?: { readonly highest: number } }
  | { readonly ok: false; readonly code: 'STALE_FENCING_TOKEN'; readonly highest: number; readonly message: string };

export interface FencedWrite {
  readonly token: number;
  readonly data: unknown;
  /** False when an enforcing resource would have refused this write. */
  readonly fenced: boolean;
}

export class FencedResource {
  readonly enforce: boolean;
  private highestToken = 0;
  private readonly accepted: FencedWrite[] = [];
  private rejectedCount = 0;
  private readonly maxKeptWrites: number;

  constructor(opts: { enforce?: boolean; maxKeptWrites?: number } = {}) {
    this.enforce = opts.enforce ?? true;
    this.maxKeptWrites = opts.maxKeptWrites ?? 1000;
  }

  write(token: number, data: unknown): FencedWriteResult {
    if (!Number.isFinite(token)) throw new Error(`fencing token must be a finite number, got ${String(token)}`);
    const stale = token < this.highestToken;
    if (stale && this.enforce) {
      this.rejectedCount++;
      return {
        ok: false,
        code: 'STALE_FENCING_TOKEN',
        highest: this.highestToken,
        message: `write with fencing token ${token} refused: token ${this.highestToken} was already seen; a newer holder owns the lock`,
      };
    }
    // Without enforcement the highest token still advances, so later writes are judged
    // against everything the resource has seen, as an enforcing one would.
    const highestBefore = this.highestToken;
    this.highestToken = Math.max(this.highestToken, token);
    this.accepted.push({ token, data, fenced: !stale });
    if (this.accepted.length > this.maxKeptWrites) this.accepted.shift();
    if (stale) this.rejectedCount++;
    return stale ? { ok: true, wouldReject: { highest: highestBefore } } : { ok: true };
  }

  /** The highest token seen so far (0 before any write). */
  get highest(): number {
    return this.highestToken;
  }

  /** The most recent accepted writes, oldest first (bounded by maxKeptWrites). */
  get writes(): readonly FencedWrite[] {
    return this.accepted;
  }

  /** Writes refused (enforce) or that would have been refused (no enforce). */
  get staleWrites(): number {
    return this.rejectedCount;
  }

  /** The last accepted data, or undefined before any write. */
  get value(): unknown {
    return this.accepted[this.accepted.length - 1]?.data;
  }
}
