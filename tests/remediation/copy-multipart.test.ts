import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  S3Client,
  UploadPartCopyCommand,
  type UploadPartCopyCommandInput,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  CopyFailedError,
  type CopyingPlan,
  CopyPreconditionError,
  executeCopyInPlace,
  MultipartAbortError,
  type PartRange,
  planCopyInPlace,
} from '../../shared/remediation/copy-in-place.js';
import { planParts } from '../../shared/remediation/multipart-copy.js';
import {
  currentHead,
  ETAG,
  FAILED_VERSION,
  GIB,
  instantPacer,
  KEY,
  KMS_KEY_ARN,
  MIB,
  SOURCE_BUCKET,
  sdkError,
  target,
} from './copy-fixtures.js';

const s3 = mockClient(S3Client);
const client = new S3Client({ region: 'us-east-1' });
const SIZE_50_GIB = 50 * GIB;
const UPLOAD_ID = 'upload-1';

function expectContiguousCover(parts: readonly PartRange[], sizeBytes: number, partSize: number): void {
  let expectedFirst = 0;
  parts.forEach((part, index) => {
    expect(part.partNumber).toBe(index + 1);
    const match = /^bytes=(\d+)-(\d+)$/.exec(part.range);
    expect(match).not.toBeNull();
    const first = Number(match?.[1]);
    const last = Number(match?.[2]);
    expect(first).toBe(expectedFirst);
    expect(last).toBeGreaterThanOrEqual(first);
    expect(last - first + 1).toBeLessThanOrEqual(partSize);
    expectedFirst = last + 1;
  });
  expect(expectedFirst).toBe(sizeBytes);
}

async function multipartPlan(overrides: Partial<HeadObjectCommandOutput> = {}): Promise<CopyingPlan> {
  s3.on(HeadObjectCommand).resolves(currentHead({ ContentLength: SIZE_50_GIB, ...overrides }));
  const plan = await planCopyInPlace(client, target, { pacer: instantPacer() });
  if (plan.kind !== 'copy') throw new Error(`expected a copy plan, got ${plan.code}`);
  return plan;
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

beforeEach(() => {
  s3.reset();
});

describe('part ranges', () => {
  it('splits 50 GiB into 100 contiguous parts of 512 MiB that cover every byte exactly once', () => {
    const { partSize, parts } = planParts(SIZE_50_GIB);

    expect(partSize).toBe(512 * MIB);
    expect(parts).toHaveLength(100);
    expect(parts[0]?.range).toBe('bytes=0-536870911');
    expect(parts[99]?.range).toBe(`bytes=${SIZE_50_GIB - 512 * MIB}-${SIZE_50_GIB - 1}`);
    expectContiguousCover(parts, SIZE_50_GIB, partSize);
  });

  it('ends with a short last part when the size is not a multiple of the part size', () => {
    const size = 5 * GIB + 1;

    const { parts } = planParts(size);

    expect(parts).toHaveLength(11);
    expect(parts[10]?.range).toBe(`bytes=${5 * GIB}-${5 * GIB}`);
  });

  it('raises the part size to stay within 10,000 parts', () => {
    const size = 10_000 * GIB;

    const { partSize, parts } = planParts(size);

    expect(parts.length).toBeLessThanOrEqual(10_000);
    expect(partSize).toBe(1024 * MIB);
  });

  it("fits S3's largest object in 10,000 parts of 5 GiB", () => {
    const { partSize, parts } = planParts(50_000 * GIB);

    expect(partSize).toBe(5 * GIB);
    expect(parts).toHaveLength(10_000);
  });

  it('never uses parts under 5 MiB, whatever part size is asked for', () => {
    const { partSize } = planParts(6 * GIB, 1024);

    expect(partSize).toBe(5 * MIB);
  });

  it('always covers the object contiguously within 10,000 parts of 5 MiB to 5 GiB', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 5 * GIB + 1, max: 50_000 * GIB }),
        fc.integer({ min: 1, max: 6 * GIB }),
        (size, requested) => {
          const { partSize, parts } = planParts(size, requested);
          expect(partSize).toBeGreaterThanOrEqual(5 * MIB);
          expect(partSize).toBeLessThanOrEqual(5 * GIB);
          expect(parts.length).toBeLessThanOrEqual(10_000);
          expect(parts.length).toBe(Math.ceil(size / partSize));
          const last = parts[parts.length - 1];
          expect(last?.range.endsWith(`-${size - 1}`)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('planning a copy of an object over 5 GiB', () => {
  it('plans a multipart copy whose CreateMultipartUpload carries every header but no copy or condition fields', async () => {
    // Act
    const plan = await multipartPlan({
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: KMS_KEY_ARN,
      BucketKeyEnabled: true,
    });

    // Assess
    expect(plan).toMatchObject({ method: 'multipart', sizeBytes: SIZE_50_GIB, reads: 1 });
    expect(plan.multipart?.parts).toHaveLength(100);
    expect(plan.multipart?.create).toEqual({
      Bucket: SOURCE_BUCKET,
      Key: KEY,
      ContentType: 'application/pdf',
      CacheControl: 'max-age=3600',
      ContentDisposition: 'attachment; filename="q1 summary.pdf"',
      ContentEncoding: 'identity',
      ContentLanguage: 'en-GB',
      Expires: new Date('2030-01-01T00:00:00.000Z'),
      Metadata: { owner: 'finance', 'review-state': 'approved' },
      WebsiteRedirectLocation: '/reports/latest.pdf',
      StorageClass: 'STANDARD',
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: KMS_KEY_ARN,
      BucketKeyEnabled: true,
    });
    expect(plan.warnings.join('\n')).toContain('multipart copy gets a new ETag');
  });

  it('reads the tags of a tagged object and sends them on CreateMultipartUpload, which cannot copy them', async () => {
    s3.on(GetObjectTaggingCommand).resolves({
      TagSet: [
        { Key: 'team', Value: 'finance & ops' },
        { Key: 'année', Value: '2024' },
      ],
    });

    const plan = await multipartPlan({ TagCount: 2 });

    expect(s3.commandCalls(GetObjectTaggingCommand)[0]?.args[0].input).toEqual({
      Bucket: SOURCE_BUCKET,
      Key: KEY,
      VersionId: FAILED_VERSION,
    });
    expect(plan.reads).toBe(2);
    expect(plan.multipart?.create.Tagging).toBe('team=finance%20%26%20ops&ann%C3%A9e=2024');
  });

  it('refuses as denied when the tags of a large object cannot be read', async () => {
    s3.on(HeadObjectCommand).resolves(currentHead({ ContentLength: SIZE_50_GIB, TagCount: 1 }));
    s3.on(GetObjectTaggingCommand).rejects(sdkError({ name: 'AccessDenied', status: 403 }));

    const plan = await planCopyInPlace(client, target, { pacer: instantPacer() });

    expect(plan).toMatchObject({ kind: 'refuse', code: 'denied', reads: 2 });
  });

  it('copies exactly 5 GiB with a single CopyObject', async () => {
    s3.on(HeadObjectCommand).resolves(currentHead({ ContentLength: 5 * GIB }));

    const plan = await planCopyInPlace(client, target, { pacer: instantPacer() });

    expect(plan).toMatchObject({ kind: 'copy', method: 'single' });
  });
});

describe('executing a multipart copy', () => {
  it('copies every part with bounded parallelism, then completes with sorted parts, checksums and IfMatch', async () => {
    // Prepare: parts finish out of order; track how many are in flight at once
    const plan = await multipartPlan({ ChecksumCRC32: 'AAAAAA==' });
    let inFlight = 0;
    let maxInFlight = 0;
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: UPLOAD_ID });
    s3.on(UploadPartCopyCommand).callsFake(async (input: UploadPartCopyCommandInput) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      for (let wait = (input.PartNumber ?? 0) % 4; wait >= 0; wait--) await tick();
      inFlight -= 1;
      return {
        CopyPartResult: { ETag: `"etag-${input.PartNumber}"`, ChecksumCRC32: `crc-${input.PartNumber}` },
      };
    });
    s3.on(CompleteMultipartUploadCommand).resolves({ VersionId: 'v2-copy' });

    // Act
    const result = await executeCopyInPlace(client, plan, { pacer: instantPacer(), maxConcurrentParts: 3 });

    // Assess
    expect(result).toEqual({ newVersionId: 'v2-copy', requests: 102, method: 'multipart', parts: 100 });
    expect(maxInFlight).toBe(3);
    const partInputs = s3.commandCalls(UploadPartCopyCommand).map((call) => call.args[0].input);
    expect(partInputs.map((input) => input.PartNumber).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(
      Array.from({ length: 100 }, (_, index) => index + 1),
    );
    expect(partInputs[0]).toEqual({
      Bucket: SOURCE_BUCKET,
      Key: KEY,
      UploadId: UPLOAD_ID,
      PartNumber: 1,
      CopySource: `${SOURCE_BUCKET}/reports/2024/q1%20summary.pdf?versionId=${FAILED_VERSION}`,
      CopySourceRange: 'bytes=0-536870911',
      CopySourceIfMatch: ETAG,
    });
    expect(s3.commandCalls(CreateMultipartUploadCommand)[0]?.args[0].input).toEqual(plan.multipart?.create);
    expect(s3.commandCalls(CreateMultipartUploadCommand)[0]?.args[0].input.ChecksumAlgorithm).toBe('CRC32');
    const complete = s3.commandCalls(CompleteMultipartUploadCommand)[0]?.args[0].input;
    expect(complete?.IfMatch).toBe(ETAG);
    expect(complete?.UploadId).toBe(UPLOAD_ID);
    expect(complete?.MultipartUpload?.Parts?.map((part) => part.PartNumber)).toEqual(
      Array.from({ length: 100 }, (_, index) => index + 1),
    );
    expect(complete?.MultipartUpload?.Parts?.[41]).toEqual({
      PartNumber: 42,
      ETag: '"etag-42"',
      ChecksumCRC32: 'crc-42',
    });
    expect(s3.commandCalls(AbortMultipartUploadCommand)).toHaveLength(0);
    expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(0);
  });

  it('aborts the upload when a part fails, only after the parts in flight settle, and never completes', async () => {
    // Prepare
    const plan = await multipartPlan();
    const events: string[] = [];
    const denied = sdkError({ name: 'AccessDenied', status: 403 });
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: UPLOAD_ID });
    s3.on(UploadPartCopyCommand).callsFake(async (input: UploadPartCopyCommandInput) => {
      await tick();
      if (input.PartNumber === 7) {
        events.push('part 7 failed');
        throw denied;
      }
      await tick();
      events.push(`part ${input.PartNumber} done`);
      return { CopyPartResult: { ETag: `"etag-${input.PartNumber}"` } };
    });
    s3.on(AbortMultipartUploadCommand).callsFake(async () => {
      events.push('abort');
      return {};
    });

    // Act
    const error = await executeCopyInPlace(client, plan, {
      pacer: instantPacer(),
      maxConcurrentParts: 4,
    }).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(CopyFailedError);
    expect((error as CopyFailedError).cause).toBe(denied);
    expect(s3.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);
    expect(s3.commandCalls(AbortMultipartUploadCommand)[0]?.args[0].input).toEqual({
      Bucket: SOURCE_BUCKET,
      Key: KEY,
      UploadId: UPLOAD_ID,
    });
    expect(events.at(-1)).toBe('abort');
    expect(s3.commandCalls(UploadPartCopyCommand).length).toBeLessThan(100);
  });

  it('retries a failing abort and still reports the original failure', async () => {
    const plan = await multipartPlan();
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: UPLOAD_ID });
    s3.on(UploadPartCopyCommand).rejects(sdkError({ name: 'InternalError', status: 500 }));
    s3.on(AbortMultipartUploadCommand)
      .rejectsOnce(sdkError({ name: 'InternalError', status: 500 }))
      .rejectsOnce(sdkError({ name: 'InternalError', status: 500 }))
      .resolves({});

    const error = await executeCopyInPlace(client, plan, { pacer: instantPacer() }).catch(
      (caught: unknown) => caught,
    );

    expect(error).toMatchObject({
      name: 'CopyFailedError',
      code: 'InternalError',
      operation: 'UploadPartCopy',
    });
    expect(s3.commandCalls(AbortMultipartUploadCommand)).toHaveLength(3);
  });

  it('throws MultipartAbortError naming the upload when the abort keeps failing, so the leak is visible', async () => {
    const plan = await multipartPlan();
    const partFailure = sdkError({ name: 'InternalError', status: 500 });
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: UPLOAD_ID });
    s3.on(UploadPartCopyCommand).rejects(partFailure);
    s3.on(AbortMultipartUploadCommand).rejects(sdkError({ name: 'InternalError', status: 500 }));

    const error = await executeCopyInPlace(client, plan, { pacer: instantPacer(), abortAttempts: 2 }).catch(
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(MultipartAbortError);
    expect(error).toMatchObject({ uploadId: UPLOAD_ID });
    expect((error as MultipartAbortError).failure).toBeInstanceOf(CopyFailedError);
    expect(s3.commandCalls(AbortMultipartUploadCommand)).toHaveLength(2);
  });

  it('treats an upload that is already gone as aborted', async () => {
    const plan = await multipartPlan();
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: UPLOAD_ID });
    s3.on(UploadPartCopyCommand).rejects(sdkError({ name: 'InternalError', status: 500 }));
    s3.on(AbortMultipartUploadCommand).rejects(sdkError({ name: 'NoSuchUpload', status: 404 }));

    const error = await executeCopyInPlace(client, plan, { pacer: instantPacer() }).catch(
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(CopyFailedError);
    expect(s3.commandCalls(AbortMultipartUploadCommand)).toHaveLength(1);
  });

  it('aborts and throws CopyPreconditionError when Complete finds a newer version (412 on IfMatch)', async () => {
    const plan = await multipartPlan();
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: UPLOAD_ID });
    s3.on(UploadPartCopyCommand).callsFake(async (input: UploadPartCopyCommandInput) => ({
      CopyPartResult: { ETag: `"etag-${input.PartNumber}"` },
    }));
    s3.on(CompleteMultipartUploadCommand).rejects(sdkError({ name: 'PreconditionFailed', status: 412 }));
    s3.on(AbortMultipartUploadCommand).resolves({});

    await expect(executeCopyInPlace(client, plan, { pacer: instantPacer() })).rejects.toBeInstanceOf(
      CopyPreconditionError,
    );
    expect(s3.commandCalls(AbortMultipartUploadCommand)).toHaveLength(1);
  });

  it('sends no parts when CreateMultipartUpload fails, so there is nothing to abort', async () => {
    const plan = await multipartPlan();
    s3.on(CreateMultipartUploadCommand).rejects(sdkError({ name: 'AccessDenied', status: 403 }));

    await expect(executeCopyInPlace(client, plan, { pacer: instantPacer() })).rejects.toBeInstanceOf(
      CopyFailedError,
    );
    expect(s3.commandCalls(UploadPartCopyCommand)).toHaveLength(0);
    expect(s3.commandCalls(AbortMultipartUploadCommand)).toHaveLength(0);
  });
});
