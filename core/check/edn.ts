/**
 * A small EDN reader, enough for Jepsen history files (history.edn): maps, vectors, lists,
 * sets, strings, integers, floats, nil, booleans, keywords, symbols, characters, comments
 * and the `#_` discard, and tagged values (`#inst "..."`, and the `#jepsen.history.Op{...}`
 * records newer Jepsen versions print), which are read as the value they tag.
 *
 * EDN becomes plain JSON-like values: keywords and symbols become their name as a string
 * (`:invoke` -> "invoke", `:x` -> "x"; a namespace stays: `:a/b` -> "a/b"), vectors, lists
 * and sets become arrays, maps become objects (keys by their text), integers become
 * numbers (strings when past 2^53, so nothing is silently rounded). Errors carry the
 * 1-based line.
 */

export class EdnError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = 'EdnError';
  }
}

export type EdnValue = null | boolean | number | string | EdnValue[] | { [key: string]: EdnValue };

/** A top-level form and the line it starts on. */
export interface EdnForm {
  readonly value: EdnValue;
  readonly line: number;
}

/** What `#_` leaves: nothing. */
const DISCARDED = Symbol('discarded');
const DELIMITERS = new Set(['(', ')', '[', ']', '{', '}', '"', ';']);
const CHAR_NAMES: Record<string, string> = { newline: '\n', space: ' ', tab: '\t', return: '\r', backspace: '\b', formfeed: '\f' };
const STRING_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '"': '"', '\\': '\\', '/': '/' };

function isWhitespace(c: string): boolean {
  return c === ' ' || c === '\n' || c === '\t' || c === '\r' || c === ',' || c === '\f';
}

/** Parses every top-level form of `text`. Throws EdnError. */
export function readEdnForms(text: string): EdnForm[] {
  return new Reader(text).all();
}

/** The text of a map key: strings and keywords as themselves, anything else as JSON. */
function keyText(k: EdnValue): string {
  return typeof k === 'string' ? k : JSON.stringify(k);
}

class Reader {
  private pos = 0;
  private line = 1;

  constructor(private readonly text: string) {}

  all(): EdnForm[] {
    const forms: EdnForm[] = [];
    for (;;) {
      this.skip();
      if (this.pos >= this.text.length) return forms;
      const line = this.line;
      const v = this.read();
      if (v !== DISCARDED) forms.push({ value: v, line });
    }
  }

  private fail(reason: string): never {
    throw new EdnError(this.line, reason);
  }

  private advance(): string {
    const c = this.text[this.pos++]!;
    if (c === '\n') this.line++;
    return c;
  }

  /** Skips whitespace, commas and comments. */
  private skip(): void {
    while (this.pos < this.text.length) {
      const c = this.text[this.pos]!;
      if (isWhitespace(c)) this.advance();
      else if (c === ';') while (this.pos < this.text.length && this.text[this.pos] !== '\n') this.pos++;
      else return;
    }
  }

  private read(): EdnValue | typeof DISCARDED {
    const c = this.text[this.pos]!;
    switch (c) {
      case '[':
      case '(':
        this.advance();
        return this.readSeq(c === '[' ? ']' : ')');
      case '{':
        this.advance();
        return this.readMap();
      case '"':
        this.advance();
        return this.readString();
      case '\\':
        this.advance();
        return this.readChar();
      case ']':
      case ')':
      case '}':
        return this.fail(`unexpected '${c}'`);
      case '#':
        return this.readDispatch();
      default:
        return this.readAtom();
    }
  }

  /** Reads the next form that is not discarded, or fails at `end`. */
  private readValue(end: string | undefined): EdnValue {
    for (;;) {
      this.skip();
      if (this.pos >= this.text.length) this.fail(end ? `the text ends before the closing '${end}'` : 'the text ends where a value was expected');
      const v = this.read();
      if (v !== DISCARDED) return v;
    }
  }

  private readSeq(end: string): EdnValue[] {
    const items: EdnValue[] = [];
    for (;;) {
      this.skip();
      if (this.pos >= this.text.length) this.fail(`the text ends before the closing '${end}'`);
      if (this.text[this.pos] === end) {
        this.advance();
        return items;
      }
      const v = this.read();
      if (v !== DISCARDED) items.push(v);
    }
  }

  private readMap(): { [key: string]: EdnValue } {
    const items = this.readSeq('}');
    if (items.length % 2 !== 0) this.fail('a map needs an even number of forms (key value pairs)');
    // fromEntries defines own properties: a key named __proto__ stays a key.
    const entries: [string, EdnValue][] = [];
    for (let i = 0; i < items.length; i += 2) entries.push([keyText(items[i]!), items[i + 1]!]);
    return Object.fromEntries(entries);
  }

  private readString(): string {
    let out = '';
    for (;;) {
      if (this.pos >= this.text.length) this.fail('the text ends inside a string');
      const c = this.advance();
      if (c === '"') return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      if (this.pos >= this.text.length) this.fail('the text ends inside a string');
      const e = this.advance();
      if (e === 'u') {
        const hex = this.text.slice(this.pos, this.pos + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail(`bad unicode escape \\u${hex}`);
        this.pos += 4;
        out += String.fromCharCode(parseInt(hex, 16));
      } else if (STRING_ESCAPES[e] !== undefined) {
        out += STRING_ESCAPES[e];
      } else {
        this.fail(`unknown string escape \\${e}`);
      }
    }
  }

  private token(): string {
    const start = this.pos;
    while (this.pos < this.text.length && !isWhitespace(this.text[this.pos]!) && !DELIMITERS.has(this.text[this.pos]!)) this.pos++;
    return this.text.slice(start, this.pos);
  }

  private readChar(): string {
    // One character, or a name (\newline), or \uXXXX.
    const first = this.text[this.pos];
    if (first === undefined) this.fail('the text ends after \\');
    const tok = this.token();
    if (tok.length === 0) return this.advance();
    if (tok.length === 1) return tok;
    if (CHAR_NAMES[tok] !== undefined) return CHAR_NAMES[tok]!;
    if (/^u[0-9a-fA-F]{4}$/.test(tok)) return String.fromCharCode(parseInt(tok.slice(1), 16));
    return this.fail(`unknown character \\${tok}`);
  }

  private readDispatch(): EdnValue | typeof DISCARDED {
    this.advance(); // '#'
    const next = this.text[this.pos];
    if (next === '{') {
      this.advance();
      return this.readSeq('}');
    }
    if (next === '_') {
      this.advance();
      this.readValue(undefined);
      return DISCARDED;
    }
    const tag = this.token();
    if (tag === '' || !/^[a-zA-Z]/.test(tag)) this.fail(`unknown dispatch #${next ?? ''}`);
    // A tagged value (#inst "...", #uuid "...", #jepsen.history.Op{...}): read as what it tags.
    return this.readValue(undefined);
  }

  private readAtom(): EdnValue {
    const tok = this.token();
    if (tok === '') this.fail(`unexpected '${this.text[this.pos]}'`);
    if (tok === 'nil') return null;
    if (tok === 'true') return true;
    if (tok === 'false') return false;
    if (tok.startsWith(':')) {
      if (tok.length === 1) this.fail('a keyword needs a name after ":"');
      return tok.slice(1).replace(/^:/, '');
    }
    if (/^[+-]?\d+N?$/.test(tok)) {
      const digits = tok.replace(/N$/, '');
      const n = Number(digits);
      return Number.isSafeInteger(n) ? n : digits.replace(/^\+/, '');
    }
    if (/^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?M?$/.test(tok)) return Number(tok.replace(/M$/, ''));
    if (/^[+-]?\d+\/\d+$/.test(tok)) {
      const [a, b] = tok.split('/').map(Number) as [number, number];
      return a / b;
    }
    if (/^[+-]?\d/.test(tok)) this.fail(`not a number: ${tok}`);
    return tok; // a symbol
  }
}
