/**
 * `faultline run`'s balancing arguments (--policy, --weights, --slow-node) and the weights
 * text every node reads (core/protocol/weights.ts): bad input gets a message naming it.
 */
import { describe, expect, it } from 'vitest';
import { parseRunArgs } from '../../core/cli/commands/run';
import { formatNodeWeights, parseNodeWeights } from '../../core/protocol/weights';
import { parseSlowNode } from '../../core/supervisor/workload/slow-node';

describe('run: --policy, --weights, --slow-node', () => {
  it('takes least-outstanding, weights and a slow node', () => {
    const p = parseRunArgs(['--workload', 'register', '--policy', 'least-outstanding', '--weights', 'n2=2, n3=0.5', '--slow-node', 'n4=250', '--seed', '1']);
    expect(p).toMatchObject({ policy: 'least-outstanding', weights: { n2: 2, n3: 0.5 }, slowNode: { node: 'n4', delayMs: 250 } });
    expect(parseRunArgs(['--workload', 'register', '--seed', '1'])).toMatchObject({ weights: {}, slowNode: undefined });
  });

  it('refuses weights and slow nodes that do not fit the cluster, saying why', () => {
    const cases: [string[], RegExp][] = [
      [['--weights', 'n6=2'], /--weights: no node "n6" to weigh \(nodes: n1, n2, n3, n4, n5\)/],
      [['--weights', 'n2=0'], /the weight of n2 must be a number in \(0, 100\], got "0"/],
      [['--weights', 'n2=101'], /in \(0, 100\]/],
      [['--weights', 'n2'], /id=weight pairs/],
      [['--weights', 'n2=2,n2=3'], /weighed twice/],
      [['--slow-node', 'n2'], /--slow-node takes id=ms/],
      [['--slow-node', 'n9=100'], /no node "n9"/],
      [['--slow-node', 'n2=0'], /whole number of ms from 1 to 60000/],
    ];
    for (const [args, message] of cases) expect(parseRunArgs(['--workload', 'register', ...args])).toMatch(message);
  });

  it('weights text round-trips and leaves out weight 1', () => {
    expect(parseNodeWeights('', ['n1'])).toEqual({});
    expect(formatNodeWeights({ n1: 1, n2: 2, n3: 0.5 })).toBe('n2=2,n3=0.5');
    expect(parseNodeWeights(formatNodeWeights({ n2: 2, n3: 0.5 }), ['n1', 'n2', 'n3'])).toEqual({ n2: 2, n3: 0.5 });
    expect(parseSlowNode('n1=5', ['n1'])).toEqual({ node: 'n1', delayMs: 5 });
  });
});
