import {
  CopyObjectCommand,
  GetObjectAclCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  CopyFailedError,
  CopyThrottledError,
  executeCopyInPlace,
  planCopyInPlace,
} from '../../shared/remediation/copy-in-place.js';
import {
  currentHead,
  ETAG,
  FAILED_VERSION,
  GIB,
  instantPacer,
  KEY,
  KMS_KEY_ARN,
  SOURCE_ACCOUNT,
  SOURCE_BUCKET,
  sdkError,
  slowDown,
  target,
} from './copy-fixtures.js';

const s3 = mockClient(S3Client);
const client = new S3Client({ region: 'us-east-1' });
const pacer = instantPacer();

beforeEach(() => {
  s3.reset();
});

describe('planning a copy in place of the failed version', () => {
  it('asks HeadObject for the current version (no VersionId) with checksums, once', async () => {
    // Prepare
    s3.on(HeadObjectCommand).resolves(currentHead());

    // Act
    const plan = await planCopyInPlace(client, target, { pacer });

    // Assess
    expect(plan.kind).toBe('copy');
    const heads = s3.commandCalls(HeadObjectCommand);
    expect(heads).toHaveLength(1);
    expect(heads[0]?.args[0].input).toEqual({ Bucket: SOURCE_BUCKET, Key: KEY, ChecksumMode: 'ENABLED' });
  });

  it('refuses a version that is no longer current and sends no CopyObject', async () => {
    // Prepare: a newer version was written after the failure
    s3.on(HeadObjectCommand).resolves(currentHead({ VersionId: 'v2-newer', ETag: '"newer"' }));

    // Act
    const plan = await planCopyInPlace(client, target, { pacer });

    // Assess
    expect(plan).toMatchObject({ kind: 'refuse', code: 'not-current-version', reads: 1 });
    expect(plan.kind === 'refuse' && plan.reason).toContain('v2-newer');
    expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(0);
  });

  it('refuses a named version when the bucket reports no version id (it cannot be shown to be current)', async () => {
    s3.on(HeadObjectCommand).resolves(currentHead({ VersionId: undefined }));

    const plan = await planCopyInPlace(client, target, { pacer });

    expect(plan).toMatchObject({ kind: 'refuse', code: 'not-current-version' });
  });

  it('copies the current version when no version is named, pinned to the version HeadObject saw', async () => {
    s3.on(HeadObjectCommand).resolves(currentHead({ VersionId: 'v7 current' }));

    const plan = await planCopyInPlace(client, { bucket: SOURCE_BUCKET, key: KEY }, { pacer });

    expect(plan.kind === 'copy' && plan.request.CopySource).toBe(
      `${SOURCE_BUCKET}/reports/2024/q1%20summary.pdf?versionId=v7%20current`,
    );
  });

  it('builds the copy conditional on the ETag at the source and at the destination, resending every header', async () => {
    // Prepare
    s3.on(HeadObjectCommand).resolves(currentHead({ StorageClass: 'STANDARD_IA' }));

    // Act
    const plan = await planCopyInPlace(client, target, { pacer });

    // Assess
    expect(plan).toMatchObject({ kind: 'copy', method: 'single', sizeBytes: 2048, reads: 1, warnings: [] });
    expect(plan.kind === 'copy' && plan.request).toEqual({
      Bucket: SOURCE_BUCKET,
      Key: KEY,
      CopySource: `${SOURCE_BUCKET}/reports/2024/q1%20summary.pdf?versionId=${FAILED_VERSION}`,
      CopySourceIfMatch: ETAG,
      IfMatch: ETAG,
      MetadataDirective: 'REPLACE',
      ContentType: 'application/pdf',
      CacheControl: 'max-age=3600',
      ContentDisposition: 'attachment; filename="q1 summary.pdf"',
      ContentEncoding: 'identity',
      ContentLanguage: 'en-GB',
      Expires: new Date('2030-01-01T00:00:00.000Z'),
      Metadata: { owner: 'finance', 'review-state': 'approved' },
      WebsiteRedirectLocation: '/reports/latest.pdf',
      TaggingDirective: 'COPY',
      StorageClass: 'STANDARD_IA',
    });
  });

  it('sends STANDARD when HeadObject reports no storage class, so the class is explicit', async () => {
    s3.on(HeadObjectCommand).resolves(currentHead());

    const plan = await planCopyInPlace(client, target, { pacer });

    expect(plan.kind === 'copy' && plan.request.StorageClass).toBe('STANDARD');
  });

  it('keeps SSE-KMS with its key and Bucket Key, Object Lock, and the checksum algorithm', async () => {
    // Prepare
    s3.on(HeadObjectCommand).resolves(
      currentHead({
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: KMS_KEY_ARN,
        BucketKeyEnabled: true,
        ObjectLockMode: 'GOVERNANCE',
        ObjectLockRetainUntilDate: new Date('2031-06-30T00:00:00.000Z'),
        ObjectLockLegalHoldStatus: 'ON',
        ChecksumSHA256: 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=',
      }),
    );

    // Act
    const plan = await planCopyInPlace(client, target, { pacer });

    // Assess
    expect(plan.kind === 'copy' && plan.request).toMatchObject({
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: KMS_KEY_ARN,
      BucketKeyEnabled: true,
      ObjectLockMode: 'GOVERNANCE',
      ObjectLockRetainUntilDate: new Date('2031-06-30T00:00:00.000Z'),
      ObjectLockLegalHoldStatus: 'ON',
      ChecksumAlgorithm: 'SHA256',
    });
    expect(plan.kind === 'copy' && plan.warnings.join('\n')).toContain('encryption context');
  });

  it('leaves out a retention that has ended (S3 refuses a past retain-until date), keeps the legal hold, and says so', async () => {
    s3.on(HeadObjectCommand).resolves(
      currentHead({
        ObjectLockMode: 'COMPLIANCE',
        ObjectLockRetainUntilDate: new Date('2020-01-01T00:00:00.000Z'),
        ObjectLockLegalHoldStatus: 'ON',
      }),
    );

    const plan = await planCopyInPlace(client, target, { pacer });

    if (plan.kind !== 'copy') throw new Error(`refused: ${plan.reason}`);
    expect(plan.request.ObjectLockMode).toBeUndefined();
    expect(plan.request.ObjectLockRetainUntilDate).toBeUndefined();
    expect(plan.request.ObjectLockLegalHoldStatus).toBe('ON');
    expect(plan.warnings.join('\n')).toContain('the retention period ended on 2020-01-01T00:00:00.000Z');
  });

  it('turns the Bucket Key off explicitly for an SSE-KMS object without one, so the bucket default cannot add it', async () => {
    s3.on(HeadObjectCommand).resolves(
      currentHead({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: KMS_KEY_ARN }),
    );

    const plan = await planCopyInPlace(client, target, { pacer });

    expect(plan.kind === 'copy' && plan.request.BucketKeyEnabled).toBe(false);
  });

  it('keeps DSSE-KMS without a Bucket Key setting, which DSSE does not take', async () => {
    s3.on(HeadObjectCommand).resolves(
      currentHead({ ServerSideEncryption: 'aws:kms:dsse', SSEKMSKeyId: KMS_KEY_ARN }),
    );

    const plan = await planCopyInPlace(client, target, { pacer });

    expect(plan.kind === 'copy' && plan.request).toMatchObject({
      ServerSideEncryption: 'aws:kms:dsse',
      SSEKMSKeyId: KMS_KEY_ARN,
    });
    expect(plan.kind === 'copy' && 'BucketKeyEnabled' in plan.request).toBe(false);
  });

  it('keeps SSE-S3 as AES256 without KMS fields or warnings', async () => {
    s3.on(HeadObjectCommand).resolves(currentHead({ ServerSideEncryption: 'AES256' }));

    const plan = await planCopyInPlace(client, target, { pacer });

    expect(plan.kind === 'copy' && plan.request.ServerSideEncryption).toBe('AES256');
    expect(plan.kind === 'copy' && 'SSEKMSKeyId' in plan.request).toBe(false);
    expect(plan.kind === 'copy' && plan.warnings).toEqual([]);
  });

  it('names the checksum algorithm from whichever checksum the object carries', async () => {
    s3.on(HeadObjectCommand).resolves(currentHead({ ChecksumCRC64NVME: 'AAAAAAAAAAA=' }));

    const plan = await planCopyInPlace(client, target, { pacer });

    expect(plan.kind === 'copy' && plan.request.ChecksumAlgorithm).toBe('CRC64NVME');
  });

  it('resends Object Lock event holds with their duration in days only', async () => {
    s3.on(HeadObjectCommand).resolves(
      currentHead({ ObjectLockEventHold: 'ON', ObjectLockEventHoldDurationDays: 30 }),
    );

    const plan = await planCopyInPlace(client, target, { pacer });

    expect(plan.kind === 'copy' && plan.request).toMatchObject({
      ObjectLockEventHold: 'ON',
      ObjectLockEventHoldDurationDays: 30,
    });
    expect(plan.kind === 'copy' && 'ObjectLockEventHoldDurationYears' in plan.request).toBe(false);
  });

  it('pins the bucket owner on both sides of the copy when the account is known', async () => {
    s3.on(HeadObjectCommand).resolves(currentHead());

    const plan = await planCopyInPlace(client, { ...target, expectedBucketOwner: SOURCE_ACCOUNT }, { pacer });

    expect(s3.commandCalls(HeadObjectCommand)[0]?.args[0].input.ExpectedBucketOwner).toBe(SOURCE_ACCOUNT);
    expect(plan.kind === 'copy' && plan.request).toMatchObject({
      ExpectedBucketOwner: SOURCE_ACCOUNT,
      ExpectedSourceBucketOwner: SOURCE_ACCOUNT,
    });
  });

  it('warns that an Expires value that is not an HTTP date cannot be resent', async () => {
    s3.on(HeadObjectCommand).resolves(currentHead({ Expires: undefined, ExpiresString: 'never' }));

    const plan = await planCopyInPlace(client, target, { pacer });

    expect(plan.kind === 'copy' && 'Expires' in plan.request).toBe(false);
    expect(plan.kind === 'copy' && plan.warnings.join('\n')).toContain('"never"');
  });

  it('warns about user metadata HeadObject could not return as headers', async () => {
    s3.on(HeadObjectCommand).resolves(currentHead({ MissingMeta: 2 }));

    const plan = await planCopyInPlace(client, target, { pacer });

    expect(plan.kind === 'copy' && plan.warnings.join('\n')).toContain('2 user metadata entries');
  });
});

describe('refusing what cannot be copied safely', () => {
  it.each([
    ['Glacier Flexible Retrieval', { StorageClass: 'GLACIER' as const }, 'archived in GLACIER'],
    [
      'Deep Archive still being restored',
      { StorageClass: 'DEEP_ARCHIVE' as const, Restore: 'ongoing-request="true"' },
      'restore is still in progress',
    ],
    [
      'an Intelligent-Tiering archive tier',
      { StorageClass: 'INTELLIGENT_TIERING' as const, ArchiveStatus: 'DEEP_ARCHIVE_ACCESS' as const },
      'DEEP_ARCHIVE_ACCESS',
    ],
  ])('refuses an object in %s as archived', async (_name, overrides, text) => {
    s3.on(HeadObjectCommand).resolves(currentHead(overrides));

    const plan = await planCopyInPlace(client, target, { pacer });

    expect(plan).toMatchObject({ kind: 'refuse', code: 'archived' });
    expect(plan.kind === 'refuse' && plan.reason).toContain(text);
  });

  it('copies a restored Glacier object, keeping its class and warning that it may not replicate', async () => {
    s3.on(HeadObjectCommand).resolves(
      currentHead({
        StorageClass: 'GLACIER',
        Restore: 'ongoing-request="false", expiry-date="Fri, 21 Dec 2029 00:00:00 GMT"',
      }),
    );

    const plan = await planCopyInPlace(client, target, { pacer });

    expect(plan.kind === 'copy' && plan.request.StorageClass).toBe('GLACIER');
    expect(plan.kind === 'copy' && plan.warnings.join('\n')).toContain(
      'does not replicate objects in GLACIER',
    );
  });

  it('refuses an SSE-C object, whose key this service does not have', async () => {
    s3.on(HeadObjectCommand).resolves(currentHead({ SSECustomerAlgorithm: 'AES256' }));

    const plan = await planCopyInPlace(client, target, { pacer });

    expect(plan).toMatchObject({ kind: 'refuse', code: 'sse-c' });
  });

  it('refuses as SSE-C when HeadObject answers 400 Bad Request without a customer key', async () => {
    s3.on(HeadObjectCommand).rejects(sdkError({ name: 'BadRequest', status: 400 }));

    const plan = await planCopyInPlace(client, target, { pacer });

    expect(plan).toMatchObject({ kind: 'refuse', code: 'sse-c', reads: 1 });
  });

  it('refuses when the current version is a delete marker (404 with x-amz-delete-marker)', async () => {
    s3.on(HeadObjectCommand).rejects(
      sdkError({ name: 'NotFound', status: 404, headers: { 'x-amz-delete-marker': 'true' } }),
    );

    const plan = await planCopyInPlace(client, target, { pacer });

    expect(plan).toMatchObject({ kind: 'refuse', code: 'delete-marker' });
  });

  it('refuses a delete marker reported as 405 Method Not Allowed', async () => {
    s3.on(HeadObjectCommand).rejects(sdkError({ name: 'MethodNotAllowed', status: 405 }));

    const plan = await planCopyInPlace(client, target, { pacer });

    expect(plan).toMatchObject({ kind: 'refuse', code: 'delete-marker' });
  });

  it('refuses an object that no longer exists as gone', async () => {
    s3.on(HeadObjectCommand).rejects(sdkError({ name: 'NotFound', status: 404 }));

    const plan = await planCopyInPlace(client, target, { pacer });

    expect(plan).toMatchObject({ kind: 'refuse', code: 'gone', reads: 1 });
  });

  it('refuses as denied when HeadObject is forbidden', async () => {
    s3.on(HeadObjectCommand).rejects(sdkError({ name: 'Forbidden', status: 403 }));

    const plan = await planCopyInPlace(client, target, { pacer });

    expect(plan).toMatchObject({ kind: 'refuse', code: 'denied' });
  });

  it("refuses an object larger than S3's largest object", async () => {
    s3.on(HeadObjectCommand).resolves(currentHead({ ContentLength: 50_000 * GIB + 1 }));

    const plan = await planCopyInPlace(client, target, { pacer });

    expect(plan).toMatchObject({ kind: 'refuse', code: 'too-large' });
  });

  it('throws CopyThrottledError when HeadObject keeps answering SlowDown', async () => {
    s3.on(HeadObjectCommand).rejects(slowDown());

    await expect(planCopyInPlace(client, target, { pacer })).rejects.toBeInstanceOf(CopyThrottledError);
    expect(s3.commandCalls(HeadObjectCommand)).toHaveLength(5);
  });

  it('throws CopyFailedError with the cause for a server fault, rather than refusing', async () => {
    const fault = sdkError({ name: 'InternalError', status: 500 });
    s3.on(HeadObjectCommand).rejects(fault);

    const error = await planCopyInPlace(client, target, { pacer }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(CopyFailedError);
    expect((error as CopyFailedError).cause).toBe(fault);
    expect((error as CopyFailedError).code).toBe('InternalError');
  });
});

describe('ACL grants where the bucket has ACLs enabled', () => {
  it('reads the ACL of the inspected version and resends its grants', async () => {
    // Prepare
    s3.on(HeadObjectCommand).resolves(currentHead());
    s3.on(GetObjectAclCommand).resolves({
      Owner: { ID: 'owner-canonical-id' },
      Grants: [
        { Grantee: { Type: 'CanonicalUser', ID: 'owner-canonical-id' }, Permission: 'FULL_CONTROL' },
        { Grantee: { Type: 'CanonicalUser', ID: 'partner-canonical-id' }, Permission: 'READ' },
        {
          Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers' },
          Permission: 'READ',
        },
        { Grantee: { Type: 'CanonicalUser', ID: 'auditor-canonical-id' }, Permission: 'READ_ACP' },
        { Grantee: { Type: 'CanonicalUser', ID: 'ops-canonical-id' }, Permission: 'WRITE_ACP' },
      ],
    });

    // Act
    const plan = await planCopyInPlace(client, target, { pacer, aclsEnabled: true });

    // Assess
    expect(s3.commandCalls(GetObjectAclCommand)[0]?.args[0].input).toEqual({
      Bucket: SOURCE_BUCKET,
      Key: KEY,
      VersionId: FAILED_VERSION,
    });
    expect(plan).toMatchObject({ kind: 'copy', reads: 2 });
    expect(plan.kind === 'copy' && plan.request).toMatchObject({
      GrantFullControl: 'id="owner-canonical-id"',
      GrantRead: 'id="partner-canonical-id", uri="http://acs.amazonaws.com/groups/global/AuthenticatedUsers"',
      GrantReadACP: 'id="auditor-canonical-id"',
      GrantWriteACP: 'id="ops-canonical-id"',
    });
  });

  it('refuses as denied when the ACL cannot be read, rather than reset it to private', async () => {
    s3.on(HeadObjectCommand).resolves(currentHead());
    s3.on(GetObjectAclCommand).rejects(sdkError({ name: 'AccessDenied', status: 403 }));

    const plan = await planCopyInPlace(client, target, { pacer, aclsEnabled: true });

    expect(plan).toMatchObject({ kind: 'refuse', code: 'denied', reads: 2 });
    expect(plan.kind === 'refuse' && plan.reason).toContain('GetObjectAcl');
  });

  it('does not read the ACL when the bucket has ACLs disabled', async () => {
    s3.on(HeadObjectCommand).resolves(currentHead());

    const plan = await planCopyInPlace(client, target, { pacer });

    expect(s3.commandCalls(GetObjectAclCommand)).toHaveLength(0);
    expect(plan.kind === 'copy' && Object.keys(plan.request).some((name) => name.startsWith('Grant'))).toBe(
      false,
    );
  });
});

describe('requests per object up to 5 GiB', () => {
  it('costs HeadObject + CopyObject = 2 requests', async () => {
    s3.on(HeadObjectCommand).resolves(currentHead());
    s3.on(CopyObjectCommand).resolves({ VersionId: 'v2-copy' });

    const plan = await planCopyInPlace(client, target, { pacer });
    const result = plan.kind === 'copy' ? await executeCopyInPlace(client, plan, { pacer }) : undefined;

    expect((plan.kind === 'copy' ? plan.reads : 0) + (result?.requests ?? 0)).toBe(2);
    expect(s3.calls()).toHaveLength(2);
    expect(s3.commandCalls(GetObjectTaggingCommand)).toHaveLength(0);
  });

  it('costs one more, GetObjectAcl, where the bucket has ACLs enabled', async () => {
    s3.on(HeadObjectCommand).resolves(currentHead());
    s3.on(GetObjectAclCommand).resolves({ Grants: [] });
    s3.on(CopyObjectCommand).resolves({ VersionId: 'v2-copy' });

    const plan = await planCopyInPlace(client, target, { pacer, aclsEnabled: true });
    const result = plan.kind === 'copy' ? await executeCopyInPlace(client, plan, { pacer }) : undefined;

    expect((plan.kind === 'copy' ? plan.reads : 0) + (result?.requests ?? 0)).toBe(3);
    expect(s3.calls()).toHaveLength(3);
  });
});
