import { describe, expect, it } from 'vitest';
import { RecentMessages } from './recent-messages.js';

describe('RecentMessages', () => {
  it('remembers ids per environment', () => {
    const recent = new RecentMessages(10);
    recent.add('production', 'm1');
    expect(recent.has('production', 'm1')).toBe(true);
    expect(recent.has('development', 'm1')).toBe(false);
    expect(recent.has('production', 'm2')).toBe(false);
  });

  it('forgets the oldest generation, keeping at least `capacity` ids', () => {
    const recent = new RecentMessages(3);
    for (const id of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) recent.add('p', id);
    expect(['a', 'b', 'c'].map((id) => recent.has('p', id))).toEqual([false, false, false]);
    expect(['d', 'e', 'f', 'g'].map((id) => recent.has('p', id))).toEqual([true, true, true, true]);
  });
});
