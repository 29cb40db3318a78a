/**
 * The first steps of decoding any frame, shared by every channel: a size limit enforced
 * BEFORE parsing (so a huge frame costs nothing), JSON parsing, and dispatch on a string
 * discriminator to the schema of that kind. Plain language only: it runs in the browser.
 */
import type { z } from 'zod';
import { refuse, type Decoded } from './errors';

/** 1 MiB: far above any legitimate frame (a catch-up batch is bounded well below it). */
export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

/** Exact UTF-8 size only when the cheap bounds cannot decide. */
function tooLarge(text: string, maxBytes: number): boolean {
  if (text.length > maxBytes) return true; // every UTF-16 unit is at least one byte
  if (text.length * 3 <= maxBytes) return false; // and at most three
  return utf8Encoder.encode(text).byteLength > maxBytes;
}

/** Size check, UTF-8 check, JSON parse. */
export function parseJsonFrame(raw: string | Uint8Array, maxBytes = DEFAULT_MAX_FRAME_BYTES): Decoded<unknown> {
  let text: string;
  if (typeof raw === 'string') {
    if (tooLarge(raw, maxBytes)) {
      return refuse('FRAME_TOO_LARGE', `frame exceeds the ${maxBytes}-byte limit (at least ${raw.length} bytes)`);
    }
    text = raw;
  } else {
    if (raw.byteLength > maxBytes) {
      return refuse('FRAME_TOO_LARGE', `frame of ${raw.byteLength} bytes exceeds the ${maxBytes}-byte limit`);
    }
    try {
      text = utf8Decoder.decode(raw);
    } catch {
      return refuse('MALFORMED_JSON', 'frame is not valid UTF-8');
    }
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return refuse('MALFORMED_JSON', `frame is not JSON: ${(error as Error).message}`);
  }
}

/** Turns the first schema issue into "path: what was expected". */
export function describeIssues(error: z.ZodError, prefix = ''): string {
  const issue = error.issues[0];
  if (!issue) return `${prefix || 'frame'}: invalid`;
  const path = [prefix, ...issue.path.map(String)].filter((p) => p !== '').join('.');
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '';
  return `${path || 'frame'}: ${issue.message}${more}`;
}

/**
 * Decodes a frame of one channel: `schemas` maps each value of the `discriminator` field
 * to the schema of that kind. Dispatching by hand (rather than a zod union) makes an
 * unknown kind its own error and validates only the one schema that applies.
 */
export function decodeByKind<T>(
  raw: string | Uint8Array,
  discriminator: string,
  schemas: Readonly<Record<string, z.ZodType>>,
  maxBytes = DEFAULT_MAX_FRAME_BYTES,
): Decoded<T> {
  const parsed = parseJsonFrame(raw, maxBytes);
  if (!parsed.ok) return parsed;
  return validateByKind<T>(parsed.value, discriminator, schemas);
}

export function validateByKind<T>(
  value: unknown,
  discriminator: string,
  schemas: Readonly<Record<string, z.ZodType>>,
  prefix = '',
): Decoded<T> {
  const where = prefix ? `${prefix}.${discriminator}` : discriminator;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return refuse('NOT_A_FRAME', `${prefix || 'frame'}: expected an object with a string "${discriminator}", got ${describeValue(value)}`);
  }
  const kind = (value as Record<string, unknown>)[discriminator];
  if (typeof kind !== 'string') {
    return refuse('NOT_A_FRAME', `${where}: expected a string, got ${describeValue(kind)}`);
  }
  const schema = Object.prototype.hasOwnProperty.call(schemas, kind) ? schemas[kind] : undefined;
  if (!schema) {
    return refuse('UNKNOWN_KIND', `${where}: unknown "${truncate(kind)}", expected one of ${Object.keys(schemas).join(', ')}`);
  }
  const result = schema.safeParse(value);
  if (!result.success) return refuse('INVALID_MESSAGE', `${truncate(kind)} ${describeIssues(result.error, prefix)}`);
  return { ok: true, value: result.data as T };
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v;
}

function truncate(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}...` : s;
}
