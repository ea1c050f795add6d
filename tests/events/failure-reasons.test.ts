import { describe, expect, it } from 'vitest';
import { categoriesOf, FAILURE_REASONS, isKnownFailureReason } from '../../shared/events/index.js';
import { DOCUMENTED_FAILURE_REASONS } from '../support/documented-failure-reasons.js';

describe('FAILURE_REASONS', () => {
  it('holds exactly the documented failure reasons', () => {
    expect(Object.keys(FAILURE_REASONS).sort()).toEqual([...DOCUMENTED_FAILURE_REASONS].sort());
  });

  it('marks only the four Batch Replication codes as batch-only', () => {
    const batchOnly = Object.entries(FAILURE_REASONS)
      .filter(([, info]) => info.batchOnly)
      .map(([code]) => code)
      .sort();
    expect(batchOnly).toEqual([
      'DstBucketInvalidRegion',
      'DstObjectHardDeleted',
      'InitiateReplicationNotPermitted',
      'SrcBucketInvalidRegion',
    ]);
  });

  it('gives every code a one-line meaning', () => {
    for (const [code, info] of Object.entries(FAILURE_REASONS)) {
      expect(info.meaning, code).toMatch(/^[A-Z].*\.$/);
      expect(info.meaning, code).not.toContain('\n');
    }
  });

  it.each([
    ['AssumeRoleNotPermitted', ['TRUST']],
    ['DstPutObjectNotPermitted', ['IAM', 'DST-POLICY', 'KMS']],
    ['DstPutAclNotPermitted', ['IAM', 'DST-POLICY', 'OWNERSHIP']],
    ['DstMultipartUploadNotPermitted', ['IAM', 'DST-POLICY']],
    ['DstMultipartPartUploadNotPermitted', ['IAM', 'DST-POLICY']],
    ['DstKmsKeyNotFound', ['KMS', 'BUCKET-CFG']],
    ['SrcKmsKeyInvalidState', ['KMS']],
    ['DstBucketUnversioned', ['BUCKET-CFG']],
    ['SrcGetAclNotPermitted', ['IAM', 'OWNERSHIP']],
    ['SrcObjectNotEligible', ['NOT-ELIGIBLE']],
    ['SrcVersionNotFound', ['GONE']],
    ['SrcReplicationNotPending', ['BENIGN']],
    ['SrcBucketInvalidRegion', ['BATCH']],
    ['InitiateReplicationNotPermitted', ['BATCH', 'IAM']],
  ])('files %s under %j', (code, categories) => {
    expect(categoriesOf(code)).toEqual(categories);
  });

  it('keeps a single category as a plain value and several as an array', () => {
    expect(FAILURE_REASONS.AssumeRoleNotPermitted.category).toBe('TRUST');
    expect(FAILURE_REASONS.DstKmsKeyNotFound.category).toEqual(['KMS', 'BUCKET-CFG']);
  });
});

describe('isKnownFailureReason', () => {
  it('knows both spellings of the multipart upload code', () => {
    expect(isKnownFailureReason('DstMultipartUploadNotPermitted')).toBe(true);
    expect(isKnownFailureReason('DstMultipartPartUploadNotPermitted')).toBe(true);
  });

  it.each([
    'DstStorageClassNotSupported',
    'dstputobjectnotpermitted',
    '',
    'toString',
    'constructor',
    '__proto__',
  ])('does not know %j', (code) => {
    expect(isKnownFailureReason(code)).toBe(false);
    expect(categoriesOf(code)).toEqual([]);
  });
});
