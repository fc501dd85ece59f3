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

describe('RecentMessages.delete', () => {
  it('forgets an id so that it can be accepted again', () => {
    const recent = new RecentMessages(2);
    recent.add('p', 'a');
    recent.add('p', 'b');
    recent.add('p', 'c');
    recent.delete('p', 'a');
    recent.delete('p', 'c');
    expect([recent.has('p', 'a'), recent.has('p', 'b'), recent.has('p', 'c')]).toEqual([false, true, false]);
  });
});
