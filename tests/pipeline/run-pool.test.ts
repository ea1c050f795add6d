import { describe, expect, it } from 'vitest';
import { runPool } from '../../shared/run-pool.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a bounded pool of work', () => {
  it('runs every input with at most `concurrency` in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const done: number[] = [];

    await runPool([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await tick(2);
      inFlight -= 1;
      done.push(n);
    });

    expect(peak).toBe(3);
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('starts nothing after the first failure, lets work in flight settle, then throws the first failure', async () => {
    const started: number[] = [];
    const settled: number[] = [];

    const run = runPool([1, 2, 3, 4, 5, 6], 2, async (n) => {
      started.push(n);
      if (n === 1) {
        await tick(1);
        throw new Error('first');
      }
      await tick(10);
      settled.push(n);
      if (n === 2) throw new Error('second');
    });

    await expect(run).rejects.toThrow('first');
    expect(started).toEqual([1, 2]);
    expect(settled).toEqual([2]);
  });

  it('does nothing for no input', async () => {
    let calls = 0;
    await runPool([], 4, async () => {
      calls += 1;
    });
    expect(calls).toBe(0);
  });
});
