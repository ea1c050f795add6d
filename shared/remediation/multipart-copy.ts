/**
 * Copy in place for objects over 5 GiB, which one CopyObject cannot take: CreateMultipartUpload with every
 * header of the copy, UploadPartCopy for byte ranges of the inspected version (a bounded number at once),
 * then CompleteMultipartUpload conditional on the key's ETag. On any failure the upload is aborted, so no
 * parts are left behind to be billed.
 */
import {
  AbortMultipartUploadCommand,
  type CompletedPart,
  CompleteMultipartUploadCommand,
  type CopyObjectCommandInput,
  type CopyPartResult,
  CreateMultipartUploadCommand,
  type CreateMultipartUploadCommandInput,
  type S3Client,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { readAwsErrorFields } from '../aws/sdk-error.js';
import { runPool } from '../run-pool.js';
import { CopyFailedError, MultipartAbortError } from './copy-errors.js';
import {
  DEFAULT_MAX_CONCURRENT_PARTS,
  DEFAULT_PART_BYTES,
  MAX_PART_BYTES,
  MAX_PARTS,
  MIB,
  MIN_PART_BYTES,
} from './copy-limits.js';
import type { CopyingPlan, CopyResult, ExecuteOptions, PartRange } from './copy-types.js';
import { type RequestContext, sendPaced, sendPacedRaw } from './paced-send.js';
import { defaultPacer } from './pacing.js';

export const MULTIPART_WARNINGS = [
  "a multipart copy gets a new ETag and computes the object's checksum over its new parts",
  'object annotations, if any, are not carried over by a multipart copy',
] as const;

/**
 * The part size and byte ranges for an object: the requested size (default 512 MiB), raised when needed to
 * stay within 10,000 parts, never under 5 MiB or over 5 GiB. Ranges are contiguous and cover every byte.
 */
export function planParts(
  sizeBytes: number,
  requestedPartBytes: number = DEFAULT_PART_BYTES,
): { partSize: number; parts: PartRange[] } {
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes <= 0) {
    throw new RangeError(`a multipart copy needs a positive whole size, got ${sizeBytes}`);
  }
  const needed = Math.ceil(Math.ceil(sizeBytes / MAX_PARTS) / MIB) * MIB;
  const partSize = Math.min(MAX_PART_BYTES, Math.max(MIN_PART_BYTES, Math.floor(requestedPartBytes), needed));
  const count = Math.ceil(sizeBytes / partSize);
  if (count > MAX_PARTS) {
    throw new RangeError(
      `${sizeBytes} bytes do not fit in ${MAX_PARTS} parts of at most ${MAX_PART_BYTES} bytes`,
    );
  }
  const parts: PartRange[] = [];
  for (let index = 0; index < count; index++) {
    const first = index * partSize;
    const last = Math.min(sizeBytes, first + partSize) - 1;
    parts.push({ partNumber: index + 1, range: `bytes=${first}-${last}` });
  }
  return { partSize, parts };
}

/** The CopyObject request's headers as CreateMultipartUpload takes them; tags are sent, not copied. */
export function createMultipartInput(
  request: CopyObjectCommandInput,
  tagging: string | undefined,
): CreateMultipartUploadCommandInput {
  const {
    CopySource: _source,
    CopySourceIfMatch: _sourceIfMatch,
    IfMatch: _ifMatch,
    MetadataDirective: _metadataDirective,
    TaggingDirective: _taggingDirective,
    ExpectedSourceBucketOwner: _sourceOwner,
    ...headers
  } = request;
  const input: CreateMultipartUploadCommandInput = { ...headers, Bucket: request.Bucket, Key: request.Key };
  if (tagging) input.Tagging = tagging;
  return input;
}

const CHECKSUM_KEYS = [
  'ChecksumCRC32',
  'ChecksumCRC32C',
  'ChecksumCRC64NVME',
  'ChecksumSHA1',
  'ChecksumSHA256',
  'ChecksumSHA512',
  'ChecksumMD5',
  'ChecksumXXHASH64',
  'ChecksumXXHASH3',
  'ChecksumXXHASH128',
] as const satisfies readonly (keyof CompletedPart & keyof CopyPartResult)[];

function completedPart(partNumber: number, result: CopyPartResult): CompletedPart {
  const part: CompletedPart = { PartNumber: partNumber, ETag: result.ETag };
  for (const key of CHECKSUM_KEYS) {
    if (result[key] !== undefined) part[key] = result[key];
  }
  return part;
}

export async function executeMultipartCopy(
  s3: S3Client,
  plan: CopyingPlan,
  options: ExecuteOptions = {},
): Promise<CopyResult> {
  const multipart = plan.multipart;
  if (!multipart) throw new TypeError('a multipart copy plan needs its multipart section');
  const { request } = plan;
  const context: RequestContext = {
    bucket: plan.target.bucket,
    key: plan.target.key,
    pacer: options.pacer ?? defaultPacer(),
    counter: { requests: 0 },
  };

  const created = await sendPaced(context, 'CreateMultipartUpload', () =>
    s3.send(new CreateMultipartUploadCommand(multipart.create)),
  );
  const uploadId = created.UploadId;
  if (!uploadId) {
    throw new CopyFailedError(
      context,
      'CreateMultipartUpload',
      { name: 'MissingUploadId', message: 'S3 returned no upload id' },
      created,
    );
  }

  try {
    const parts = await copyParts(s3, context, request, uploadId, multipart.parts, options);
    const completed = await sendPaced(context, 'CompleteMultipartUpload', () =>
      s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: request.Bucket,
          Key: request.Key,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts },
          ...(request.IfMatch ? { IfMatch: request.IfMatch } : {}),
          ...(request.ExpectedBucketOwner ? { ExpectedBucketOwner: request.ExpectedBucketOwner } : {}),
        }),
      ),
    );
    return {
      ...(completed.VersionId ? { newVersionId: completed.VersionId } : {}),
      requests: context.counter.requests,
      method: 'multipart',
      parts: parts.length,
    };
  } catch (failure) {
    await abortUpload(s3, context, request, uploadId, failure, options.abortAttempts ?? 3);
    throw failure;
  }
}

/**
 * Copies the parts with at most `maxConcurrentParts` in flight. After the first failure no new part starts,
 * and the failure is thrown only once every part in flight has settled: a part still running when the
 * upload is aborted could otherwise land after the abort and leak.
 */
async function copyParts(
  s3: S3Client,
  context: RequestContext,
  request: CopyObjectCommandInput,
  uploadId: string,
  ranges: readonly PartRange[],
  options: ExecuteOptions,
): Promise<CompletedPart[]> {
  const limit = Math.max(1, Math.floor(options.maxConcurrentParts ?? DEFAULT_MAX_CONCURRENT_PARTS));
  const completed: CompletedPart[] = [];
  await runPool(ranges, limit, async (part) => {
    const output = await sendPaced(context, 'UploadPartCopy', () =>
      s3.send(
        new UploadPartCopyCommand({
          Bucket: request.Bucket,
          Key: request.Key,
          UploadId: uploadId,
          PartNumber: part.partNumber,
          CopySource: request.CopySource,
          CopySourceRange: part.range,
          ...(request.CopySourceIfMatch ? { CopySourceIfMatch: request.CopySourceIfMatch } : {}),
          ...(request.ExpectedBucketOwner ? { ExpectedBucketOwner: request.ExpectedBucketOwner } : {}),
          ...(request.ExpectedSourceBucketOwner
            ? { ExpectedSourceBucketOwner: request.ExpectedSourceBucketOwner }
            : {}),
        }),
      ),
    );
    const result = output.CopyPartResult;
    if (!result?.ETag) {
      throw new CopyFailedError(
        context,
        'UploadPartCopy',
        { name: 'MissingETag', message: `S3 returned no ETag for part ${part.partNumber}` },
        output,
      );
    }
    completed.push(completedPart(part.partNumber, result));
  });
  return completed.sort((a, b) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0));
}

async function abortUpload(
  s3: S3Client,
  context: RequestContext,
  request: CopyObjectCommandInput,
  uploadId: string,
  failure: unknown,
  attempts: number,
): Promise<void> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= Math.max(1, attempts); attempt++) {
    try {
      await sendPacedRaw(context, 'AbortMultipartUpload', () =>
        s3.send(
          new AbortMultipartUploadCommand({
            Bucket: request.Bucket,
            Key: request.Key,
            UploadId: uploadId,
            ...(request.ExpectedBucketOwner ? { ExpectedBucketOwner: request.ExpectedBucketOwner } : {}),
          }),
        ),
      );
      return;
    } catch (error) {
      // Already gone: nothing is left to leak.
      if (readAwsErrorFields(error).name === 'NoSuchUpload') return;
      lastError = error;
    }
  }
  throw new MultipartAbortError(context, uploadId, failure, lastError);
}
