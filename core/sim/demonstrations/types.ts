/**
 * A named demonstration: a negative lesson that shows its anomaly on EVERY seed. It fixes
 * the mechanism, its mode or deliberate bug, the workload's size and a fault SCRIPT aimed
 * at the one moment that breaks the guarantee (not a random mix hoping for it), and names
 * the checker model that must report the violation. Its control is the same script with
 * the bug off or in the safe mode: that must pass on every seed.
 */
import type { ScriptContext } from '../nemesis';
import type { SimOptions } from '../report';

/** A mechanism's options without the seed (mode, bug, keys... are mechanism-specific). */
export type DemonstrationOptions = Omit<SimOptions, 'seed'> & Record<string, unknown>;

export interface Demonstration {
  /** `faultline sim --scenario NAME`. */
  readonly name: string;
  /** One line: what breaks and how the script forces it. */
  readonly summary: string;
  /** A key of MECHANISMS. */
  readonly mechanism: string;
  readonly options: DemonstrationOptions;
  /**
   * The fault script, run by the nemesis in place of the random mix. Absent when the
   * mechanism itself runs a schedule of this name (it receives `scenario: NAME`).
   */
  readonly script?: (ctx: ScriptContext) => void;
  /** The checker model that must report a violation on every seed (Verdict.model). */
  readonly expectedModel: string;
  /** The same script with the bug off or in the safe mode: it must pass on every seed. */
  readonly control: { readonly summary: string; readonly options: Partial<DemonstrationOptions> };
}
