/**
 * What the current version's HeadObject says about whether a copy in place is safe. Each refusal names a
 * reason a person can act on; everything else about the object is preserved by the copy request.
 */
import type { HeadObjectCommandOutput } from '@aws-sdk/client-s3';
import { readAwsErrorFields } from '../aws/sdk-error.js';
import { MAX_OBJECT_BYTES } from './copy-limits.js';
import type { CopyTarget, RefusalCode } from './copy-types.js';

export interface Refusal {
  code: RefusalCode;
  reason: string;
}

const ARCHIVE_CLASSES = new Set(['GLACIER', 'DEEP_ARCHIVE']);

const where = (target: CopyTarget) => `s3://${target.bucket}/${target.key}`;

/** A refusal for a successful HeadObject of the current version, or undefined when the copy is safe. */
export function refusalForHead(target: CopyTarget, head: HeadObjectCommandOutput): Refusal | undefined {
  if (head.DeleteMarker) return deleteMarker(target);
  // No version asked for: the caller wants whatever is current (also how a bucket without versioning works).
  if (target.versionId !== undefined && head.VersionId !== target.versionId) {
    const current =
      head.VersionId === undefined ? 'the bucket reports no version id' : `current: ${head.VersionId}`;
    return {
      code: 'not-current-version',
      reason: `version ${target.versionId} is no longer the current version of ${where(target)} (${current}); a newer version replicates on its own, and copying the old one over it would lose data`,
    };
  }
  if (head.SSECustomerAlgorithm) return sseC(target);
  const archived = archiveState(head);
  if (archived) {
    return {
      code: 'archived',
      reason: `${where(target)} is ${archived}; restore it before it can be copied`,
    };
  }
  const size = head.ContentLength ?? 0;
  if (size > MAX_OBJECT_BYTES) {
    return {
      code: 'too-large',
      reason: `${where(target)} is ${size} bytes, more than S3's largest object (${MAX_OBJECT_BYTES} bytes)`,
    };
  }
  return undefined;
}

/**
 * A refusal for a HeadObject that failed with an answer about the object, or undefined when the error says
 * nothing about it (throttling, server fault, network) and must surface as an error.
 */
export function refusalForHeadError(target: CopyTarget, error: unknown): Refusal | undefined {
  const { name, httpStatusCode: status } = readAwsErrorFields(error);
  // A HEAD without a version id whose current version is a delete marker answers 404 with this header;
  // a HEAD of a delete marker by version id answers 405.
  if (status === 405 || name === 'MethodNotAllowed' || deleteMarkerHeader(error)) return deleteMarker(target);
  if (status === 404 || name === 'NotFound' || name === 'NoSuchKey' || name === 'NoSuchVersion') {
    return { code: 'gone', reason: `${where(target)} no longer exists; there is nothing to copy` };
  }
  if (status === 403 || name === 'AccessDenied' || name === 'Forbidden') {
    return {
      code: 'denied',
      reason: `HeadObject on ${where(target)} was denied; the copy needs to read the object's metadata to preserve it`,
    };
  }
  if (status === 400) {
    // HEAD responses carry no error body, so S3's reason is lost; without the customer key, an SSE-C object
    // is the documented cause of a 400 here.
    return {
      ...sseC(target),
      reason: `HeadObject on ${where(target)} answered 400 Bad Request, which S3 does for an object encrypted with a customer-provided key (SSE-C) when the key is not sent; this service does not have the key`,
    };
  }
  return undefined;
}

function deleteMarker(target: CopyTarget): Refusal {
  return {
    code: 'delete-marker',
    reason: `the current version of ${where(target)} is a delete marker: the object was deleted after the failure, so there is nothing current to copy`,
  };
}

function sseC(target: CopyTarget): Refusal {
  return {
    code: 'sse-c',
    reason: `${where(target)} is encrypted with a customer-provided key (SSE-C); copying it needs that key, which this service does not have`,
  };
}

function archiveState(head: HeadObjectCommandOutput): string | undefined {
  if (head.ArchiveStatus) return `in the Intelligent-Tiering ${head.ArchiveStatus} tier`;
  if (!ARCHIVE_CLASSES.has(head.StorageClass ?? '')) return undefined;
  if (head.Restore && /ongoing-request="false"/.test(head.Restore)) return undefined;
  return head.Restore && /ongoing-request="true"/.test(head.Restore)
    ? `archived in ${head.StorageClass} and its restore is still in progress`
    : `archived in ${head.StorageClass}`;
}

function deleteMarkerHeader(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const response = (error as { $response?: { headers?: Record<string, string | undefined> } }).$response;
  return response?.headers?.['x-amz-delete-marker'] === 'true';
}
