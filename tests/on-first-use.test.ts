import { describe, expect, it } from 'vitest';
import { onFirstUse } from '../shared/on-first-use.js';

describe('onFirstUse', () => {
  it('makes the value once and shares it, also between concurrent first uses', async () => {
    let made = 0;
    const value = onFirstUse(async () => ({ n: ++made }));
    const [a, b] = await Promise.all([value(), value()]);
    const c = await value();
    expect(made).toBe(1);
    expect(a).toBe(b);
    expect(c).toBe(a);
  });

  it('does not keep a failure: the next use tries again', async () => {
    let attempts = 0;
    const value = onFirstUse(async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('module failed to load');
      return 'client';
    });
    await expect(value()).rejects.toThrow('module failed to load');
    await expect(value()).resolves.toBe('client');
    expect(attempts).toBe(2);
  });
});
