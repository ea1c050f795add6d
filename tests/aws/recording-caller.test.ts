import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import { DescribeKeyCommand, GetKeyPolicyCommand, KMSClient, ListGrantsCommand } from '@aws-sdk/client-kms';
import {
  GetBucketLocationCommand,
  GetBucketPolicyCommand,
  GetBucketReplicationCommand,
  GetBucketVersioningCommand,
  HeadObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  type AwsCaller,
  createLiveCaller,
  createReads,
  createRecordingCaller,
  createReplayCaller,
  parseSnapshot,
  snapshotReads,
} from '../../shared/aws/index.js';
import type { DiagnosisReads } from '../../shared/diagnosis/reads.js';
import {
  answer,
  DESTINATION_BUCKET,
  DESTINATION_KEY_ARN,
  DESTINATION_REGION,
  INLINE_POLICY_NAME,
  iamEncoded,
  REPLICATION_POLICY,
  ROLE_ARN,
  ROLE_NAME,
  RULE_ID,
  recordingSleep,
  SOURCE_ACCOUNT,
  SOURCE_BUCKET,
  SOURCE_REGION,
  sdkError,
  snapshotOf,
  TRUST_POLICY,
} from './seed.js';

const s3 = mockClient(S3Client);
const iam = mockClient(IAMClient);
const kms = mockClient(KMSClient);
const sts = mockClient(STSClient);
const MANAGED_ARN = `arn:aws:iam::${SOURCE_ACCOUNT}:policy/ExtraReplication`;

beforeEach(() => {
  s3.reset();
  iam.reset();
  kms.reset();
  sts.reset();
});

function mockAccount(): void {
  const meta = { $metadata: { httpStatusCode: 200, requestId: 'req-1' } };
  sts
    .on(GetCallerIdentityCommand)
    .resolves({ ...meta, Account: SOURCE_ACCOUNT, Arn: `${ROLE_ARN}/x`, UserId: 'AROA' });
  s3.on(GetBucketReplicationCommand).resolves({
    ...meta,
    ReplicationConfiguration: {
      Role: ROLE_ARN,
      Rules: [
        { ID: RULE_ID, Status: 'Enabled', Destination: { Bucket: `arn:aws:s3:::${DESTINATION_BUCKET}` } },
      ],
    },
  });
  s3.on(GetBucketVersioningCommand).resolves({ ...meta, Status: 'Enabled' });
  s3.on(GetBucketLocationCommand).resolves({ ...meta, LocationConstraint: DESTINATION_REGION });
  s3.on(GetBucketPolicyCommand, { Bucket: SOURCE_BUCKET }).rejects(sdkError('NoSuchBucketPolicy', 404));
  s3.on(GetBucketPolicyCommand, { Bucket: DESTINATION_BUCKET }).rejects(
    sdkError('AccessDenied', 403, 'Access Denied'),
  );
  s3.on(HeadObjectCommand).resolves({
    ...meta,
    LastModified: new Date('2024-05-01T10:00:00Z'),
    ObjectLockRetainUntilDate: new Date('2030-01-01T00:00:00Z'),
    ReplicationStatus: 'FAILED',
    VersionId: 'v1',
  });
  iam.on(GetRoleCommand).resolves({
    ...meta,
    Role: {
      Arn: ROLE_ARN,
      RoleName: ROLE_NAME,
      Path: '/',
      RoleId: 'AROA',
      CreateDate: new Date('2023-01-01T00:00:00Z'),
      AssumeRolePolicyDocument: iamEncoded(TRUST_POLICY),
    },
  });
  iam
    .on(ListRolePoliciesCommand, { RoleName: ROLE_NAME })
    .resolves({ ...meta, PolicyNames: [INLINE_POLICY_NAME], IsTruncated: true, Marker: 'p2' });
  iam
    .on(ListRolePoliciesCommand, { RoleName: ROLE_NAME, Marker: 'p2' })
    .resolves({ ...meta, PolicyNames: ['Second'], IsTruncated: false });
  iam.on(GetRolePolicyCommand).resolves({ ...meta, PolicyDocument: iamEncoded(REPLICATION_POLICY) });
  iam.on(ListAttachedRolePoliciesCommand).resolves({
    ...meta,
    AttachedPolicies: [{ PolicyArn: MANAGED_ARN, PolicyName: 'ExtraReplication' }],
    IsTruncated: false,
  });
  iam.on(GetPolicyCommand).resolves({ ...meta, Policy: { Arn: MANAGED_ARN, DefaultVersionId: 'v2' } });
  iam
    .on(GetPolicyVersionCommand)
    .resolves({ ...meta, PolicyVersion: { Document: iamEncoded(REPLICATION_POLICY) } });
  kms.on(DescribeKeyCommand).resolves({
    ...meta,
    KeyMetadata: {
      KeyId: 'k',
      Arn: DESTINATION_KEY_ARN,
      KeyState: 'Enabled',
      CreationDate: new Date('2023-01-01T00:00:00Z'),
    },
  });
  kms.on(GetKeyPolicyCommand).resolves({ ...meta, Policy: JSON.stringify(REPLICATION_POLICY) });
  kms
    .on(ListGrantsCommand)
    .resolves({ ...meta, Grants: [{ GrantId: 'g', Operations: ['Encrypt'] }], Truncated: false });
}

/** Every read a diagnosis of the seed setup makes, in the order it makes them. */
async function readEverything(reads: DiagnosisReads): Promise<unknown[]> {
  return [
    await reads.getCallerIdentity(),
    await reads.getBucketReplication(SOURCE_BUCKET),
    await reads.getBucketVersioning(SOURCE_BUCKET, 'source'),
    await reads.getBucketVersioning(DESTINATION_BUCKET, 'destination'),
    await reads.getBucketPolicy(SOURCE_BUCKET, 'source'),
    await reads.getBucketPolicy(DESTINATION_BUCKET, 'destination'),
    await reads.headObject(SOURCE_BUCKET, 'photos/a b.jpg', 'v1'),
    await reads.getRole(ROLE_NAME),
    await reads.getRoleInlinePolicies(ROLE_NAME),
    await reads.getRoleAttachedPolicies(ROLE_NAME),
    await reads.describeKey(DESTINATION_KEY_ARN),
    await reads.getKeyPolicy(DESTINATION_KEY_ARN),
    await reads.listGrants(DESTINATION_KEY_ARN),
  ];
}

describe('createRecordingCaller', () => {
  it('records a snapshot from which a replay gives the same answers as the live account', async () => {
    mockAccount();
    const recorder = createRecordingCaller(
      createLiveCaller({ region: SOURCE_REGION, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
    );
    const live = await readEverything(createReads(recorder, { sourceRegion: SOURCE_REGION }));

    const snapshot = parseSnapshot(JSON.parse(JSON.stringify(recorder.snapshot('seed setup, recorded'))));
    const replayed = await readEverything(snapshotReads(snapshot));

    expect(replayed).toEqual(live);
    expect(live.every((read) => (read as { status: string }).status !== undefined)).toBe(true);
    expect(snapshot.description).toBe('seed setup, recorded');
  });

  it('stores timestamps as ISO strings, errors by name and status, and no $metadata', async () => {
    mockAccount();
    const recorder = createRecordingCaller(
      createLiveCaller({ region: SOURCE_REGION, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
    );
    const reads = createReads(recorder);
    await reads.headObject(SOURCE_BUCKET, 'k', 'v1');
    await reads.getBucketPolicy(DESTINATION_BUCKET, 'destination');

    const { calls } = recorder.snapshot();

    expect(calls.find((call) => call.command === 'HeadObject')).toEqual({
      service: 'S3',
      command: 'HeadObject',
      input: { Bucket: SOURCE_BUCKET, Key: 'k', VersionId: 'v1' },
      output: {
        LastModified: '2024-05-01T10:00:00.000Z',
        ObjectLockRetainUntilDate: '2030-01-01T00:00:00.000Z',
        ReplicationStatus: 'FAILED',
        VersionId: 'v1',
      },
    });
    expect(calls.find((call) => call.command === 'GetBucketPolicy')).toEqual({
      service: 'S3',
      command: 'GetBucketPolicy',
      input: { Bucket: DESTINATION_BUCKET },
      error: { name: 'AccessDenied', message: 'Access Denied', httpStatusCode: 403 },
    });
  });

  it('never records credentials', async () => {
    const credentials = { AccessKeyId: 'ASIA', SecretAccessKey: 'planted-secret', SessionToken: 't' };
    const inner: AwsCaller = {
      send: async (_service, command) =>
        command === 'GetCallerIdentity' ? { Account: SOURCE_ACCOUNT } : { Credentials: credentials },
    };
    const recorder = createRecordingCaller(inner);

    await recorder.send('STS', 'AssumeRole', { RoleArn: ROLE_ARN, RoleSessionName: 's' });
    await recorder.send('STS', 'GetSessionToken', {});
    await recorder.send('STS', 'SomeFutureTokenCommand', {});
    await recorder.send('STS', 'GetCallerIdentity', {});

    expect(JSON.stringify(recorder.snapshot())).not.toContain('planted-secret');
    expect(recorder.snapshot().calls.map((call) => call.command)).toEqual(['GetCallerIdentity']);
  });

  it('records each identical call once, with the latest answer', async () => {
    let status = 'Suspended';
    const recorder = createRecordingCaller({ send: async () => ({ Status: status }) });

    await recorder.send('S3', 'GetBucketVersioning', { Bucket: SOURCE_BUCKET });
    status = 'Enabled';
    await recorder.send('S3', 'GetBucketVersioning', {
      Bucket: SOURCE_BUCKET,
      ExpectedBucketOwner: undefined,
    });

    expect(recorder.snapshot().calls).toEqual([
      answer('S3', 'GetBucketVersioning', { Bucket: SOURCE_BUCKET }, { Status: 'Enabled' }),
    ]);
  });

  it('does not record throttling or outages, which are not answers of the account', async () => {
    const errors = [sdkError('ThrottlingException', 400), sdkError('InternalError', 500)];
    const recorder = createRecordingCaller({
      send: async () => {
        const error = errors.shift();
        if (error) throw error;
        return { Status: 'Enabled' };
      },
    });
    const reads = createReads(recorder, { sleep: recordingSleep().sleep });

    await reads.getBucketVersioning(SOURCE_BUCKET, 'source');

    expect(recorder.snapshot().calls).toEqual([
      answer('S3', 'GetBucketVersioning', { Bucket: SOURCE_BUCKET }, { Status: 'Enabled' }),
    ]);
  });

  it('does not turn a replay gap into a record', async () => {
    const recorder = createRecordingCaller(createReplayCaller(snapshotOf()));

    await expect(recorder.send('S3', 'GetBucketPolicy', { Bucket: SOURCE_BUCKET })).rejects.toMatchObject({
      name: 'NotRecorded',
    });
    expect(recorder.snapshot().calls).toEqual([]);
  });

  it('orders later pages before the first so that replay does not answer page 2 with page 1', async () => {
    const recorder = createRecordingCaller({
      send: async (_service, _command, input) =>
        input.Marker
          ? { PolicyNames: ['B'], IsTruncated: false }
          : { PolicyNames: ['A'], IsTruncated: true, Marker: 'm' },
    });
    await createReads(recorder)
      .getRoleInlinePolicies(ROLE_NAME)
      .catch(() => undefined);

    const lists = recorder.snapshot().calls.filter((call) => call.command === 'ListRolePolicies');

    expect(lists.map((call) => call.input)).toEqual([
      { RoleName: ROLE_NAME, Marker: 'm' },
      { RoleName: ROLE_NAME },
    ]);
  });

  it('names a region only where regions gave different answers', async () => {
    const recorder = createRecordingCaller({
      send: async (_service, command, _input, options) =>
        command === 'DescribeKey'
          ? { KeyMetadata: { KeyId: `aws-s3-${options?.region}` } }
          : { Status: 'Enabled' },
    });

    await recorder.send('KMS', 'DescribeKey', { KeyId: 'alias/aws/s3' }, { region: 'us-east-1' });
    await recorder.send('KMS', 'DescribeKey', { KeyId: 'alias/aws/s3' }, { region: 'eu-west-1' });
    await recorder.send('S3', 'GetBucketVersioning', { Bucket: SOURCE_BUCKET }, { region: 'us-east-1' });
    await recorder.send('S3', 'GetBucketVersioning', { Bucket: SOURCE_BUCKET }, { region: 'eu-west-1' });
    const snapshot = recorder.snapshot();
    const replay = createReplayCaller(snapshot);

    expect(snapshot.calls.map((call) => [call.command, call.region])).toEqual([
      ['DescribeKey', 'us-east-1'],
      ['DescribeKey', 'eu-west-1'],
      ['GetBucketVersioning', undefined],
    ]);
    expect(
      await replay.send('KMS', 'DescribeKey', { KeyId: 'alias/aws/s3' }, { region: 'eu-west-1' }),
    ).toEqual({
      KeyMetadata: { KeyId: 'aws-s3-eu-west-1' },
    });
  });
});
