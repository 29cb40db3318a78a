import { afterEach, describe, expect, it } from 'vitest';
import { NODE_ENTRY_BUNDLE, NODE_ENTRY_SOURCE, NODE_V8_FLAGS, nodeArgvFor } from '../../core/supervisor/node-bundle';

const saved = process.env['FAULTLINE_NODE_RUNNER'];
afterEach(() => {
  if (saved === undefined) delete process.env['FAULTLINE_NODE_RUNNER'];
  else process.env['FAULTLINE_NODE_RUNNER'] = saved;
});

describe('which program starts a node', () => {
  it('runs any other entry through tsx, with the node V8 flags first', () => {
    const argv = nodeArgvFor('/somewhere/else/entry.ts');
    expect(argv.slice(0, NODE_V8_FLAGS.length)).toEqual([...NODE_V8_FLAGS]);
    expect(argv.slice(NODE_V8_FLAGS.length)).toEqual(['--import', expect.stringContaining('tsx'), '/somewhere/else/entry.ts']);
  });

  it('FAULTLINE_NODE_RUNNER=tsx forces the sources even for the default entry', () => {
    process.env['FAULTLINE_NODE_RUNNER'] = 'tsx';
    const argv = nodeArgvFor(NODE_ENTRY_SOURCE);
    expect(argv).not.toContain(NODE_ENTRY_BUNDLE);
    expect(argv.at(-1)).toBe(NODE_ENTRY_SOURCE);
  });

  it('the default entry runs either the bundle or the sources, never both', () => {
    delete process.env['FAULTLINE_NODE_RUNNER'];
    const argv = nodeArgvFor(NODE_ENTRY_SOURCE);
    const last = argv.at(-1);
    expect([NODE_ENTRY_BUNDLE, NODE_ENTRY_SOURCE]).toContain(last);
    expect(argv.includes('--import')).toBe(last === NODE_ENTRY_SOURCE);
  });
});
