/** Rejects a PaxosConfig that cannot work, naming the wrong value and what was expected. */
import type { PaxosConfig } from './types';

export function validateConfig(config: PaxosConfig): void {
  if (config.learner === true) {
    if (config.members.includes(config.id) || config.members.length === 0) {
      throw new Error(`a learner's PaxosConfig.members must be the acceptors it learns from, without its own id "${config.id}", got [${config.members.join(', ')}]`);
    }
  } else if (!config.members.includes(config.id)) {
    throw new Error(`PaxosConfig.members must include the replica's own id "${config.id}", got [${config.members.join(', ')}]`);
  }
  if (new Set(config.members).size !== config.members.length) {
    throw new Error(`PaxosConfig.members must be distinct, got [${config.members.join(', ')}]`);
  }
  if (!(config.heartbeatMs > 0)) throw new Error(`PaxosConfig.heartbeatMs must be > 0, got ${config.heartbeatMs}`);
  if (!(config.electionTimeoutMinMs > config.heartbeatMs)) {
    throw new Error(
      `PaxosConfig.electionTimeoutMinMs must exceed heartbeatMs ${config.heartbeatMs}, got ${config.electionTimeoutMinMs}`,
    );
  }
  if (!(config.electionTimeoutMaxMs >= config.electionTimeoutMinMs)) {
    throw new Error(
      `PaxosConfig.electionTimeoutMaxMs must be >= electionTimeoutMinMs ${config.electionTimeoutMinMs}, got ${config.electionTimeoutMaxMs}`,
    );
  }
  if (config.snapshotEverySlots !== undefined && !(Number.isInteger(config.snapshotEverySlots) && config.snapshotEverySlots >= 0)) {
    throw new Error(`PaxosConfig.snapshotEverySlots must be an integer >= 0 (0: never), got ${config.snapshotEverySlots}`);
  }
  if (config.learnerCatchupMs !== undefined && !(config.learnerCatchupMs > 0)) {
    throw new Error(`PaxosConfig.learnerCatchupMs must be > 0, got ${config.learnerCatchupMs}`);
  }
  if (config.maxInFlight !== undefined && !(Number.isInteger(config.maxInFlight) && config.maxInFlight >= 1)) {
    throw new Error(`PaxosConfig.maxInFlight must be a positive integer, got ${config.maxInFlight}`);
  }
}
