/**
 * Every `failureReason` S3 documents for replication, from the union of the current AWS list and the older one
 * (S3 User Guide, "Replication failure reasons"; codes marked batch-only appear only for Batch Replication jobs).
 * A code missing here is still kept on the failure as sent: S3 adds codes over time.
 */

/**
 * Where the cause usually lies.
 * IAM: the replication role's identity policy (incl. boundary, SCP, RCP). TRUST: role trust policy or role existence.
 * DST-POLICY: destination bucket policy (cross-account), or an explicit Deny in either bucket policy.
 * KMS: key state, key policy or grants. BUCKET-CFG: bucket or replication configuration.
 * OWNERSHIP: object ownership / ACL. NOT-ELIGIBLE: object not eligible. GONE: object or version gone (race).
 * BENIGN: nothing to fix. BATCH: Batch Replication job setup.
 */
export type FailureCategory =
  | 'IAM'
  | 'TRUST'
  | 'DST-POLICY'
  | 'KMS'
  | 'BUCKET-CFG'
  | 'OWNERSHIP'
  | 'NOT-ELIGIBLE'
  | 'GONE'
  | 'BENIGN'
  | 'BATCH';

export interface FailureReasonInfo {
  /** One category, or several (most likely first) when the code alone cannot tell them apart. */
  readonly category: FailureCategory | readonly FailureCategory[];
  /** One line: what S3 says went wrong. */
  readonly meaning: string;
  /** Emitted only for S3 Batch Replication jobs, never by live replication. */
  readonly batchOnly: boolean;
}

const DST_WRITE: readonly FailureCategory[] = ['IAM', 'DST-POLICY'];

export const FAILURE_REASONS = {
  AssumeRoleNotPermitted: {
    category: 'TRUST',
    meaning: 'S3 could not assume the IAM role named in the replication configuration or the Batch job.',
    batchOnly: false,
  },
  DstBucketInvalidRegion: {
    category: ['BATCH', 'BUCKET-CFG'],
    meaning: 'The destination bucket is not in the Region the Batch Replication job expects.',
    batchOnly: true,
  },
  DstBucketNotFound: {
    category: 'BUCKET-CFG',
    meaning: 'The destination bucket named in the replication configuration cannot be found.',
    batchOnly: false,
  },
  DstBucketObjectLockConfigMissing: {
    category: 'BUCKET-CFG',
    meaning: 'The source bucket has Object Lock enabled but the destination bucket does not.',
    batchOnly: false,
  },
  DstBucketUnversioned: {
    category: 'BUCKET-CFG',
    meaning: 'Versioning is not enabled on the destination bucket.',
    batchOnly: false,
  },
  DstDelObjNotPermitted: {
    category: DST_WRITE,
    meaning: 'Delete markers could not be replicated; s3:ReplicateDelete may be missing for the destination.',
    batchOnly: false,
  },
  DstKmsKeyInvalidState: {
    category: 'KMS',
    meaning: 'The destination KMS key is not in a valid state (disabled or pending deletion).',
    batchOnly: false,
  },
  DstKmsKeyNotFound: {
    category: ['KMS', 'BUCKET-CFG'],
    meaning: 'The destination KMS key in the replication configuration does not exist.',
    batchOnly: false,
  },
  DstMultipartCompleteNotPermitted: {
    category: DST_WRITE,
    meaning:
      'A multipart upload could not be completed at the destination; s3:ReplicateObject may be missing.',
    batchOnly: false,
  },
  DstMultipartInitNotPermitted: {
    category: DST_WRITE,
    meaning:
      'A multipart upload could not be initiated at the destination; s3:ReplicateObject may be missing.',
    batchOnly: false,
  },
  DstMultipartUploadNotPermitted: {
    category: DST_WRITE,
    meaning: 'Parts could not be uploaded to the destination; s3:ReplicateObject may be missing.',
    batchOnly: false,
  },
  DstMultipartPartUploadNotPermitted: {
    category: DST_WRITE,
    meaning:
      'Older spelling of DstMultipartUploadNotPermitted: parts could not be uploaded to the destination; s3:ReplicateObject may be missing.',
    batchOnly: false,
  },
  DstObjectHardDeleted: {
    category: 'GONE',
    meaning:
      'Batch Replication cannot re-replicate an object whose destination version was deleted by version ID.',
    batchOnly: true,
  },
  DstPutAclNotPermitted: {
    category: ['IAM', 'DST-POLICY', 'OWNERSHIP'],
    meaning: 'Object ACLs could not be replicated; s3:ReplicateObject may be missing for the destination.',
    batchOnly: false,
  },
  DstPutLegalHoldNotPermitted: {
    category: DST_WRITE,
    meaning:
      'An Object Lock legal hold could not be set on the replica; s3:PutObjectLegalHold may be missing.',
    batchOnly: false,
  },
  DstPutObjectNotPermitted: {
    category: ['IAM', 'DST-POLICY', 'KMS'],
    meaning:
      'The replica could not be written: s3:ReplicateObject or s3:ObjectOwnerOverrideToBucketOwner is missing, or the destination KMS key policy does not let the role use the key.',
    batchOnly: false,
  },
  DstPutRetentionNotPermitted: {
    category: DST_WRITE,
    meaning: 'A retention period could not be set on the replica; s3:PutObjectRetention may be missing.',
    batchOnly: false,
  },
  DstPutTaggingNotPermitted: {
    category: DST_WRITE,
    meaning: 'Object tags could not be replicated; s3:ReplicateObject may be missing for the destination.',
    batchOnly: false,
  },
  DstVersionNotFound: {
    category: 'GONE',
    meaning: 'The destination object version whose metadata should be updated was not found.',
    batchOnly: false,
  },
  InitiateReplicationNotPermitted: {
    category: ['BATCH', 'IAM'],
    meaning: 'The Batch Replication job role may be missing s3:InitiateReplication on the source objects.',
    batchOnly: true,
  },
  SrcBucketInvalidRegion: {
    category: 'BATCH',
    meaning: 'The source bucket is not in the Region the Batch Replication job expects.',
    batchOnly: true,
  },
  SrcBucketNotFound: {
    category: 'BUCKET-CFG',
    meaning: 'The source bucket cannot be found.',
    batchOnly: false,
  },
  SrcBucketReplicationConfigMissing: {
    category: 'BUCKET-CFG',
    meaning: 'The source bucket has no replication configuration.',
    batchOnly: false,
  },
  SrcGetAclNotPermitted: {
    category: ['IAM', 'OWNERSHIP'],
    meaning:
      "The source object's ACL could not be read; s3:GetObjectVersionAcl may be missing or the object is not owned by the bucket owner.",
    batchOnly: false,
  },
  SrcGetLegalHoldNotPermitted: {
    category: 'IAM',
    meaning: 'Object Lock legal hold information could not be read; s3:GetObjectLegalHold may be missing.',
    batchOnly: false,
  },
  SrcGetObjectNotPermitted: {
    category: ['IAM', 'KMS'],
    meaning:
      'The source object could not be read; s3:GetObjectVersionForReplication (or kms:Decrypt on the source key) may be missing.',
    batchOnly: false,
  },
  SrcGetRetentionNotPermitted: {
    category: 'IAM',
    meaning: 'Object Lock retention information could not be read; s3:GetObjectRetention may be missing.',
    batchOnly: false,
  },
  SrcGetTaggingNotPermitted: {
    category: 'IAM',
    meaning: 'The source object tags could not be read; s3:GetObjectVersionTagging may be missing.',
    batchOnly: false,
  },
  SrcHeadObjectNotPermitted: {
    category: 'IAM',
    meaning:
      'The source object metadata could not be read; s3:GetObjectVersionForReplication may be missing.',
    batchOnly: false,
  },
  SrcKeyNotFound: {
    category: 'GONE',
    meaning: 'The source key was not found; it may have been deleted before replication finished.',
    batchOnly: false,
  },
  SrcKmsKeyInvalidState: {
    category: 'KMS',
    meaning: 'The source KMS key is not in a valid state (disabled or pending deletion).',
    batchOnly: false,
  },
  SrcObjectNotEligible: {
    category: 'NOT-ELIGIBLE',
    meaning: 'The object is not eligible for replication: its storage class or tags do not match the rule.',
    batchOnly: false,
  },
  SrcObjectNotFound: {
    category: 'GONE',
    meaning: 'The source object does not exist.',
    batchOnly: false,
  },
  SrcReplicationNotPending: {
    category: 'BENIGN',
    meaning: 'The object was already replicated and is no longer pending.',
    batchOnly: false,
  },
  SrcVersionNotFound: {
    category: 'GONE',
    meaning: 'The source object version was not found; it may have been deleted before replication finished.',
    batchOnly: false,
  },
} as const satisfies Record<string, FailureReasonInfo>;

export type KnownFailureReason = keyof typeof FAILURE_REASONS;

export function isKnownFailureReason(code: string): code is KnownFailureReason {
  return Object.hasOwn(FAILURE_REASONS, code);
}

/** The categories of a code as a list, most likely first; empty for a code this version does not know. */
export function categoriesOf(code: string): readonly FailureCategory[] {
  if (!isKnownFailureReason(code)) return [];
  const { category }: FailureReasonInfo = FAILURE_REASONS[code];
  return typeof category === 'string' ? [category] : category;
}
