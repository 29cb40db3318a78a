/**
 * No template shows words that bypass vue-i18n: every text node and every human-facing
 * attribute (title, aria-label, placeholder, alt) in every .vue file of the panel may hold
 * only interpolations, digits, punctuation and symbols (✕, ▶, %, ·), never letters.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'vue/compiler-sfc';

const sources = import.meta.glob<string>('../**/*.vue', { query: '?raw', import: 'default', eager: true });
const HUMAN_ATTRIBUTES = new Set(['title', 'aria-label', 'placeholder', 'alt', 'label']);
const LETTERS = /\p{L}/u;

interface AstNode {
  type: number;
  content?: unknown;
  loc: { start: { line: number }; source: string };
  children?: AstNode[];
  props?: { type: number; name: string; value?: { content: string } }[];
  branches?: AstNode[];
}

function rawWords(node: AstNode, out: string[]): void {
  // 2: text. 1: element (its static attributes are type 6).
  if (node.type === 2 && typeof node.content === 'string' && LETTERS.test(node.content)) {
    out.push(`line ${node.loc.start.line}: text "${node.content.trim()}"`);
  }
  for (const p of node.props ?? []) {
    if (p.type === 6 && HUMAN_ATTRIBUTES.has(p.name) && p.value && LETTERS.test(p.value.content)) {
      out.push(`line ${node.loc.start.line}: ${p.name}="${p.value.content}"`);
    }
  }
  for (const c of node.children ?? []) rawWords(c, out);
  for (const b of node.branches ?? []) rawWords(b, out);
}

describe('templates', () => {
  it('finds the panel components', () => {
    expect(Object.keys(sources).length).toBeGreaterThan(10);
  });

  it.each(Object.entries(sources))('%s has no raw words outside vue-i18n', (_path, source) => {
    const { descriptor, errors } = parse(source);
    expect(errors).toEqual([]);
    const found: string[] = [];
    if (descriptor.template?.ast) rawWords(descriptor.template.ast as unknown as AstNode, found);
    expect(found).toEqual([]);
  });

  it('the check itself catches a raw word', () => {
    const { descriptor } = parse('<template><p title="Kill it">{{ t("x") }} Kill</p></template>');
    const found: string[] = [];
    rawWords(descriptor.template!.ast as unknown as AstNode, found);
    expect(found).toHaveLength(2);
  });
});
