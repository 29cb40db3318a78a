/**
 * Which messages a bounded event stream keeps when it cannot keep them all. Both the nodes
 * (each caps its message events per flush) and the supervisor's message feed decide by this
 * one hash of the message id, so the send (reported by one node) and the receipt (reported by
 * another) of a message are kept or left out together: an id kept under a fraction is kept
 * under every larger one, and two sides at the same fraction make the same choice.
 */

/** A message's place in [0, 1): the same for every event of that message (FNV-1a of the id). */
export function keepHash(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) / 0x1_0000_0000;
}

/** Whether the message with this id is kept when only `fraction` (0..1) of the messages can be. */
export function keepsMessage(id: string, fraction: number): boolean {
  return fraction >= 1 || keepHash(id) < fraction;
}
