/**
 * Node weights as text (`faultline run --weights n2=2,n3=0.5`, node `--weights`): a node of
 * weight w gets w times the ring's virtual nodes (about w times the keys) and w times the
 * requests under the weighted policy. Unnamed nodes weigh 1. The bound is the membership
 * service's (weights are agreed through the log, which refuses larger ones).
 */
export const MAX_NODE_WEIGHT = 100;

/** `id=weight,...` for nodes among `ids`, each weight in (0, MAX_NODE_WEIGHT]; or the message saying what is wrong. */
export function parseNodeWeights(text: string, ids: readonly string[]): Record<string, number> | string {
  const out: Record<string, number> = {};
  for (const item of text.split(',').filter((x) => x.trim() !== '')) {
    const [id, w, extra] = item.split('=').map((x) => x.trim());
    const weight = Number(w);
    if (!id || w === undefined || w === '' || extra !== undefined) return `weights are id=weight pairs separated by commas (n2=2,n3=0.5), got "${item}"`;
    if (!ids.includes(id)) return `no node "${id}" to weigh (nodes: ${ids.join(', ')})`;
    if (Object.hasOwn(out, id)) return `node "${id}" is weighed twice`;
    if (!Number.isFinite(weight) || weight <= 0 || weight > MAX_NODE_WEIGHT) return `the weight of ${id} must be a number in (0, ${MAX_NODE_WEIGHT}], got "${w}"`;
    out[id] = weight;
  }
  return out;
}

/** The inverse of parseNodeWeights for the weights that are not 1 ('' when every weight is 1). */
export function formatNodeWeights(weights: Readonly<Record<string, number>>): string {
  return Object.entries(weights)
    .filter(([, w]) => w !== 1)
    .map(([id, w]) => `${id}=${w}`)
    .join(',');
}
