import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectAclCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  S3Client,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { countCopyRequests } from '../../shared/remediation/copy-cost.js';
import { executeCopyInPlace, planCopyInPlace } from '../../shared/remediation/copy-in-place.js';
import { currentHead, GIB, instantPacer, target } from './copy-fixtures.js';

const s3 = mockClient(S3Client);
const client = new S3Client({ region: 'us-east-1' });

beforeEach(() => {
  s3.reset();
});

describe('requests per copy in place, by size class', () => {
  it('is HeadObject + CopyObject for an object up to 5 GiB', () => {
    expect(countCopyRequests(1024)).toEqual({ method: 'single', requests: 2, reads: 1, parts: 0 });
    expect(countCopyRequests(5 * GIB)).toEqual({ method: 'single', requests: 2, reads: 1, parts: 0 });
  });

  it('adds GetObjectAcl only where the bucket has ACLs enabled', () => {
    expect(countCopyRequests(1024, { aclsEnabled: true })).toEqual({
      method: 'single',
      requests: 3,
      reads: 2,
      parts: 0,
    });
  });

  it('is Head + Create + one UploadPartCopy per part + Complete above 5 GiB, plus the tags if any', () => {
    expect(countCopyRequests(50 * GIB)).toEqual({ method: 'multipart', requests: 103, reads: 1, parts: 100 });
    expect(countCopyRequests(50 * GIB, { tagged: true, aclsEnabled: true })).toEqual({
      method: 'multipart',
      requests: 105,
      reads: 3,
      parts: 100,
    });
  });

  it('is a single HeadObject for an object too large to copy', () => {
    expect(countCopyRequests(50_001 * GIB)).toEqual({ method: 'refuse', requests: 1, reads: 1, parts: 0 });
  });

  it('matches the requests a real multipart plan and copy send', async () => {
    // Prepare
    s3.on(HeadObjectCommand).resolves(currentHead({ ContentLength: 50 * GIB, TagCount: 1 }));
    s3.on(GetObjectAclCommand).resolves({ Grants: [] });
    s3.on(GetObjectTaggingCommand).resolves({ TagSet: [{ Key: 'k', Value: 'v' }] });
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'u' });
    s3.on(UploadPartCopyCommand).resolves({ CopyPartResult: { ETag: '"p"' } });
    s3.on(CompleteMultipartUploadCommand).resolves({ VersionId: 'v2' });

    // Act
    const plan = await planCopyInPlace(client, target, { pacer: instantPacer(), aclsEnabled: true });
    const result =
      plan.kind === 'copy' ? await executeCopyInPlace(client, plan, { pacer: instantPacer() }) : undefined;

    // Assess
    const counted = countCopyRequests(50 * GIB, { aclsEnabled: true, tagged: true });
    expect((plan.kind === 'copy' ? plan.reads : 0) + (result?.requests ?? 0)).toBe(counted.requests);
    expect(s3.calls()).toHaveLength(counted.requests);
  });
});
