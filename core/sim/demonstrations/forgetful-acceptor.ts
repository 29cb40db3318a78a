/**
 * forgetful-acceptor: a Paxos acceptor that forgets its promise when it restarts (bug
 * `forget-promise`) lets two values be chosen for one slot.
 */
import type { Demonstration } from './types';

export const forgetfulAcceptor: Demonstration = {
  name: 'forgetful-acceptor',
  summary: 'Paxos: an acceptor promises a new leader, restarts having forgotten, and accepts the old leader\'s value: two values chosen for one slot',
  mechanism: 'paxos',
  options: { nodes: 3, faults: [], ops: 100, controls: { paxosBugs: { forgetPromiseOnRestart: true }, assertionsOff: true } },
  expectedModel: 'paxos',
  control: { summary: 'the same schedule with acceptors that keep their promise: one value per slot', options: { controls: {} } },
};
