import { describe, expect, it } from 'vitest';
import { type AwsCaller, createReads, createReplayCaller } from '../../shared/aws/index.js';
import { TransientReadError } from '../../shared/diagnosis/reads.js';
import { answer, failure, recordingSleep, SOURCE_BUCKET, sdkError, snapshotOf, spyCaller } from './seed.js';

/** A caller whose GetBucketVersioning fails with `errors` in turn, then answers Enabled. */
function flakyCaller(...errors: Error[]): AwsCaller & { sends: number } {
  const caller = {
    sends: 0,
    async send() {
      caller.sends += 1;
      const error = errors.shift();
      if (error) throw error;
      return { Status: 'Enabled' };
    },
  };
  return caller;
}

const versioningSnapshot = snapshotOf(
  answer('S3', 'GetBucketVersioning', { Bucket: SOURCE_BUCKET }, { Status: 'Enabled' }),
  failure('S3', 'GetBucketPolicy', { Bucket: SOURCE_BUCKET }, 'AccessDenied', 403),
);

describe('retries', () => {
  it('retries throttling and answers once AWS does', async () => {
    const { sleep, waits } = recordingSleep();
    const caller = flakyCaller(sdkError('ThrottlingException', 400), sdkError('ThrottlingException', 400));
    const reads = createReads(caller, { sleep });

    const read = await reads.getBucketVersioning(SOURCE_BUCKET, 'source');

    expect(read).toEqual({ status: 'ok', value: 'Enabled' });
    expect(caller.sends).toBe(3);
    expect(waits).toHaveLength(2);
  });

  it('throws TransientReadError carrying the last error when throttling never stops', async () => {
    const throttle = sdkError('ThrottlingException', 400, 'Rate exceeded');
    const caller: AwsCaller = {
      send: async () => {
        throw throttle;
      },
    };
    const reads = createReads(caller, { sleep: recordingSleep().sleep });

    const error = await reads.getBucketVersioning(SOURCE_BUCKET, 'source').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(TransientReadError);
    expect((error as TransientReadError).cause).toBe(throttle);
    expect((error as TransientReadError).message).toBe(
      'S3 GetBucketVersioning failed after 4 attempts: ThrottlingException: Rate exceeded',
    );
  });

  it('honours the configured number of attempts', async () => {
    const caller = flakyCaller(sdkError('SlowDown', 503), sdkError('SlowDown', 503));
    const reads = createReads(caller, { sleep: recordingSleep().sleep, retry: { attempts: 2 } });

    await expect(reads.getBucketVersioning(SOURCE_BUCKET, 'source')).rejects.toBeInstanceOf(
      TransientReadError,
    );
    expect(caller.sends).toBe(2);
  });

  it('backs off exponentially with full jitter, capped', async () => {
    const { sleep, waits } = recordingSleep();
    const errors = Array.from({ length: 5 }, () => sdkError('InternalError', 500));
    const reads = createReads(flakyCaller(...errors), {
      sleep,
      random: () => 0.5,
      retry: { attempts: 6, baseDelayMs: 100, maxDelayMs: 1_000 },
    });

    await reads.getBucketVersioning(SOURCE_BUCKET, 'source');

    expect(waits).toEqual([50, 100, 200, 400, 500]);
  });

  it('never waits longer than the exponential bound', async () => {
    const { sleep, waits } = recordingSleep();
    const reads = createReads(flakyCaller(sdkError('Throttling', 400), sdkError('Throttling', 400)), {
      sleep,
      random: () => 0.999,
    });

    await reads.getBucketVersioning(SOURCE_BUCKET, 'source');

    expect(waits).toEqual([99, 199]);
  });

  it('does not retry an error that is not an AWS answer, and surfaces it as TransientReadError', async () => {
    const caller = flakyCaller(
      Object.assign(new Error('Could not load credentials'), { name: 'CredentialsProviderError' }),
    );
    const reads = createReads(caller, { sleep: recordingSleep().sleep });

    const error = await reads.getBucketVersioning(SOURCE_BUCKET, 'source').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(TransientReadError);
    expect((error as Error).message).toContain('CredentialsProviderError');
    expect(caller.sends).toBe(1);
  });

  it('does not retry a denied read', async () => {
    const caller = flakyCaller(sdkError('AccessDenied', 403));
    const reads = createReads(caller, { sleep: recordingSleep().sleep });

    expect((await reads.getBucketVersioning(SOURCE_BUCKET, 'source')).status).toBe('denied');
    expect(caller.sends).toBe(1);
  });
});

describe('cache', () => {
  it('serves a repeated read from the cache within the TTL', async () => {
    const spy = spyCaller(createReplayCaller(versioningSnapshot));
    const reads = createReads(spy, { now: () => 0 });

    await reads.getBucketVersioning(SOURCE_BUCKET, 'source');
    const again = await reads.getBucketVersioning(SOURCE_BUCKET, 'source');

    expect(again).toEqual({ status: 'ok', value: 'Enabled' });
    expect(spy.sent).toHaveLength(1);
    expect(reads.stats()).toEqual({ calls: 1, byCommand: { GetBucketVersioning: 1 }, cacheHits: 1 });
  });

  it('reads again once the TTL has passed', async () => {
    let clock = 1_000;
    const spy = spyCaller(createReplayCaller(versioningSnapshot));
    const reads = createReads(spy, { now: () => clock, cacheTtlMs: 30_000 });

    await reads.getBucketVersioning(SOURCE_BUCKET, 'source');
    clock += 29_999;
    await reads.getBucketVersioning(SOURCE_BUCKET, 'source');
    clock += 1;
    await reads.getBucketVersioning(SOURCE_BUCKET, 'source');

    expect(spy.sent).toHaveLength(2);
    expect(reads.stats().cacheHits).toBe(1);
  });

  it('caches denied answers too', async () => {
    const spy = spyCaller(createReplayCaller(versioningSnapshot));
    const reads = createReads(spy);

    await reads.getBucketPolicy(SOURCE_BUCKET, 'source');
    const again = await reads.getBucketPolicy(SOURCE_BUCKET, 'source');

    expect(again.status).toBe('denied');
    expect(spy.sent).toHaveLength(1);
  });

  it('does not cache a transient failure', async () => {
    const caller = flakyCaller(...Array.from({ length: 4 }, () => sdkError('ServiceUnavailable', 503)));
    const reads = createReads(caller, { sleep: recordingSleep().sleep });

    await expect(reads.getBucketVersioning(SOURCE_BUCKET, 'source')).rejects.toBeInstanceOf(
      TransientReadError,
    );
    const retried = await reads.getBucketVersioning(SOURCE_BUCKET, 'source');

    expect(retried).toEqual({ status: 'ok', value: 'Enabled' });
    expect(caller.sends).toBe(5);
  });

  it('keeps different inputs and sides apart', async () => {
    const spy = spyCaller(
      createReplayCaller(snapshotOf(answer('S3', 'GetBucketVersioning', {}, { Status: 'Enabled' }))),
    );
    const reads = createReads(spy, { resolveBucketRegions: false });

    await reads.getBucketVersioning('a', 'source');
    await reads.getBucketVersioning('b', 'source');
    await reads.getBucketVersioning('a', 'destination');

    expect(spy.sent).toHaveLength(3);
  });

  it('reads every time when the TTL is 0', async () => {
    const spy = spyCaller(createReplayCaller(versioningSnapshot));
    const reads = createReads(spy, { cacheTtlMs: 0 });

    await reads.getBucketVersioning(SOURCE_BUCKET, 'source');
    await reads.getBucketVersioning(SOURCE_BUCKET, 'source');

    expect(spy.sent).toHaveLength(2);
    expect(reads.stats()).toEqual({ calls: 2, byCommand: { GetBucketVersioning: 2 }, cacheHits: 0 });
  });

  it('forgets everything on clearCache', async () => {
    const spy = spyCaller(createReplayCaller(versioningSnapshot));
    const reads = createReads(spy);

    await reads.getBucketVersioning(SOURCE_BUCKET, 'source');
    reads.clearCache();
    await reads.getBucketVersioning(SOURCE_BUCKET, 'source');

    expect(spy.sent).toHaveLength(2);
  });

  it('shares one call between identical reads in flight', async () => {
    let release: (value: Record<string, unknown>) => void = () => {};
    let sends = 0;
    const caller: AwsCaller = {
      send: () => {
        sends += 1;
        return new Promise((resolve) => {
          release = resolve;
        });
      },
    };
    const reads = createReads(caller);

    const first = reads.getBucketVersioning(SOURCE_BUCKET, 'source');
    const second = reads.getBucketVersioning(SOURCE_BUCKET, 'source');
    await Promise.resolve();
    release({ Status: 'Suspended' });

    expect(await Promise.all([first, second])).toEqual([
      { status: 'ok', value: 'Suspended' },
      { status: 'ok', value: 'Suspended' },
    ]);
    expect(sends).toBe(1);
    expect(reads.stats().cacheHits).toBe(1);
  });
});

describe('stats', () => {
  it('counts real calls per command, retries included, cache hits apart', async () => {
    const snapshot = snapshotOf(
      answer('S3', 'GetBucketVersioning', {}, { Status: 'Enabled' }),
      answer('S3', 'GetBucketRequestPayment', {}, { Payer: 'BucketOwner' }),
    );
    const reads = createReads(createReplayCaller(snapshot), { resolveBucketRegions: false });

    await reads.getBucketVersioning('a', 'source');
    await reads.getBucketVersioning('b', 'source');
    await reads.getBucketVersioning('a', 'source');
    await reads.getBucketRequestPayment('a', 'destination');

    expect(reads.stats()).toEqual({
      calls: 3,
      byCommand: { GetBucketVersioning: 2, GetBucketRequestPayment: 1 },
      cacheHits: 1,
    });
  });

  it('hands out a copy of the counters', async () => {
    const reads = createReads(createReplayCaller(versioningSnapshot));
    const before = reads.stats();

    await reads.getBucketVersioning(SOURCE_BUCKET, 'source');

    expect(before).toEqual({ calls: 0, byCommand: {}, cacheHits: 0 });
  });
});
