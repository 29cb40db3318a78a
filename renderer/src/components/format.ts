/** Numbers as the panel prints them: few digits, tabular, units added by i18n (common.unit.*). */
export function fixed(v: number | null | undefined, digits = 0): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  return v.toFixed(digits);
}

export function megabytes(bytes: number | null | undefined): string {
  return bytes === null || bytes === undefined ? '–' : (bytes / 1_048_576).toFixed(0);
}

/** A size in bytes as the panel prints it: KB below a MiB, MB (one decimal) above; use with common.unit.kb/mb. */
export function sizeParts(bytes: number | null | undefined): { readonly unit: 'kb' | 'mb'; readonly v: string } {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return { unit: 'mb', v: '–' };
  return bytes < 1_048_576 ? { unit: 'kb', v: (bytes / 1024).toFixed(0) } : { unit: 'mb', v: (bytes / 1_048_576).toFixed(1) };
}

/** Panel time (ms since the Lab started) as m:ss.s, the timeline's clock. */
export function clock(ms: number): string {
  const total = Math.max(0, ms) / 1000;
  const m = Math.floor(total / 60);
  const s = total - m * 60;
  return `${m}:${s.toFixed(1).padStart(4, '0')}`;
}
