import { describe, expect, it } from 'vitest';
import type { PanelNode } from '../../../core/protocol/panel';
import { nodeStatus, panelNode } from '../stores/fixtures';
import { clusterReach, cutOff, healthClass, healthGlyph, HEALTH_STATES, nodeHealth, processUp } from './health';

/** A node whose status says it suspects these peers. */
const suspecting = (id: string, peers: readonly string[], over: Partial<PanelNode> = {}): PanelNode =>
  panelNode(id, { status: nodeStatus(id, { suspicion: Object.fromEntries(peers.map((p) => [p, { phi: 20, suspected: true }])) }), ...over });

describe('node health at the cluster level', () => {
  it('calls a running node up while only a minority of its live peers suspects it', () => {
    const nodes = [suspecting('n1', ['n3']), suspecting('n2', ['n3']), panelNode('n3'), panelNode('n4'), panelNode('n5')];
    const reach = clusterReach(nodes);
    expect(reach.get('n3')).toEqual({ suspectedBy: ['n1', 'n2'], cutOffFrom: ['n1', 'n2'], livePeers: 4 });
    expect(nodeHealth(nodes[2]!, 'running', reach.get('n3'))).toBe('up');
    // n1 suspects n3 itself: it cannot reach n3, though n3 does not suspect it.
    expect(reach.get('n1')).toEqual({ suspectedBy: [], cutOffFrom: ['n3'], livePeers: 4 });
  });

  it('calls a running node isolated (cut off) when most live peers suspect it, never down', () => {
    const nodes = [panelNode('n1'), suspecting('n2', ['n1']), suspecting('n3', ['n1']), suspecting('n4', ['n1']), panelNode('n5', { lifecycle: 'killed', status: undefined })];
    const reach = clusterReach(nodes).get('n1')!;
    expect(reach.livePeers).toBe(3); // the killed n5 says nothing
    expect(cutOff(reach)).toBe(true);
    expect(nodeHealth(nodes[0]!, 'running', reach)).toBe('isolated');
    expect(processUp('isolated')).toBe(true);
  });

  it('puts the lifecycle first: killed is down, paused is paused, whatever the peers say', () => {
    const nodes = [suspecting('n1', ['n2', 'n3']), suspecting('n4', ['n2', 'n3']), panelNode('n2', { lifecycle: 'killed', status: undefined }), panelNode('n3', { lifecycle: 'paused' })];
    const reach = clusterReach(nodes);
    expect(nodeHealth(nodes[2]!, 'running', reach.get('n2'))).toBe('down');
    expect(nodeHealth(nodes[3]!, 'running', reach.get('n3'))).toBe('paused');
    expect(nodeHealth(nodes[0]!, 'stopped', reach.get('n1'))).toBe('stopped');
    // A paused node's last report does not count as an observer.
    expect(reach.get('n1')!.livePeers).toBe(1);
  });

  it('gives every state a colour class and a mark (never colour alone)', () => {
    const marks = HEALTH_STATES.map(healthGlyph);
    expect(new Set(marks).size).toBe(HEALTH_STATES.length);
    for (const h of HEALTH_STATES) expect(healthClass(h)).toMatch(/^h-/);
  });
});
