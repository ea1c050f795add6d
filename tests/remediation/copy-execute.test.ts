import { CopyObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  CopyFailedError,
  type CopyingPlan,
  CopyPreconditionError,
  CopyThrottledError,
  executeCopyInPlace,
  planCopyInPlace,
} from '../../shared/remediation/copy-in-place.js';
import { RequestPacer } from '../../shared/remediation/pacing.js';
import {
  currentHead,
  ETAG,
  fakeClock,
  instantPacer,
  KEY,
  SOURCE_BUCKET,
  sdkError,
  slowDown,
  target,
} from './copy-fixtures.js';

const s3 = mockClient(S3Client);
const client = new S3Client({ region: 'us-east-1' });

async function singlePlan(): Promise<CopyingPlan> {
  s3.on(HeadObjectCommand).resolves(currentHead());
  const plan = await planCopyInPlace(client, target, { pacer: instantPacer() });
  if (plan.kind !== 'copy') throw new Error(`expected a copy plan, got ${plan.code}`);
  return plan;
}

beforeEach(() => {
  s3.reset();
});

describe('executing a single CopyObject', () => {
  it('sends exactly the planned request and returns the new version id', async () => {
    // Prepare
    const plan = await singlePlan();
    s3.on(CopyObjectCommand).resolves({ VersionId: 'v2-copy', CopyObjectResult: { ETag: ETAG } });

    // Act
    const result = await executeCopyInPlace(client, plan, { pacer: instantPacer() });

    // Assess
    expect(result).toEqual({ newVersionId: 'v2-copy', requests: 1, method: 'single' });
    expect(s3.commandCalls(CopyObjectCommand)[0]?.args[0].input).toEqual(plan.request);
  });

  it('throws CopyPreconditionError on 412 (a newer version became current) and does not retry', async () => {
    // Prepare: between HeadObject and CopyObject someone wrote a newer version, so IfMatch fails
    const plan = await singlePlan();
    const refused = sdkError({ name: 'PreconditionFailed', status: 412 });
    s3.on(CopyObjectCommand).rejects(refused);

    // Act
    const error = await executeCopyInPlace(client, plan, { pacer: instantPacer() }).catch(
      (caught: unknown) => caught,
    );

    // Assess
    expect(error).toBeInstanceOf(CopyPreconditionError);
    expect((error as CopyPreconditionError).cause).toBe(refused);
    expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(1);
  });

  it('throws CopyPreconditionError on 409 ConditionalRequestConflict (a concurrent write to the key)', async () => {
    const plan = await singlePlan();
    s3.on(CopyObjectCommand).rejects(sdkError({ name: 'ConditionalRequestConflict', status: 409 }));

    await expect(executeCopyInPlace(client, plan, { pacer: instantPacer() })).rejects.toBeInstanceOf(
      CopyPreconditionError,
    );
  });

  it('throws CopyPreconditionError when the source version disappeared before the copy', async () => {
    const plan = await singlePlan();
    s3.on(CopyObjectCommand).rejects(sdkError({ name: 'NoSuchVersion', status: 404 }));

    await expect(executeCopyInPlace(client, plan, { pacer: instantPacer() })).rejects.toBeInstanceOf(
      CopyPreconditionError,
    );
  });

  it('backs off on SlowDown and then succeeds, counting every request sent', async () => {
    // Prepare
    const plan = await singlePlan();
    const clock = fakeClock();
    const pacer = new RequestPacer({ clock, random: () => 0.5, baseDelayMs: 200 });
    s3.on(CopyObjectCommand)
      .rejectsOnce(slowDown())
      .rejectsOnce(slowDown())
      .resolves({ VersionId: 'v2-copy' });

    // Act
    const result = await executeCopyInPlace(client, plan, { pacer });

    // Assess: two waits, the second from a doubled ceiling (full jitter at 0.5 of 200 ms, then of 400 ms)
    expect(result).toMatchObject({ newVersionId: 'v2-copy', requests: 3 });
    expect(clock.sleeps).toEqual([100, 200]);
  });

  it('gives up with CopyThrottledError after the configured tries of SlowDown', async () => {
    const plan = await singlePlan();
    const pacer = new RequestPacer({ clock: fakeClock(), attempts: 3 });
    s3.on(CopyObjectCommand).rejects(slowDown());

    const error = await executeCopyInPlace(client, plan, { pacer }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(CopyThrottledError);
    expect((error as CopyThrottledError).attempts).toBe(3);
    expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(3);
  });

  it('throws CopyFailedError naming the AWS code when the copy is denied', async () => {
    const plan = await singlePlan();
    s3.on(CopyObjectCommand).rejects(sdkError({ name: 'AccessDenied', status: 403 }));

    const error = await executeCopyInPlace(client, plan, { pacer: instantPacer() }).catch(
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(CopyFailedError);
    expect(error).toMatchObject({ code: 'AccessDenied', httpStatusCode: 403, operation: 'CopyObject' });
    expect((error as Error).message).toContain(`s3://${SOURCE_BUCKET}/${KEY}`);
  });
});
