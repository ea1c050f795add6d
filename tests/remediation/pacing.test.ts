import { describe, expect, it } from 'vitest';
import {
  CopyThrottledError,
  isSlowDown,
  pacingScope,
  RequestPacer,
} from '../../shared/remediation/pacing.js';
import { fakeClock, sdkError, slowDown } from './copy-fixtures.js';

describe('the token bucket', () => {
  it('lets a burst through at once, then spaces requests at the configured rate', async () => {
    // Prepare
    const clock = fakeClock();
    const pacer = new RequestPacer({ ratePerSecond: 10, burst: 2, clock });

    // Act: five requests arrive together
    await Promise.all(Array.from({ length: 5 }, () => pacer.acquire('bucket/prefix/')));

    // Assess: two free, then one every 100 ms, each queued behind the previous
    expect(clock.sleeps).toEqual([100, 200, 300]);
  });

  it('refills with time, up to the burst', async () => {
    const clock = fakeClock();
    const pacer = new RequestPacer({ ratePerSecond: 10, burst: 2, clock });
    await pacer.acquire('scope');
    await pacer.acquire('scope');

    clock.advance(10_000);
    await pacer.acquire('scope');
    await pacer.acquire('scope');
    await pacer.acquire('scope');

    expect(clock.sleeps).toEqual([100]);
  });

  it('paces each bucket/prefix on its own', async () => {
    const clock = fakeClock();
    const pacer = new RequestPacer({ ratePerSecond: 10, burst: 1, clock });

    await Promise.all([pacer.acquire('bucket/a/'), pacer.acquire('bucket/b/'), pacer.acquire('other/a/')]);

    expect(clock.sleeps).toEqual([]);
  });

  it('defaults to 100 requests per second, far under S3’s 3,500 PUT/COPY per prefix', async () => {
    const clock = fakeClock();
    const pacer = new RequestPacer({ clock });

    await Promise.all(Array.from({ length: 11 }, () => pacer.acquire('scope')));

    expect(clock.sleeps).toEqual([10]);
  });

  it('rejects a rate that is not positive', () => {
    expect(() => new RequestPacer({ ratePerSecond: 0 })).toThrow(RangeError);
  });
});

describe('pacing scopes', () => {
  it('groups keys by bucket and the prefix up to the last slash', () => {
    expect(pacingScope('b', 'logs/2024/01/a.gz')).toBe('b/logs/2024/01/');
    expect(pacingScope('b', 'top-level.txt')).toBe('b/');
  });
});

describe('backing off on SlowDown', () => {
  it('retries with exponentially growing, jittered waits and returns the eventual answer', async () => {
    // Prepare: jitter at its top, so each wait shows its ceiling
    const clock = fakeClock();
    const pacer = new RequestPacer({ clock, random: () => 0.999, baseDelayMs: 100, maxDelayMs: 250 });
    let calls = 0;
    let sent = 0;

    // Act
    const answer = await pacer.run(
      'scope',
      'CopyObject',
      async () => {
        calls += 1;
        if (calls < 4) throw slowDown();
        return 'copied';
      },
      () => {
        sent += 1;
      },
    );

    // Assess: ceilings 100, 200, then capped at 250
    expect(answer).toBe('copied');
    expect(sent).toBe(4);
    expect(clock.sleeps).toEqual([99, 199, 249]);
  });

  it('throws CopyThrottledError with the last SlowDown as cause once the tries are used up', async () => {
    const pacer = new RequestPacer({ clock: fakeClock(), attempts: 2 });
    const last = slowDown();
    let calls = 0;

    const error = await pacer
      .run('bucket/prefix/', 'UploadPartCopy', async () => {
        calls += 1;
        throw calls === 2 ? last : slowDown();
      })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(CopyThrottledError);
    expect(error).toMatchObject({ scope: 'bucket/prefix/', attempts: 2, cause: last });
    expect(calls).toBe(2);
  });

  it('passes any other error through at once, without retrying', async () => {
    const pacer = new RequestPacer({ clock: fakeClock() });
    const denied = sdkError({ name: 'AccessDenied', status: 403 });
    let calls = 0;

    const error = await pacer
      .run('scope', 'CopyObject', async () => {
        calls += 1;
        throw denied;
      })
      .catch((caught: unknown) => caught);

    expect(error).toBe(denied);
    expect(calls).toBe(1);
  });

  it('counts SlowDown and any 503 as a request to slow down, but not other errors', () => {
    expect(isSlowDown(slowDown())).toBe(true);
    expect(isSlowDown(sdkError({ name: 'ServiceUnavailable', status: 503 }))).toBe(true);
    expect(isSlowDown(sdkError({ name: 'KMS.ThrottlingException', status: 503 }))).toBe(true);
    expect(isSlowDown(sdkError({ name: 'InternalError', status: 500 }))).toBe(false);
    expect(isSlowDown(sdkError({ name: 'AccessDenied', status: 403 }))).toBe(false);
  });
});
