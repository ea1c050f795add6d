import { describe, expect, it } from 'vitest';
import { snapshotReads } from '../../shared/aws/index.js';
import { TransientReadError } from '../../shared/diagnosis/reads.js';
import { DESTINATION_BUCKET, failure, ROLE_NAME, recordingSleep, SOURCE_BUCKET, snapshotOf } from './seed.js';

const roleError = (name: string, status?: number) =>
  snapshotReads(snapshotOf(failure('IAM', 'GetRole', { RoleName: ROLE_NAME }, name, status)), {
    sleep: recordingSleep().sleep,
  });

describe('reads classify AWS errors', () => {
  it.each([
    ['AccessDenied', 403],
    ['AccessDeniedException', 400],
    ['AllAccessDisabled', 403],
    ['UnauthorizedOperation', 403],
    ['InvalidClientTokenId', 403],
    ['403', 403],
  ])('reports %s (%s) as denied', async (name, status) => {
    const read = await roleError(name, status).getRole(ROLE_NAME);

    expect(read.status).toBe('denied');
    expect(read).toHaveProperty('error', expect.stringContaining(name));
  });

  it('reports a call the snapshot does not answer as denied, not as a crash', async () => {
    const read = await snapshotReads(snapshotOf()).getBucketPolicy(DESTINATION_BUCKET, 'destination');

    expect(read).toEqual({
      status: 'denied',
      error: expect.stringMatching(/^NotRecorded from S3 GetBucketPolicy: .*my-destination-bucket-euw1/),
    });
  });

  it.each([
    ['NoSuchEntity', 404],
    ['NoSuchBucket', 404],
    ['NotFoundException', 400],
    ['NoSuchKey', 404],
    ['NoSuchVersion', 404],
    ['NotFound', 404],
    ['SomethingMissing', 404],
  ])('reports %s (%s) as not-found', async (name, status) => {
    const read = await roleError(name, status).getRole(ROLE_NAME);

    expect(read.status).toBe('not-found');
  });

  it('judges a bodiless HeadObject error by its status', async () => {
    const reads = snapshotReads(
      snapshotOf(
        failure('S3', 'HeadObject', { Key: 'gone' }, 'UnknownError', 404),
        failure('S3', 'HeadObject', { Key: 'forbidden' }, 'UnknownError', 403),
      ),
    );

    expect((await reads.headObject(SOURCE_BUCKET, 'gone')).status).toBe('not-found');
    expect((await reads.headObject(SOURCE_BUCKET, 'forbidden')).status).toBe('denied');
  });

  it('reports a HeadObject 405 on a version as that version being a delete marker', async () => {
    const reads = snapshotReads(
      snapshotOf(failure('S3', 'HeadObject', { Key: 'k', VersionId: 'dm1' }, '405', 405)),
    );

    expect(await reads.headObject(SOURCE_BUCKET, 'k', 'dm1')).toEqual({
      status: 'ok',
      value: { DeleteMarker: true, VersionId: 'dm1' },
    });
  });

  it('reports an unknown 4xx as denied with the error name, never as a verdict', async () => {
    const read = await roleError('InvalidParameterCombination', 400).getRole(ROLE_NAME);

    expect(read).toEqual({ status: 'denied', error: expect.stringContaining('InvalidParameterCombination') });
  });

  it.each([
    ['getBucketPolicy', 'GetBucketPolicy', 'NoSuchBucketPolicy'],
    ['getBucketReplication', 'GetBucketReplication', 'ReplicationConfigurationNotFoundError'],
    ['getBucketEncryption', 'GetBucketEncryption', 'ServerSideEncryptionConfigurationNotFoundError'],
    ['getObjectLockConfiguration', 'GetObjectLockConfiguration', 'ObjectLockConfigurationNotFoundError'],
    ['getBucketOwnershipControls', 'GetBucketOwnershipControls', 'OwnershipControlsNotFoundError'],
  ] as const)('reads %s as null when AWS answers %s with %s', async (method, command, name) => {
    const reads = snapshotReads(snapshotOf(failure('S3', command, { Bucket: SOURCE_BUCKET }, name, 404)));

    expect(await reads[method](SOURCE_BUCKET, 'source')).toEqual({ status: 'ok', value: null });
  });

  it('reports a missing bucket as not-found even for configuration reads', async () => {
    const reads = snapshotReads(
      snapshotOf(failure('S3', 'GetBucketPolicy', { Bucket: SOURCE_BUCKET }, 'NoSuchBucket', 404)),
    );

    expect((await reads.getBucketPolicy(SOURCE_BUCKET, 'source')).status).toBe('not-found');
  });

  it('reports an account outside any organization as not-found', async () => {
    const reads = snapshotReads(
      snapshotOf(
        failure('Organizations', 'DescribeOrganization', {}, 'AWSOrganizationsNotInUseException', 400),
      ),
    );

    expect((await reads.describeOrganization()).status).toBe('not-found');
  });

  it.each([
    ['Throttling', 400],
    ['ThrottlingException', 400],
    ['SlowDown', 503],
    ['TooManyRequestsException', 429],
    ['RequestLimitExceeded', 400],
    ['SomeThrottle', 429],
    ['InternalError', 500],
    ['ServiceUnavailable', 503],
    ['RequestTimeout', 400],
    ['TimeoutError', undefined],
    ['ECONNRESET', undefined],
  ])('retries %s (%s) and then throws TransientReadError', async (name, status) => {
    const { sleep, waits } = recordingSleep();
    const reads = snapshotReads(
      snapshotOf(failure('IAM', 'GetRole', { RoleName: ROLE_NAME }, name, status)),
      { sleep },
    );

    const error = await reads.getRole(ROLE_NAME).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(TransientReadError);
    expect(error).toMatchObject({ call: 'IAM:GetRole', cause: { name } });
    expect(reads.stats().calls).toBe(4);
    expect(waits).toHaveLength(3);
  });
});
