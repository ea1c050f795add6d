import { describe, expect, it } from 'vitest';
import { diagnoseBatch } from '../../../shared/diagnosis/batch.js';
import { diagnose } from '../../../shared/diagnosis/diagnose.js';
import { type DiagnosisReads, TransientReadError } from '../../../shared/diagnosis/reads.js';
import { OBJECT_KEY } from '../../support/seed-setup.js';
import { fakeReads, ok, rolePolicyWith, seedFailure, seedWorld, type World } from './fake-reads.js';

function brokenRoleWorld(): World {
  const world = seedWorld();
  world.inline = ok([
    {
      name: 'S3ReplicationPolicy',
      kind: 'inline',
      document: rolePolicyWith('DestinationBucketWriteAccess', undefined),
    },
  ]);
  return world;
}

function withObjects(world: World, count: number): string[] {
  const keys = Array.from({ length: count }, (_, i) => `photos/${i}.jpg`);
  for (const key of keys)
    world.heads[key] = ok({ ReplicationStatus: 'FAILED', ServerSideEncryption: 'AES256' });
  return keys;
}

describe('diagnoseBatch', () => {
  it('diagnoses a storm of one rule-scoped cause with the reads of one diagnosis', async () => {
    const single = fakeReads(brokenRoleWorld());
    await diagnose(seedFailure({ failureReason: 'DstMultipartInitNotPermitted' }), single);

    const reads = fakeReads(brokenRoleWorld());
    const failures = Array.from({ length: 10_000 }, (_, i) =>
      seedFailure({ failureReason: 'DstMultipartInitNotPermitted', key: `big/${i}.bin`, versionId: `v${i}` }),
    );
    const results = await diagnoseBatch(failures, reads);

    expect(reads.count()).toBe(single.count());
    expect(results).toHaveLength(10_000);
    results.forEach((result, i) => {
      if (!('diagnosis' in result)) throw new Error(`record ${i} failed`);
      expect(result.failure).toBe(failures[i]);
      expect(result.diagnosis.failure.key).toBe(`big/${i}.bin`);
      expect(result.diagnosis.failure.versionId).toBe(`v${i}`);
      expect(result.diagnosis.causes.map((c) => c.location)).toEqual(['replication-role-policy']);
    });
  });

  it('shares a rule-level cause found on the first object of an object-scoped group with every object', async () => {
    // Prepare: the role lacks s3:ReplicateObject; DstPutObjectNotPermitted reads objects (for KMS)
    const world = brokenRoleWorld();
    const keys = withObjects(world, 500);
    const oneWorld = brokenRoleWorld();
    withObjects(oneWorld, 1);
    const one = fakeReads(oneWorld);
    await diagnose(
      seedFailure({ failureReason: 'DstPutObjectNotPermitted', key: 'photos/0.jpg', versionId: 'v0' }),
      one,
    );
    const failures = keys.map((key, i) =>
      seedFailure({ failureReason: 'DstPutObjectNotPermitted', key, versionId: `v${i}` }),
    );
    const reads = fakeReads(world);

    // Act
    const results = await diagnoseBatch(failures, reads);

    // Assess: the reads of one diagnosis, one object read, every record with the same cause and its own key
    expect(reads.count()).toBe(one.count());
    expect(reads.count('headObject')).toBe(1);
    results.forEach((result, i) => {
      if (!('diagnosis' in result)) throw new Error(`record ${i} failed`);
      expect(result.diagnosis.failure.key).toBe(keys[i]);
      expect(result.diagnosis.causes.map((c) => [c.location, c.missingActions])).toEqual([
        ['replication-role-policy', ['s3:ReplicateObject']],
      ]);
      if (i > 0)
        expect(result.diagnosis.notes?.at(-1)).toMatch(/^Diagnosed once for this rule and failure reason/);
    });
  });

  it('reads each object of an object-scoped plan, and a duplicated record once', async () => {
    const world = seedWorld();
    const keys = withObjects(world, 40);
    const failures = [
      ...keys.map((key) => seedFailure({ key, versionId: undefined })),
      ...keys.slice(0, 10).map((key) => seedFailure({ key, versionId: undefined })),
    ];
    const reads = fakeReads(world);
    const results = await diagnoseBatch(failures, reads);

    expect(reads.count('headObject')).toBe(40);
    expect(results.map((r) => ('diagnosis' in r ? r.diagnosis.failure.key : 'error'))).toEqual(
      failures.map((f) => f.key),
    );
  });

  it('fails only the records of the group a transient error hit', async () => {
    const good = Array.from({ length: 5 }, (_, i) =>
      seedFailure({ failureReason: 'DstMultipartInitNotPermitted', key: `a/${i}` }),
    );
    const bad = Array.from({ length: 3 }, (_, i) =>
      seedFailure({
        failureReason: 'DstMultipartInitNotPermitted',
        sourceBucket: 'throttled-bucket',
        key: `b/${i}`,
      }),
    );
    const reads = fakeReads(seedWorld(), {
      transient: (method, args) => method === 'getBucketReplication' && args[0] === 'throttled-bucket',
    });
    const [first, ...rest] = good;
    const input = [...(first ? [first] : []), ...bad, ...rest];
    const results = await diagnoseBatch(input, reads);

    expect(results.map((r) => ('diagnosis' in r ? 'ok' : 'error'))).toEqual([
      'ok',
      'error',
      'error',
      'error',
      'ok',
      'ok',
      'ok',
      'ok',
    ]);
    const failed = results[1];
    expect(failed && 'error' in failed ? failed.error : undefined).toBeInstanceOf(TransientReadError);
    expect(failed?.failure).toBe(bad[0]);
  });

  it('fails only the object whose own read was throttled in an object-scoped group', async () => {
    const world = seedWorld();
    const keys = withObjects(world, 4);
    const reads = fakeReads(world, {
      transient: (method, args) => method === 'headObject' && args[1] === keys[2],
    });
    const results = await diagnoseBatch(
      keys.map((key) => seedFailure({ key })),
      reads,
    );
    expect(results.map((r) => ('diagnosis' in r ? 'ok' : 'error'))).toEqual(['ok', 'ok', 'error', 'ok']);
  });

  it('keeps at most `concurrency` diagnoses in flight', async () => {
    const world = seedWorld();
    const keys = withObjects(world, 20);
    const inner = fakeReads(world, { delayed: true });
    let inFlight = 0;
    let peak = 0;
    const reads: DiagnosisReads = {
      ...inner,
      headObject: async (...args) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        try {
          return await inner.headObject(...args);
        } finally {
          inFlight--;
        }
      },
    };
    await diagnoseBatch(
      keys.map((key) => seedFailure({ key })),
      reads,
      { concurrency: 3 },
    );
    expect(peak).toBe(3);
  });

  it('rejects on an error that is not transient: a bug is not a retry', async () => {
    const reads = fakeReads(seedWorld());
    reads.getBucketReplication = () => Promise.reject(new TypeError('bug'));
    await expect(diagnoseBatch([seedFailure()], reads)).rejects.toBeInstanceOf(TypeError);
  });

  it('answers an empty batch with no results and no reads', async () => {
    const reads = fakeReads(seedWorld());
    expect(await diagnoseBatch([], reads)).toEqual([]);
    expect(reads.count()).toBe(0);
  });

  it('diagnoses each event name and reason group separately', async () => {
    const world = seedWorld();
    world.heads[OBJECT_KEY] = ok({ ReplicationStatus: 'COMPLETED' });
    const results = await diagnoseBatch(
      [
        seedFailure({ failureReason: 'DstMultipartInitNotPermitted' }),
        seedFailure({ eventName: 'Replication:OperationMissedThreshold', failureReason: undefined }),
      ],
      fakeReads(world),
    );
    const verdicts = results.map((r) => ('diagnosis' in r ? r.diagnosis.verdict : 'error'));
    expect(verdicts).toEqual(['no-cause-found', 'no-action-needed']);
  });
});
