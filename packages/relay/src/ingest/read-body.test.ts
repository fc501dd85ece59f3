import { describe, expect, it } from 'vitest';
import { BodyBudget } from './read-body.js';

describe('BodyBudget', () => {
  it('lets any client take from it while it is less than half used', () => {
    const budget = new BodyBudget(100, 10);
    expect(budget.take('proxy', 30)).toBe(true);
    expect(budget.take('proxy', 20)).toBe(true);
    expect(budget.inFlight).toBe(50);
  });

  it('past half, refuses a client holding its share and admits the others', () => {
    const budget = new BodyBudget(100, 10);
    expect(budget.take('a', 45)).toBe(true);
    expect(budget.take('a', 10)).toBe(false);
    expect(budget.take('b', 10)).toBe(true);
    expect(budget.take('b', 1)).toBe(false);
    expect(budget.take('c', 10)).toBe(true);
  });

  it('never goes past the whole budget, and forgets clients that hold nothing', () => {
    const budget = new BodyBudget(100, 100);
    expect(budget.take('a', 90)).toBe(true);
    expect(budget.take('b', 11)).toBe(false);
    budget.release('a', 90);
    expect(budget.inFlight).toBe(0);
    expect(budget.clients).toBe(0);
    expect(budget.take('b', 100)).toBe(true);
  });
});
