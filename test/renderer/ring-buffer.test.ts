import { describe, expect, it } from 'vitest';
import { RingBuffer } from '../../core/protocol/ring-buffer';

describe('RingBuffer', () => {
  it('keeps the newest items up to its capacity, oldest first', () => {
    const b = new RingBuffer<number>(3);
    expect(b.push(1)).toBeUndefined();
    b.push(2);
    b.push(3);
    expect(b.push(4)).toBe(1);
    expect(b.toArray()).toEqual([2, 3, 4]);
    expect(b.size).toBe(3);
    expect(b.at(0)).toBe(2);
    expect(b.at(3)).toBeUndefined();
  });

  it('stays bounded whatever is pushed', () => {
    const b = new RingBuffer<number>(100);
    for (let i = 0; i < 10_000; i++) b.push(i);
    expect(b.size).toBe(100);
    expect(b.toArray()[0]).toBe(9_900);
  });

  it('drops stale items from the old end and replaces in place', () => {
    const b = new RingBuffer<number>(5);
    for (const v of [1, 2, 3, 4, 5, 6]) b.push(v);
    expect(b.dropWhile((v) => v < 4)).toBe(2);
    expect([...b]).toEqual([4, 5, 6]);
    b.set(1, 50);
    expect(b.toArray()).toEqual([4, 50, 6]);
    expect(() => b.set(3, 0)).toThrow(RangeError);
    b.clear();
    expect(b.size).toBe(0);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new RingBuffer(0)).toThrow(/positive integer/);
    expect(() => new RingBuffer(1.5)).toThrow(/positive integer/);
  });
});
