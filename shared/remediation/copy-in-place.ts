/**
 * Re-triggering replication by copying an object onto itself: the copy is a new version, which replication
 * picks up. Planning reads the current version (one HeadObject, plus the ACL where ACLs are enabled) and
 * either builds the exact request or refuses with a reason; executing sends it. The two are apart so that
 * plan mode can show exactly what would be copied.
 */
import {
  CopyObjectCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { MAX_SINGLE_COPY_BYTES } from './copy-limits.js';
import { buildCopyRequest } from './copy-request.js';
import type {
  CopyingPlan,
  CopyPlan,
  CopyResult,
  CopyTarget,
  ExecuteOptions,
  PlanOptions,
} from './copy-types.js';
import { type Refusal, refusalForHead, refusalForHeadError } from './head-refusal.js';
import {
  createMultipartInput,
  executeMultipartCopy,
  MULTIPART_WARNINGS,
  planParts,
} from './multipart-copy.js';
import { readObjectGrants } from './object-acl.js';
import { readObjectTagging } from './object-tags.js';
import { type RequestContext, sendPaced, sendPacedRaw, toCopyError } from './paced-send.js';
import { defaultPacer } from './pacing.js';

export type { CopyCost, CopyCostOptions } from './copy-cost.js';
export { countCopyRequests } from './copy-cost.js';
export {
  CopyFailedError,
  CopyPreconditionError,
  CopyThrottledError,
  MultipartAbortError,
} from './copy-errors.js';
export type {
  CopyingPlan,
  CopyPlan,
  CopyResult,
  CopyTarget,
  ExecuteOptions,
  MultipartPlan,
  PartRange,
  PlanOptions,
  RefusalCode,
} from './copy-types.js';
export { readBucketAclsEnabled } from './object-acl.js';
export type { Clock, PacingOptions } from './pacing.js';
export { defaultPacer, RequestPacer } from './pacing.js';

export async function planCopyInPlace(
  s3: S3Client,
  target: CopyTarget,
  options: PlanOptions = {},
): Promise<CopyPlan> {
  const context: RequestContext = {
    bucket: target.bucket,
    key: target.key,
    pacer: options.pacer ?? defaultPacer(),
    counter: { requests: 0 },
  };
  const refuse = (refusal: Refusal): CopyPlan => ({
    kind: 'refuse',
    target,
    ...refusal,
    reads: context.counter.requests,
  });
  const owner = target.expectedBucketOwner ? { ExpectedBucketOwner: target.expectedBucketOwner } : {};

  // Always the current version, never `VersionId`: the question is whether the failed version is still current.
  const headCommand = new HeadObjectCommand({
    Bucket: target.bucket,
    Key: target.key,
    ChecksumMode: 'ENABLED',
    ...owner,
  });
  let head: HeadObjectCommandOutput;
  try {
    head = await sendPacedRaw(context, 'HeadObject', () => s3.send(headCommand));
  } catch (error) {
    const refusal = refusalForHeadError(target, error);
    if (refusal) return refuse(refusal);
    throw toCopyError(target, 'HeadObject', error);
  }
  const refusal = refusalForHead(target, head);
  if (refusal) return refuse(refusal);

  // Pin the copy to the version inspected, whether or not the caller named one.
  const sourceVersionId = target.versionId ?? head.VersionId;
  const versionRead = {
    ...(sourceVersionId === undefined ? {} : { versionId: sourceVersionId }),
    ...(target.expectedBucketOwner ? { expectedBucketOwner: target.expectedBucketOwner } : {}),
  };

  const warnings: string[] = [];
  let grants: Awaited<ReturnType<typeof readObjectGrants>> | undefined;
  if (options.aclsEnabled) {
    grants = await readObjectGrants(s3, context, versionRead);
    if (grants.kind === 'denied') {
      return refuse({
        code: 'denied',
        reason: `GetObjectAcl on s3://${target.bucket}/${target.key} was denied; the bucket has ACLs enabled and a copy resets the ACL to private, so its grants must be read to be kept`,
      });
    }
    warnings.push(...grants.warnings);
  }

  const built = buildCopyRequest(
    target,
    head,
    sourceVersionId,
    grants?.kind === 'grants' ? grants.grants : undefined,
  );
  warnings.unshift(...built.warnings);
  const sizeBytes = head.ContentLength ?? 0;
  const base = { kind: 'copy', target, sizeBytes, request: built.request } as const;
  if (sizeBytes <= MAX_SINGLE_COPY_BYTES) {
    return { ...base, method: 'single', reads: context.counter.requests, warnings };
  }

  let tagging: string | undefined;
  if ((head.TagCount ?? 0) > 0) {
    const tags = await readObjectTagging(s3, context, versionRead);
    if (tags.kind === 'denied') {
      return refuse({
        code: 'denied',
        reason: `GetObjectTagging on s3://${target.bucket}/${target.key} was denied; a multipart copy must resend the object's ${head.TagCount} tag(s), so they must be read to be kept`,
      });
    }
    tagging = tags.tagging;
  }
  const { partSize, parts } = planParts(sizeBytes, options.partSizeBytes);
  return {
    ...base,
    method: 'multipart',
    multipart: { create: createMultipartInput(built.request, tagging), partSize, parts },
    reads: context.counter.requests,
    warnings: [...warnings, ...MULTIPART_WARNINGS],
  };
}

export async function executeCopyInPlace(
  s3: S3Client,
  plan: CopyingPlan,
  options: ExecuteOptions = {},
): Promise<CopyResult> {
  if (plan.method === 'multipart') return executeMultipartCopy(s3, plan, options);
  const context: RequestContext = {
    bucket: plan.target.bucket,
    key: plan.target.key,
    pacer: options.pacer ?? defaultPacer(),
    counter: { requests: 0 },
  };
  const output = await sendPaced(context, 'CopyObject', () => s3.send(new CopyObjectCommand(plan.request)));
  return {
    ...(output.VersionId ? { newVersionId: output.VersionId } : {}),
    requests: context.counter.requests,
    method: 'single',
  };
}
