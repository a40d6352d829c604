import { describe, expect, it } from 'vitest';
import { createUnsentBudget } from '../../src/tcp/budget.ts';

describe('unsent budget', () => {
  it('sums what every owner holds now, and says when the sum is past the limit', () => {
    const budget = createUnsentBudget<string>(100);
    expect(budget.charge('a', 60)).toBe(true);
    expect(budget.charge('b', 40)).toBe(true); // 100: at the limit, not past it
    expect(budget.charge('a', 70)).toBe(false); // a now holds 70, not 130
    expect(budget.total()).toBe(110);
    expect(budget.charge('a', 0)).toBe(true);
    expect(budget.total()).toBe(40);
  });

  it('names the owner holding the most, and forgets an owner that goes', () => {
    const budget = createUnsentBudget<string>(100);
    budget.charge('a', 10);
    budget.charge('b', 50);
    budget.charge('c', 20);
    expect(budget.largest()).toBe('b');
    budget.release('b');
    expect([budget.largest(), budget.total()]).toEqual(['c', 30]);
    budget.release('nobody');
    expect(budget.total()).toBe(30);
    budget.release('a');
    budget.release('c');
    expect([budget.largest(), budget.total()]).toEqual([undefined, 0]);
  });
});
