/**
 * The CopyObject request that rewrites an object onto itself as a new version without changing anything a
 * reader can see. A copy resets what it is not told: metadata (with `REPLACE`, all of it), the website
 * redirect, the storage class (to STANDARD), encryption (to the bucket default), Object Lock settings and
 * the ACL (to private). So every one of them is resent from the current version's HeadObject.
 */
import type { ChecksumAlgorithm, CopyObjectCommandInput, HeadObjectCommandOutput } from '@aws-sdk/client-s3';
import { encodeCopySource } from './copy-source.js';
import type { CopyTarget } from './copy-types.js';
import type { GrantHeaders } from './object-acl.js';

export interface BuiltCopyRequest {
  request: CopyObjectCommandInput;
  warnings: string[];
}

/** Which checksum the object carries, from the `Checksum*` field HeadObject returns with `ChecksumMode`. */
const CHECKSUM_FIELDS: readonly (readonly [keyof HeadObjectCommandOutput, ChecksumAlgorithm])[] = [
  ['ChecksumCRC64NVME', 'CRC64NVME'],
  ['ChecksumCRC32', 'CRC32'],
  ['ChecksumCRC32C', 'CRC32C'],
  ['ChecksumSHA1', 'SHA1'],
  ['ChecksumSHA256', 'SHA256'],
  ['ChecksumSHA512', 'SHA512'],
  ['ChecksumMD5', 'MD5'],
  ['ChecksumXXHASH64', 'XXHASH64'],
  ['ChecksumXXHASH3', 'XXHASH3'],
  ['ChecksumXXHASH128', 'XXHASH128'],
];

export function checksumAlgorithmOf(head: HeadObjectCommandOutput): ChecksumAlgorithm | undefined {
  return CHECKSUM_FIELDS.find(([field]) => head[field] !== undefined)?.[1];
}

const KMS = new Set(['aws:kms', 'aws:kms:dsse']);

export function buildCopyRequest(
  target: CopyTarget,
  head: HeadObjectCommandOutput,
  sourceVersionId: string | undefined,
  grants: GrantHeaders | undefined,
  now: Date = new Date(),
): BuiltCopyRequest {
  const warnings: string[] = [];
  const etag = head.ETag;
  if (!etag) warnings.push('HeadObject returned no ETag, so the copy cannot be made conditional on it');

  const request: CopyObjectCommandInput = {
    Bucket: target.bucket,
    Key: target.key,
    CopySource: encodeCopySource(target.bucket, target.key, sourceVersionId),
    // The source must still be the version that was inspected, and the key's current version must still
    // be it when the copy lands (S3 conditional write): a newer version written meanwhile makes this a 412
    // instead of being overwritten by an older one.
    ...(etag ? { CopySourceIfMatch: etag, IfMatch: etag } : {}),
    MetadataDirective: 'REPLACE',
    ...contentHeaders(head, warnings),
    ...(head.Metadata && Object.keys(head.Metadata).length > 0 ? { Metadata: { ...head.Metadata } } : {}),
    ...(head.WebsiteRedirectLocation ? { WebsiteRedirectLocation: head.WebsiteRedirectLocation } : {}),
    TaggingDirective: 'COPY',
    // HeadObject omits the class for STANDARD; omitted on the copy, it would be STANDARD too, but explicit.
    StorageClass: head.StorageClass ?? 'STANDARD',
    ...encryption(head, warnings),
    ...checksum(head),
    ...objectLock(head, warnings, now),
    ...grants,
    ...(target.expectedBucketOwner
      ? {
          ExpectedBucketOwner: target.expectedBucketOwner,
          ExpectedSourceBucketOwner: target.expectedBucketOwner,
        }
      : {}),
  };

  if ((head.MissingMeta ?? 0) > 0) {
    warnings.push(
      `${head.MissingMeta} user metadata entr${head.MissingMeta === 1 ? 'y' : 'ies'} cannot be read as HTTP headers and will be dropped by the copy`,
    );
  }
  if (head.StorageClass === 'GLACIER' || head.StorageClass === 'DEEP_ARCHIVE') {
    warnings.push(
      `the object is a restored copy of a ${head.StorageClass} object and the copy keeps that storage class; S3 does not replicate objects in ${head.StorageClass}, so if replication fails again copy it to another storage class instead`,
    );
  }
  return { request, warnings };
}

function contentHeaders(head: HeadObjectCommandOutput, warnings: string[]): Partial<CopyObjectCommandInput> {
  const headers: Partial<CopyObjectCommandInput> = {};
  if (head.ContentType !== undefined) headers.ContentType = head.ContentType;
  if (head.CacheControl !== undefined) headers.CacheControl = head.CacheControl;
  if (head.ContentDisposition !== undefined) headers.ContentDisposition = head.ContentDisposition;
  if (head.ContentEncoding !== undefined) headers.ContentEncoding = head.ContentEncoding;
  if (head.ContentLanguage !== undefined) headers.ContentLanguage = head.ContentLanguage;
  if (head.Expires !== undefined) headers.Expires = head.Expires;
  else if (head.ExpiresString) {
    // The SDK only sends `Expires` as a date; a value that is not one cannot be resent.
    warnings.push(
      `the Expires header "${head.ExpiresString}" is not a valid HTTP date and will be dropped by the copy`,
    );
  }
  return headers;
}

function encryption(head: HeadObjectCommandOutput, warnings: string[]): Partial<CopyObjectCommandInput> {
  const sse = head.ServerSideEncryption;
  if (!sse) return {};
  if (!KMS.has(sse)) return { ServerSideEncryption: sse };
  warnings.push(
    'an additional KMS encryption context on the source object, if it had one, is not carried over (S3 does not report it)',
  );
  return {
    ServerSideEncryption: sse,
    ...(head.SSEKMSKeyId ? { SSEKMSKeyId: head.SSEKMSKeyId } : {}),
    // HeadObject reports the Bucket Key only when it is on; sent either way so the bucket default cannot flip it.
    // DSSE-KMS does not take Bucket Keys.
    ...(sse === 'aws:kms' ? { BucketKeyEnabled: head.BucketKeyEnabled === true } : {}),
  };
}

function checksum(head: HeadObjectCommandOutput): Partial<CopyObjectCommandInput> {
  const algorithm = checksumAlgorithmOf(head);
  return algorithm ? { ChecksumAlgorithm: algorithm } : {};
}

function objectLock(
  head: HeadObjectCommandOutput,
  warnings: string[],
  now: Date,
): Partial<CopyObjectCommandInput> {
  const lock: Partial<CopyObjectCommandInput> = {};
  const until = head.ObjectLockRetainUntilDate;
  if (until && until.getTime() <= now.getTime()) {
    // HeadObject still shows a retention that has ended, and S3 refuses a retain-until date in the past:
    // the copy carries none (nothing is retained any more), and says so.
    warnings.push(`the retention period ended on ${until.toISOString()}: the copy is not retained`);
  } else {
    if (head.ObjectLockMode) lock.ObjectLockMode = head.ObjectLockMode;
    if (until) lock.ObjectLockRetainUntilDate = until;
  }
  if (head.ObjectLockLegalHoldStatus) lock.ObjectLockLegalHoldStatus = head.ObjectLockLegalHoldStatus;
  if (head.ObjectLockEventHold) lock.ObjectLockEventHold = head.ObjectLockEventHold;
  // S3 takes a duration in days or in years, not both.
  if (head.ObjectLockEventHoldDurationDays !== undefined) {
    lock.ObjectLockEventHoldDurationDays = head.ObjectLockEventHoldDurationDays;
  } else if (head.ObjectLockEventHoldDurationYears !== undefined) {
    lock.ObjectLockEventHoldDurationYears = head.ObjectLockEventHoldDurationYears;
  }
  return lock;
}
