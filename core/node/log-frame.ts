/**
 * The on-disk framing of the durable log: every record is
 *   [u32 LE payload length][u32 LE CRC-32 of the payload][payload: UTF-8 JSON]
 * The length lets replay find record boundaries; the checksum tells a record that was
 * written whole from one torn by a crash or damaged on disk.
 */
import { crc32 } from './crc32';

export const FRAME_HEADER_BYTES = 8;
/** No record is this big; a larger length field means the header itself is damaged. */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

export function encodeRecord(record: unknown): Buffer {
  const json = JSON.stringify(record);
  if (json === undefined) throw new Error(`durable log records must be JSON values, got ${typeof record}`);
  const payload = Buffer.from(json, 'utf8');
  if (payload.length > MAX_RECORD_BYTES) {
    throw new Error(`durable log record of ${payload.length} bytes exceeds the ${MAX_RECORD_BYTES}-byte limit`);
  }
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  frame.writeUInt32LE(payload.length, 0);
  frame.writeUInt32LE(crc32(payload), 4);
  payload.copy(frame, FRAME_HEADER_BYTES);
  return frame;
}

/** Why replay stopped before the end of the file. */
export type LogDamage =
  /** Fewer than 8 bytes after the last whole record: a crash mid-header. */
  | 'TORN_HEADER'
  /** The header promises more payload bytes than the file holds: a crash mid-payload. */
  | 'TORN_PAYLOAD'
  /** The length field is impossible (damaged header). */
  | 'BAD_LENGTH'
  /** The payload does not match its checksum: damaged bytes. */
  | 'BAD_CHECKSUM'
  /** The checksum matches but the payload is not JSON (written by a buggy writer). */
  | 'BAD_JSON';

export interface DecodedLog {
  readonly records: unknown[];
  /** Byte length of the valid prefix (where the next record belongs). */
  readonly validBytes: number;
  readonly damage?: { readonly reason: LogDamage; readonly offset: number; readonly droppedBytes: number };
}

/** Decodes every whole, intact record; stops at the first damaged one. */
export function decodeRecords(bytes: Buffer): DecodedLog {
  const records: unknown[] = [];
  let offset = 0;
  const stop = (reason: LogDamage): DecodedLog => ({
    records,
    validBytes: offset,
    damage: { reason, offset, droppedBytes: bytes.length - offset },
  });
  while (offset < bytes.length) {
    if (bytes.length - offset < FRAME_HEADER_BYTES) return stop('TORN_HEADER');
    const length = bytes.readUInt32LE(offset);
    const checksum = bytes.readUInt32LE(offset + 4);
    if (length > MAX_RECORD_BYTES) return stop('BAD_LENGTH');
    const start = offset + FRAME_HEADER_BYTES;
    if (bytes.length - start < length) return stop('TORN_PAYLOAD');
    if (crc32(bytes, start, start + length) !== checksum) return stop('BAD_CHECKSUM');
    let record: unknown;
    try {
      record = JSON.parse(bytes.toString('utf8', start, start + length));
    } catch {
      return stop('BAD_JSON');
    }
    records.push(record);
    offset = start + length;
  }
  return { records, validBytes: offset };
}
