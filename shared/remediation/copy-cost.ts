/**
 * Requests a copy in place costs per object, by size class, without touching S3: for the benchmark and
 * for sizing the pacing. Planning is one HeadObject, plus GetObjectAcl where the bucket has ACLs enabled,
 * plus GetObjectTagging for a tagged multipart copy; the copy itself is one CopyObject up to 5 GiB, or
 * CreateMultipartUpload + one UploadPartCopy per part + CompleteMultipartUpload above.
 */
import { MAX_OBJECT_BYTES, MAX_SINGLE_COPY_BYTES } from './copy-limits.js';
import { planParts } from './multipart-copy.js';

export interface CopyCostOptions {
  aclsEnabled?: boolean;
  /** Whether the object has tags (only a multipart copy must read them). */
  tagged?: boolean;
  partSizeBytes?: number;
}

export interface CopyCost {
  method: 'single' | 'multipart' | 'refuse';
  /** Planning reads plus copy requests, without retries. */
  requests: number;
  reads: number;
  parts: number;
}

export function countCopyRequests(sizeBytes: number, options: CopyCostOptions = {}): CopyCost {
  if (sizeBytes > MAX_OBJECT_BYTES) return { method: 'refuse', requests: 1, reads: 1, parts: 0 };
  const acl = options.aclsEnabled ? 1 : 0;
  if (sizeBytes <= MAX_SINGLE_COPY_BYTES) {
    const reads = 1 + acl;
    return { method: 'single', requests: reads + 1, reads, parts: 0 };
  }
  const reads = 1 + acl + (options.tagged ? 1 : 0);
  const parts = planParts(sizeBytes, options.partSizeBytes).parts.length;
  return { method: 'multipart', requests: reads + 1 + parts + 1, reads, parts };
}
