/** Field schemas every channel shares. */
import { z } from 'zod';

export const nodeIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'expected a node id: 1-32 letters, digits, _ or -');
/** Request ids are chosen by clients; bounded so an id cannot be used to bloat replies. */
export const requestIdSchema = z.string().min(1).max(64);
export const keySchema = z.string().min(1).max(256);
export const slotSchema = z.number().int().min(1);
export const countSchema = z.number().int().min(0);
