/**
 * Turns a message string into a vue-i18n message function, so the panel runs vue-i18n's
 * runtime-only build (no message compiler, whose code generator needs eval, which the CSP
 * forbids). Supports what the views use: named `{name}` and list `{0}` interpolation, and
 * plural forms separated by ` | ` (vue-i18n's own syntax: "no nodes | one node | {n} nodes").
 */
import type { MessageContext, MessageFunction } from 'vue-i18n';

type Part = string | { readonly named: string } | { readonly list: number };

/** Splits "a {x} b" into literal and placeholder parts; `{'{'}` style escapes are not needed. */
export function parseMessage(text: string): Part[] {
  const parts: Part[] = [];
  const re = /\{\s*([A-Za-z_][\w]*|\d+)\s*\}/g;
  let last = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m.index > last) parts.push(text.slice(last, m.index));
    const name = m[1] as string;
    parts.push(/^\d+$/.test(name) ? { list: Number(name) } : { named: name });
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

function render(parts: readonly Part[], ctx: MessageContext): string {
  let out = '';
  for (const p of parts) {
    if (typeof p === 'string') out += p;
    else if ('named' in p) out += String(ctx.named(p.named) ?? '');
    else out += String(ctx.list(p.list) ?? '');
  }
  return out;
}

export function compileMessage(text: string): MessageFunction {
  const forms = text.split(' | ').map(parseMessage);
  if (forms.length === 1) {
    const only = forms[0] as Part[];
    return ((ctx: MessageContext) => render(only, ctx)) as MessageFunction;
  }
  return ((ctx: MessageContext) => ctx.plural(forms.map((f) => render(f, ctx)))) as MessageFunction;
}

/** A tree of strings, as the views' i18n.ts files write them. */
export interface MessageTree {
  readonly [key: string]: string | MessageTree;
}
export type CompiledTree = { [key: string]: MessageFunction | CompiledTree };

export function compileTree(tree: MessageTree): CompiledTree {
  const out: CompiledTree = {};
  for (const [k, v] of Object.entries(tree)) out[k] = typeof v === 'string' ? compileMessage(v) : compileTree(v);
  return out;
}
