import { describe, expect, it } from 'vitest';
import { RecentMessages } from './recent-messages.js';

const settle = () => new Promise((r) => setImmediate(r));

describe('RecentMessages', () => {
  it('counts an id as stored only once its commit succeeded', async () => {
    const recent = new RecentMessages(10);
    let commit!: () => void;
    recent.track('production', ['m1'], new Promise<void>((r) => (commit = r)));
    expect(recent.has('production', 'm1')).toBe(false);
    const pending = recent.pending('production', 'm1');
    expect(pending).toBeDefined();
    commit();
    await pending;
    expect(recent.has('production', 'm1')).toBe(true);
    expect(recent.has('development', 'm1')).toBe(false);
    expect(recent.pending('production', 'm1')).toBeUndefined();
  });

  it('forgets the ids of a failed commit, so that they can be sent again', async () => {
    const recent = new RecentMessages(10);
    let fail!: (e: Error) => void;
    const commit = new Promise<void>((_r, reject) => (fail = reject));
    commit.catch(() => undefined);
    recent.track('p', ['a', 'b'], commit);
    const pending = recent.pending('p', 'a')!;
    fail(new Error('disk full'));
    await expect(pending).resolves.toBeUndefined();
    expect([recent.has('p', 'a'), recent.has('p', 'b')]).toEqual([false, false]);
    expect(recent.pending('p', 'a')).toBeUndefined();
  });

  it('forgets the oldest generation, keeping at least `capacity` ids', async () => {
    const recent = new RecentMessages(3);
    for (const id of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) recent.track('p', [id], Promise.resolve());
    await settle();
    expect(['a', 'b', 'c'].map((id) => recent.has('p', id))).toEqual([false, false, false]);
    expect(['d', 'e', 'f', 'g'].map((id) => recent.has('p', id))).toEqual([true, true, true, true]);
  });
});
