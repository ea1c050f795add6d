import type { CopyObjectCommandInput, CreateMultipartUploadCommandInput } from '@aws-sdk/client-s3';
import type { RequestPacer } from './pacing.js';

/** The object to copy onto itself. Without `versionId`, whatever version is current is copied. */
export interface CopyTarget {
  bucket: string;
  key: string;
  versionId?: string;
  /** The account that must own the bucket (`ExpectedBucketOwner`/`ExpectedSourceBucketOwner`). */
  expectedBucketOwner?: string;
}

/** Why a copy in place would be unsafe or impossible; the caller notifies instead. */
export type RefusalCode =
  /** A newer version is current: it replicates on its own, and copying the old one over it would lose data. */
  | 'not-current-version'
  /** The current version is a delete marker. */
  | 'delete-marker'
  /** Glacier Flexible Retrieval / Deep Archive, or an Intelligent-Tiering archive tier: restore first. */
  | 'archived'
  /** Encrypted with a customer-provided key, which this service does not have. */
  | 'sse-c'
  /** The object no longer exists. */
  | 'gone'
  /** Larger than S3's largest object. */
  | 'too-large'
  /** We may not read something the copy must preserve (the object, its ACL, its tags). */
  | 'denied';

export interface PartRange {
  partNumber: number;
  /** `bytes=first-last`, inclusive, as `x-amz-copy-source-range` takes it. */
  range: string;
}

export interface MultipartPlan {
  /** Every header of the copy, for `CreateMultipartUpload` (which has no copy-source or `IfMatch` fields). */
  create: CreateMultipartUploadCommandInput;
  partSize: number;
  parts: PartRange[];
}

export type CopyPlan =
  | {
      kind: 'copy';
      target: CopyTarget;
      sizeBytes: number;
      method: 'single' | 'multipart';
      /**
       * The exact CopyObject request. For a multipart copy, its copy-source fields (`CopySource`,
       * `CopySourceIfMatch`, `ExpectedSourceBucketOwner`) go on each `UploadPartCopy` and its `IfMatch` on
       * `CompleteMultipartUpload`.
       */
      request: CopyObjectCommandInput;
      multipart?: MultipartPlan;
      /** Requests made to plan (HeadObject, plus GetObjectAcl / GetObjectTagging where needed). */
      reads: number;
      /** What the copy cannot carry over, in words for the notification. */
      warnings: string[];
    }
  | { kind: 'refuse'; target: CopyTarget; reason: string; code: RefusalCode; reads: number };

export type CopyingPlan = Extract<CopyPlan, { kind: 'copy' }>;

export interface PlanOptions {
  /**
   * Whether the bucket has ACLs enabled (Object Ownership is not `BucketOwnerEnforced`): then the object's
   * grants are read and resent, since a copy resets the ACL to private. Default false. The caller knows it
   * from `readBucketAclsEnabled`, cached per bucket.
   */
  aclsEnabled?: boolean;
  /** Part size for objects over 5 GiB. Default 512 MiB; raised when needed to stay within 10,000 parts. */
  partSizeBytes?: number;
  pacer?: RequestPacer;
}

export interface ExecuteOptions {
  pacer?: RequestPacer;
  /** Parts copied at once in a multipart copy. Default 8. */
  maxConcurrentParts?: number;
  /** Tries to abort a failed multipart upload. Default 3. */
  abortAttempts?: number;
}

export interface CopyResult {
  newVersionId?: string;
  /** Requests sent to copy, retries included (planning reads are counted in the plan). */
  requests: number;
  method: 'single' | 'multipart';
  parts?: number;
}
