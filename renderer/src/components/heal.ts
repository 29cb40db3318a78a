/**
 * "Heal all" as the bar promises it: the supervisor's heal (cuts, link faults, skews), then
 * every paused node resumed and every killed node restarted, so the fault list empties.
 */
import type { PanelCommandInput, PanelNode } from '../../../core/protocol/panel';

export function healAllCommands(nodes: readonly PanelNode[]): PanelCommandInput[] {
  const commands: PanelCommandInput[] = [{ kind: 'heal' }];
  for (const n of nodes) {
    if (n.lifecycle === 'paused') commands.push({ kind: 'resume', node: n.id });
    if (n.lifecycle === 'killed' || n.lifecycle === 'exited') commands.push({ kind: 'restart', node: n.id });
  }
  return commands;
}
