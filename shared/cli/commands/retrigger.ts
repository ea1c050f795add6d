import { S3Client } from '@aws-sdk/client-s3';
import {
  type CopyingPlan,
  executeCopyInPlace,
  type MultipartPlan,
  planCopyInPlace,
  readBucketAclsEnabled,
} from '../../remediation/copy-in-place.js';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';

export interface RetriggerOptions {
  bucket: string;
  key: string;
  versionId?: string;
  execute: boolean;
  region?: string;
  /** The account that must own the bucket. */
  expectedBucketOwner?: string;
}

type Env = Record<string, string | undefined>;

/**
 * An S3 client for the CLI. The SDK itself honours `AWS_ENDPOINT_URL_S3` (and `AWS_ENDPOINT_URL`); a custom
 * endpoint is usually an S3-compatible server that wants path-style addressing.
 */
export function createCliS3Client(region: string, env: Env = process.env): S3Client {
  const customEndpoint = Boolean(env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL);
  return new S3Client({ region, ...(customEndpoint ? { forcePathStyle: true } : {}) });
}

/**
 * Re-triggers replication of one object by copying it onto itself, with the same safety rules as the
 * automatic path. Dry run unless `execute`: prints the exact CopyObject request, or why it would be refused.
 * A refusal is an answer, not a failure (exit 0).
 */
export async function runRetrigger(
  options: RetriggerOptions,
  io: CliIo,
  deps: { s3?: S3Client; env?: Env } = {},
): Promise<number> {
  if (!options.bucket.trim()) throw new UsageError('missing --bucket');
  if (!options.key) throw new UsageError('missing --key');
  if (options.versionId !== undefined && !options.versionId.trim())
    throw new UsageError('empty --version-id');
  const env = deps.env ?? process.env;
  const s3 = deps.s3 ?? createCliS3Client(resolveRegion(options.region, env), env);

  const aclsEnabled = await readBucketAclsEnabled(
    s3,
    options.bucket,
    options.expectedBucketOwner ? { expectedBucketOwner: options.expectedBucketOwner } : {},
  );
  const plan = await planCopyInPlace(
    s3,
    {
      bucket: options.bucket,
      key: options.key,
      ...(options.versionId === undefined ? {} : { versionId: options.versionId }),
      ...(options.expectedBucketOwner ? { expectedBucketOwner: options.expectedBucketOwner } : {}),
    },
    { aclsEnabled },
  );
  if (plan.kind === 'refuse') {
    io.out(`Not copied (${plan.code}): ${plan.reason}`);
    return 0;
  }

  io.out(describePlan(plan, options.execute));
  if (!options.execute) {
    io.out('Dry run: nothing was copied. Run again with --execute to copy.');
    return 0;
  }
  const result = await executeCopyInPlace(s3, plan);
  io.out(
    result.newVersionId
      ? `Copied s3://${options.bucket}/${options.key}: new version ${result.newVersionId} (${result.requests} request(s)).`
      : `Copied s3://${options.bucket}/${options.key} (the bucket returned no version id; ${result.requests} request(s)).`,
  );
  return 0;
}

function resolveRegion(region: string | undefined, env: Env): string {
  const resolved = region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!resolved) throw new UsageError('no region: pass --region or set AWS_REGION');
  return resolved;
}

function describePlan(plan: CopyingPlan, execute: boolean): string {
  const where = `s3://${plan.target.bucket}/${plan.target.key}`;
  const verb = execute ? 'Copying' : 'Would copy';
  const lines: string[] = [];
  if (plan.method === 'single' || !plan.multipart) {
    lines.push(`${verb} ${where} (${plan.sizeBytes} bytes) onto itself with this CopyObject request:`);
    lines.push(JSON.stringify(plan.request, null, 2));
  } else {
    const { partSize, parts } = plan.multipart;
    lines.push(
      `${verb} ${where} (${plan.sizeBytes} bytes) onto itself as a multipart copy of ${parts.length} parts of up to ${partSize} bytes:`,
    );
    lines.push(JSON.stringify(multipartRequests(plan, plan.multipart), null, 2));
  }
  for (const warning of plan.warnings) lines.push(`Warning: ${warning}`);
  return lines.join('\n');
}

function multipartRequests(plan: CopyingPlan, multipart: MultipartPlan) {
  const { request } = plan;
  return {
    CreateMultipartUpload: multipart.create,
    UploadPartCopy: {
      CopySource: request.CopySource,
      CopySourceIfMatch: request.CopySourceIfMatch,
      parts: multipart.parts.map((part) => ({ PartNumber: part.partNumber, CopySourceRange: part.range })),
    },
    CompleteMultipartUpload: { IfMatch: request.IfMatch },
  };
}
