import { describe, expect, it } from 'vitest';
import { createReads, createReplayCaller, snapshotReads } from '../../shared/aws/index.js';
import {
  answer,
  DESTINATION_ACCOUNT,
  DESTINATION_BUCKET,
  DESTINATION_KEY_ARN,
  DESTINATION_REGION,
  failure,
  INLINE_POLICY_NAME,
  iamEncoded,
  REPLICATION_POLICY,
  ROLE_ARN,
  ROLE_NAME,
  SOURCE_ACCOUNT,
  SOURCE_BUCKET,
  SOURCE_KEY_ARN,
  SOURCE_REGION,
  snapshotOf,
  spyCaller,
  TRUST_POLICY,
} from './seed.js';

const BOUNDARY_ARN = `arn:aws:iam::${SOURCE_ACCOUNT}:policy/ReplicationBoundary`;
const MANAGED_ARN = `arn:aws:iam::${SOURCE_ACCOUNT}:policy/ExtraReplication`;
const identity = answer(
  'STS',
  'GetCallerIdentity',
  {},
  { Account: SOURCE_ACCOUNT, Arn: `${ROLE_ARN}/diagnoser` },
);

describe('IAM reads', () => {
  it('decodes the URL-encoded trust policy and names the permissions boundary', async () => {
    const reads = snapshotReads(
      snapshotOf(
        answer(
          'IAM',
          'GetRole',
          { RoleName: ROLE_NAME },
          {
            Role: {
              Arn: ROLE_ARN,
              RoleName: ROLE_NAME,
              AssumeRolePolicyDocument: iamEncoded(TRUST_POLICY),
              PermissionsBoundary: {
                PermissionsBoundaryType: 'Policy',
                PermissionsBoundaryArn: BOUNDARY_ARN,
              },
              CreateDate: '2024-01-01T00:00:00Z',
            },
          },
        ),
      ),
    );

    expect(await reads.getRole(ROLE_NAME)).toEqual({
      status: 'ok',
      value: {
        Arn: ROLE_ARN,
        RoleName: ROLE_NAME,
        AssumeRolePolicyDocument: TRUST_POLICY,
        PermissionsBoundaryArn: BOUNDARY_ARN,
      },
    });
  });

  it('accepts an IAM document that is already decoded', async () => {
    const reads = snapshotReads(
      snapshotOf(
        answer(
          'IAM',
          'GetRole',
          {},
          { Role: { Arn: ROLE_ARN, AssumeRolePolicyDocument: JSON.stringify(TRUST_POLICY) } },
        ),
      ),
    );

    const read = await reads.getRole(ROLE_NAME);

    expect(read).toMatchObject({
      status: 'ok',
      value: { AssumeRolePolicyDocument: TRUST_POLICY, RoleName: ROLE_NAME },
    });
  });

  it('reports a policy that is not valid JSON as unreadable', async () => {
    const reads = snapshotReads(
      snapshotOf(
        answer(
          'IAM',
          'GetRole',
          {},
          { Role: { Arn: ROLE_ARN, AssumeRolePolicyDocument: '%7B%22Statement' } },
        ),
      ),
    );

    expect(await reads.getRole(ROLE_NAME)).toEqual({
      status: 'denied',
      error: `trust policy of ${ROLE_NAME}: policy is not valid JSON`,
    });
  });

  it('reads every inline policy across pages, decoded', async () => {
    const second = { ...REPLICATION_POLICY, Id: 'second' };
    const spy = spyCaller(
      createReplayCaller(
        snapshotOf(
          answer(
            'IAM',
            'ListRolePolicies',
            { RoleName: ROLE_NAME, Marker: 'page-2' },
            { PolicyNames: ['Second'], IsTruncated: false },
          ),
          answer(
            'IAM',
            'ListRolePolicies',
            { RoleName: ROLE_NAME },
            {
              PolicyNames: [INLINE_POLICY_NAME],
              IsTruncated: true,
              Marker: 'page-2',
            },
          ),
          answer(
            'IAM',
            'GetRolePolicy',
            { RoleName: ROLE_NAME, PolicyName: INLINE_POLICY_NAME },
            {
              RoleName: ROLE_NAME,
              PolicyName: INLINE_POLICY_NAME,
              PolicyDocument: iamEncoded(REPLICATION_POLICY),
            },
          ),
          answer(
            'IAM',
            'GetRolePolicy',
            { RoleName: ROLE_NAME, PolicyName: 'Second' },
            { PolicyDocument: iamEncoded(second) },
          ),
        ),
      ),
    );

    const read = await createReads(spy).getRoleInlinePolicies(ROLE_NAME);

    expect(read).toEqual({
      status: 'ok',
      value: [
        { name: INLINE_POLICY_NAME, kind: 'inline', document: REPLICATION_POLICY },
        { name: 'Second', kind: 'inline', document: second },
      ],
    });
    expect(spy.sent.filter((call) => call.command === 'ListRolePolicies').map((call) => call.input)).toEqual([
      { RoleName: ROLE_NAME },
      { RoleName: ROLE_NAME, Marker: 'page-2' },
    ]);
  });

  it('reports the whole inline set as denied when one policy cannot be read', async () => {
    const reads = snapshotReads(
      snapshotOf(
        answer('IAM', 'ListRolePolicies', {}, { PolicyNames: ['A', 'B'], IsTruncated: false }),
        answer(
          'IAM',
          'GetRolePolicy',
          { PolicyName: 'A' },
          { PolicyDocument: iamEncoded(REPLICATION_POLICY) },
        ),
        failure('IAM', 'GetRolePolicy', { PolicyName: 'B' }, 'AccessDenied', 403),
      ),
    );

    expect((await reads.getRoleInlinePolicies(ROLE_NAME)).status).toBe('denied');
  });

  it('leaves out an inline policy deleted between the list and the read', async () => {
    const reads = snapshotReads(
      snapshotOf(
        answer('IAM', 'ListRolePolicies', {}, { PolicyNames: ['A', 'Gone'], IsTruncated: false }),
        answer(
          'IAM',
          'GetRolePolicy',
          { PolicyName: 'A' },
          { PolicyDocument: iamEncoded(REPLICATION_POLICY) },
        ),
        failure('IAM', 'GetRolePolicy', { PolicyName: 'Gone' }, 'NoSuchEntity', 404),
      ),
    );

    const read = await reads.getRoleInlinePolicies(ROLE_NAME);

    expect(read.status === 'ok' && read.value.map((policy) => policy.name)).toEqual(['A']);
  });

  it('reports a missing role as not-found for its policy lists', async () => {
    const reads = snapshotReads(snapshotOf(failure('IAM', 'ListRolePolicies', {}, 'NoSuchEntity', 404)));

    expect((await reads.getRoleInlinePolicies(ROLE_NAME)).status).toBe('not-found');
  });

  it('treats a list whose marker never advances as unreadable instead of looping', async () => {
    const reads = snapshotReads(
      snapshotOf(
        answer('IAM', 'ListRolePolicies', {}, { PolicyNames: ['A'], IsTruncated: true, Marker: 'same' }),
      ),
    );

    expect(await reads.getRoleInlinePolicies(ROLE_NAME)).toEqual({
      status: 'denied',
      error: expect.stringContaining('repeated the page marker'),
    });
  });

  it('reads attached managed policies at their default version across pages, named by ARN', async () => {
    const reads = snapshotReads(
      snapshotOf(
        answer(
          'IAM',
          'ListAttachedRolePolicies',
          { RoleName: ROLE_NAME, Marker: 'm2' },
          {
            AttachedPolicies: [{ PolicyName: 'ExtraReplication', PolicyArn: MANAGED_ARN }],
            IsTruncated: false,
          },
        ),
        answer(
          'IAM',
          'ListAttachedRolePolicies',
          { RoleName: ROLE_NAME },
          {
            AttachedPolicies: [{ PolicyName: 'ReplicationBoundary', PolicyArn: BOUNDARY_ARN }],
            IsTruncated: true,
            Marker: 'm2',
          },
        ),
        answer(
          'IAM',
          'GetPolicy',
          { PolicyArn: BOUNDARY_ARN },
          { Policy: { Arn: BOUNDARY_ARN, DefaultVersionId: 'v3' } },
        ),
        answer(
          'IAM',
          'GetPolicy',
          { PolicyArn: MANAGED_ARN },
          { Policy: { Arn: MANAGED_ARN, DefaultVersionId: 'v1' } },
        ),
        answer(
          'IAM',
          'GetPolicyVersion',
          { PolicyArn: BOUNDARY_ARN, VersionId: 'v3' },
          {
            PolicyVersion: { Document: iamEncoded(TRUST_POLICY), VersionId: 'v3', IsDefaultVersion: true },
          },
        ),
        answer(
          'IAM',
          'GetPolicyVersion',
          { PolicyArn: MANAGED_ARN, VersionId: 'v1' },
          {
            PolicyVersion: { Document: iamEncoded(REPLICATION_POLICY) },
          },
        ),
      ),
    );

    expect(await reads.getRoleAttachedPolicies(ROLE_NAME)).toEqual({
      status: 'ok',
      value: [
        { name: BOUNDARY_ARN, kind: 'managed', document: TRUST_POLICY },
        { name: MANAGED_ARN, kind: 'managed', document: REPLICATION_POLICY },
      ],
    });
  });

  it('reads a permissions boundary as a boundary policy at its default version', async () => {
    const reads = snapshotReads(
      snapshotOf(
        answer('IAM', 'GetPolicy', { PolicyArn: BOUNDARY_ARN }, { Policy: { DefaultVersionId: 'v2' } }),
        answer(
          'IAM',
          'GetPolicyVersion',
          { PolicyArn: BOUNDARY_ARN, VersionId: 'v2' },
          {
            PolicyVersion: { Document: iamEncoded(REPLICATION_POLICY) },
          },
        ),
      ),
    );

    expect(await reads.getManagedPolicy(BOUNDARY_ARN)).toEqual({
      status: 'ok',
      value: { name: BOUNDARY_ARN, kind: 'boundary', document: REPLICATION_POLICY },
    });
  });
});

describe('S3 reads', () => {
  it.each([
    [undefined, 'us-east-1'],
    ['', 'us-east-1'],
    ['EU', 'eu-west-1'],
    ['eu-west-1', 'eu-west-1'],
  ])('normalises the location constraint %j to %s', async (constraint, region) => {
    const output = constraint === undefined ? {} : { LocationConstraint: constraint };
    const reads = snapshotReads(
      snapshotOf(answer('S3', 'GetBucketLocation', { Bucket: SOURCE_BUCKET }, output)),
    );

    expect(await reads.getBucketRegion(SOURCE_BUCKET, 'source')).toEqual({ status: 'ok', value: region });
  });

  it('reads versioning status, or null when never enabled', async () => {
    const reads = snapshotReads(
      snapshotOf(
        answer(
          'S3',
          'GetBucketVersioning',
          { Bucket: SOURCE_BUCKET },
          { Status: 'Enabled', MFADelete: 'Disabled' },
        ),
        answer('S3', 'GetBucketVersioning', { Bucket: DESTINATION_BUCKET }, {}),
      ),
    );

    expect(await reads.getBucketVersioning(SOURCE_BUCKET, 'source')).toEqual({
      status: 'ok',
      value: 'Enabled',
    });
    expect(await reads.getBucketVersioning(DESTINATION_BUCKET, 'destination')).toEqual({
      status: 'ok',
      value: null,
    });
  });

  it('parses the plain-JSON bucket policy', async () => {
    const reads = snapshotReads(
      snapshotOf(
        answer(
          'S3',
          'GetBucketPolicy',
          { Bucket: DESTINATION_BUCKET },
          { Policy: JSON.stringify(REPLICATION_POLICY) },
        ),
      ),
    );

    expect(await reads.getBucketPolicy(DESTINATION_BUCKET, 'destination')).toEqual({
      status: 'ok',
      value: REPLICATION_POLICY,
    });
  });

  it('reports a bucket policy that is not valid JSON as unreadable', async () => {
    const reads = snapshotReads(
      snapshotOf(answer('S3', 'GetBucketPolicy', {}, { Policy: '{"Statement": [' })),
    );

    expect(await reads.getBucketPolicy(DESTINATION_BUCKET, 'destination')).toEqual({
      status: 'denied',
      error: `bucket policy of ${DESTINATION_BUCKET}: policy is not valid JSON`,
    });
  });

  it('reads replication, ownership, Object Lock, encryption and request payment', async () => {
    const replication = {
      Role: ROLE_ARN,
      Rules: [
        {
          ID: 'DR-Replication-Rule',
          Status: 'Enabled',
          Destination: { Bucket: `arn:aws:s3:::${DESTINATION_BUCKET}` },
        },
      ],
    };
    const reads = snapshotReads(
      snapshotOf(
        answer('S3', 'GetBucketReplication', {}, { ReplicationConfiguration: replication }),
        answer(
          'S3',
          'GetBucketOwnershipControls',
          {},
          { OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } },
        ),
        answer(
          'S3',
          'GetObjectLockConfiguration',
          {},
          { ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled' } },
        ),
        answer(
          'S3',
          'GetBucketEncryption',
          {},
          {
            ServerSideEncryptionConfiguration: {
              Rules: [
                {
                  ApplyServerSideEncryptionByDefault: {
                    SSEAlgorithm: 'aws:kms',
                    KMSMasterKeyID: DESTINATION_KEY_ARN,
                  },
                },
              ],
            },
          },
        ),
        answer('S3', 'GetBucketRequestPayment', {}, { Payer: 'Requester' }),
      ),
    );

    expect(await reads.getBucketReplication(SOURCE_BUCKET)).toEqual({ status: 'ok', value: replication });
    expect(await reads.getBucketOwnershipControls(DESTINATION_BUCKET, 'destination')).toEqual({
      status: 'ok',
      value: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    expect(await reads.getObjectLockConfiguration(DESTINATION_BUCKET, 'destination')).toEqual({
      status: 'ok',
      value: { ObjectLockEnabled: 'Enabled' },
    });
    expect(await reads.getBucketEncryption(DESTINATION_BUCKET, 'destination')).toMatchObject({
      status: 'ok',
      value: { Rules: [{ ApplyServerSideEncryptionByDefault: { KMSMasterKeyID: DESTINATION_KEY_ARN } }] },
    });
    expect(await reads.getBucketRequestPayment(DESTINATION_BUCKET, 'destination')).toEqual({
      status: 'ok',
      value: 'Requester',
    });
  });

  it('sends object reads with exactly Bucket, Key and VersionId, leaving out an absent version', async () => {
    const spy = spyCaller(
      createReplayCaller(
        snapshotOf(
          answer('S3', 'HeadObject', {}, {}),
          answer('S3', 'GetObjectTagging', {}, { TagSet: [] }),
          answer('S3', 'GetObjectAcl', {}, {}),
        ),
      ),
    );
    const reads = createReads(spy);

    await reads.headObject(SOURCE_BUCKET, 'photos/a b.jpg', 'v1');
    await reads.getObjectTagging(SOURCE_BUCKET, 'photos/a b.jpg', 'v1');
    await reads.getObjectAcl(SOURCE_BUCKET, 'photos/a b.jpg');

    expect(spy.sent.map((call) => call.input)).toEqual([
      { Bucket: SOURCE_BUCKET, Key: 'photos/a b.jpg', VersionId: 'v1' },
      { Bucket: SOURCE_BUCKET, Key: 'photos/a b.jpg', VersionId: 'v1' },
      { Bucket: SOURCE_BUCKET, Key: 'photos/a b.jpg' },
    ]);
  });

  it('gives the object head with dates as ISO strings', async () => {
    const reads = snapshotReads(
      snapshotOf(
        answer(
          'S3',
          'HeadObject',
          {},
          {
            ReplicationStatus: 'FAILED',
            ServerSideEncryption: 'aws:kms',
            SSEKMSKeyId: SOURCE_KEY_ARN,
            BucketKeyEnabled: true,
            ObjectLockMode: 'GOVERNANCE',
            ObjectLockRetainUntilDate: '2030-01-01T00:00:00Z',
            LastModified: '2024-05-01T10:00:00Z',
            VersionId: 'v1',
            ContentLength: 12,
          },
        ),
      ),
    );

    expect(await reads.headObject(SOURCE_BUCKET, 'k', 'v1')).toEqual({
      status: 'ok',
      value: {
        ReplicationStatus: 'FAILED',
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: SOURCE_KEY_ARN,
        BucketKeyEnabled: true,
        ObjectLockMode: 'GOVERNANCE',
        ObjectLockRetainUntilDate: '2030-01-01T00:00:00.000Z',
        VersionId: 'v1',
        ContentLength: 12,
      },
    });
  });

  it('gives tags and ACL', async () => {
    const acl = {
      Owner: { ID: 'owner-id' },
      Grants: [{ Grantee: { ID: 'owner-id', Type: 'CanonicalUser' }, Permission: 'FULL_CONTROL' }],
    };
    const reads = snapshotReads(
      snapshotOf(
        answer(
          'S3',
          'GetObjectTagging',
          {},
          { TagSet: [{ Key: 'replicate', Value: 'yes' }], VersionId: 'v1' },
        ),
        answer('S3', 'GetObjectAcl', {}, acl),
      ),
    );

    expect(await reads.getObjectTagging(SOURCE_BUCKET, 'k')).toEqual({
      status: 'ok',
      value: [{ Key: 'replicate', Value: 'yes' }],
    });
    expect(await reads.getObjectAcl(SOURCE_BUCKET, 'k')).toEqual({ status: 'ok', value: acl });
  });

  it("gives the bucket's ACL (its owner), and denied when the snapshot does not record it", async () => {
    const acl = { Owner: { ID: 'bucket-owner-id' }, Grants: [] };
    const recorded = snapshotReads(snapshotOf(answer('S3', 'GetBucketAcl', { Bucket: SOURCE_BUCKET }, acl)));
    const unrecorded = snapshotReads(snapshotOf());

    expect(await recorded.getBucketAcl?.(SOURCE_BUCKET, 'source')).toEqual({ status: 'ok', value: acl });
    expect((await unrecorded.getBucketAcl?.(SOURCE_BUCKET, 'source'))?.status).toBe('denied');
  });
});

describe('regions and sides', () => {
  const destinationSnapshot = snapshotOf(
    answer(
      'S3',
      'GetBucketLocation',
      { Bucket: DESTINATION_BUCKET },
      { LocationConstraint: DESTINATION_REGION },
    ),
    answer('S3', 'GetBucketPolicy', {}, { Policy: JSON.stringify(REPLICATION_POLICY) }),
    answer('S3', 'GetBucketVersioning', {}, { Status: 'Enabled' }),
  );

  it('sends destination bucket reads through the destination side, in the bucket region learned once', async () => {
    const spy = spyCaller(createReplayCaller(destinationSnapshot));
    const reads = createReads(spy, { sourceRegion: SOURCE_REGION, cacheTtlMs: 0 });

    await Promise.all([
      reads.getBucketPolicy(DESTINATION_BUCKET, 'destination'),
      reads.getBucketVersioning(DESTINATION_BUCKET, 'destination'),
    ]);
    await reads.getBucketVersioning(DESTINATION_BUCKET, 'destination');

    expect(spy.sent.map((call) => [call.command, call.options])).toEqual([
      ['GetBucketLocation', { region: SOURCE_REGION, side: 'destination' }],
      ['GetBucketPolicy', { region: DESTINATION_REGION, side: 'destination' }],
      ['GetBucketVersioning', { region: DESTINATION_REGION, side: 'destination' }],
      ['GetBucketVersioning', { region: DESTINATION_REGION, side: 'destination' }],
    ]);
  });

  it('still reads a destination bucket when its region cannot be learned', async () => {
    const spy = spyCaller(
      createReplayCaller(snapshotOf(answer('S3', 'GetBucketVersioning', {}, { Status: 'Enabled' }))),
    );
    const reads = createReads(spy);

    expect(await reads.getBucketVersioning(DESTINATION_BUCKET, 'destination')).toEqual({
      status: 'ok',
      value: 'Enabled',
    });
    expect(spy.sent.at(-1)).toMatchObject({
      command: 'GetBucketVersioning',
      options: { side: 'destination' },
    });
  });

  it('sends source bucket reads in the source region without a lookup', async () => {
    const spy = spyCaller(createReplayCaller(destinationSnapshot));
    const reads = createReads(spy, { sourceRegion: SOURCE_REGION });

    await reads.getBucketVersioning(SOURCE_BUCKET, 'source');

    expect(spy.sent).toEqual([
      {
        service: 'S3',
        command: 'GetBucketVersioning',
        input: { Bucket: SOURCE_BUCKET },
        options: { region: SOURCE_REGION },
      },
    ]);
  });

  it('replays without region lookups when no record names a region', async () => {
    const reads = snapshotReads(destinationSnapshot);

    await reads.getBucketPolicy(DESTINATION_BUCKET, 'destination');

    expect(reads.stats().byCommand).toEqual({ GetBucketPolicy: 1 });
  });

  it('replays region-scoped records by looking the destination region up first', async () => {
    const reads = snapshotReads(
      snapshotOf(
        answer('S3', 'GetBucketLocation', { Bucket: DESTINATION_BUCKET }, { LocationConstraint: 'EU' }),
        { ...answer('S3', 'GetBucketVersioning', {}, { Status: 'Enabled' }), region: DESTINATION_REGION },
      ),
    );

    expect(await reads.getBucketVersioning(DESTINATION_BUCKET, 'destination')).toEqual({
      status: 'ok',
      value: 'Enabled',
    });
  });

  it('reads a key of another account through the destination side, in the key region', async () => {
    const spy = spyCaller(
      createReplayCaller(
        snapshotOf(
          identity,
          answer(
            'KMS',
            'DescribeKey',
            {},
            { KeyMetadata: { KeyId: 'k', Arn: DESTINATION_KEY_ARN, KeyState: 'Enabled' } },
          ),
          answer('KMS', 'GetKeyPolicy', {}, { Policy: JSON.stringify(REPLICATION_POLICY) }),
          answer('KMS', 'ListGrants', {}, { Grants: [], Truncated: false }),
        ),
      ),
    );
    const reads = createReads(spy, { sourceRegion: SOURCE_REGION });

    await reads.describeKey(DESTINATION_KEY_ARN);
    await reads.getKeyPolicy(DESTINATION_KEY_ARN);
    await reads.listGrants(DESTINATION_KEY_ARN);

    expect(spy.sent.map((call) => [call.command, call.input, call.options])).toEqual([
      ['GetCallerIdentity', {}, { region: SOURCE_REGION }],
      ['DescribeKey', { KeyId: DESTINATION_KEY_ARN }, { region: DESTINATION_REGION, side: 'destination' }],
      [
        'GetKeyPolicy',
        { KeyId: DESTINATION_KEY_ARN, PolicyName: 'default' },
        { region: DESTINATION_REGION, side: 'destination' },
      ],
      ['ListGrants', { KeyId: DESTINATION_KEY_ARN }, { region: DESTINATION_REGION, side: 'destination' }],
    ]);
  });

  it('reads a key of the source account through the source side', async () => {
    const spy = spyCaller(
      createReplayCaller(
        snapshotOf(answer('KMS', 'DescribeKey', {}, { KeyMetadata: { KeyId: 'k', Arn: SOURCE_KEY_ARN } })),
      ),
    );
    const reads = createReads(spy, { sourceAccount: SOURCE_ACCOUNT });

    await reads.describeKey(SOURCE_KEY_ARN);

    expect(spy.sent).toEqual([
      {
        service: 'KMS',
        command: 'DescribeKey',
        input: { KeyId: SOURCE_KEY_ARN },
        options: { region: SOURCE_REGION },
      },
    ]);
  });

  it('reads a bare key id or alias in the region given', async () => {
    const spy = spyCaller(
      createReplayCaller(
        snapshotOf(answer('KMS', 'DescribeKey', {}, { KeyMetadata: { KeyId: 'k', Arn: SOURCE_KEY_ARN } })),
      ),
    );
    const reads = createReads(spy, { sourceRegion: SOURCE_REGION });

    await reads.describeKey('alias/replica-key', DESTINATION_REGION);
    await reads.describeKey('alias/other');

    expect(spy.sent.map((call) => call.options)).toEqual([
      { region: DESTINATION_REGION },
      { region: SOURCE_REGION },
    ]);
  });

  it('describes a key with its deletion date as an ISO string', async () => {
    const reads = snapshotReads(
      snapshotOf(
        identity,
        answer(
          'KMS',
          'DescribeKey',
          { KeyId: DESTINATION_KEY_ARN },
          {
            KeyMetadata: {
              KeyId: '0987dcba-09fe-87dc-65ba-ab0987654321',
              Arn: DESTINATION_KEY_ARN,
              AWSAccountId: DESTINATION_ACCOUNT,
              KeyState: 'PendingDeletion',
              Enabled: false,
              KeyManager: 'CUSTOMER',
              CreationDate: '2023-01-01T00:00:00Z',
              DeletionDate: '2025-01-08T00:00:00Z',
            },
          },
        ),
      ),
    );

    expect(await reads.describeKey(DESTINATION_KEY_ARN)).toEqual({
      status: 'ok',
      value: {
        KeyId: '0987dcba-09fe-87dc-65ba-ab0987654321',
        Arn: DESTINATION_KEY_ARN,
        AWSAccountId: DESTINATION_ACCOUNT,
        KeyState: 'PendingDeletion',
        Enabled: false,
        KeyManager: 'CUSTOMER',
        DeletionDate: '2025-01-08T00:00:00.000Z',
      },
    });
  });

  it('lists every grant across pages', async () => {
    const grant = (id: string) => ({
      GrantId: id,
      GranteePrincipal: ROLE_ARN,
      Operations: ['Encrypt', 'GenerateDataKey'],
      CreationDate: '2024-01-01T00:00:00Z',
    });
    const reads = snapshotReads(
      snapshotOf(
        identity,
        answer(
          'KMS',
          'ListGrants',
          { KeyId: DESTINATION_KEY_ARN, Marker: 'n2' },
          { Grants: [grant('g2')], Truncated: false },
        ),
        answer(
          'KMS',
          'ListGrants',
          { KeyId: DESTINATION_KEY_ARN },
          { Grants: [grant('g1')], Truncated: true, NextMarker: 'n2' },
        ),
      ),
    );

    expect(await reads.listGrants(DESTINATION_KEY_ARN)).toEqual({
      status: 'ok',
      value: [
        { GrantId: 'g1', GranteePrincipal: ROLE_ARN, Operations: ['Encrypt', 'GenerateDataKey'] },
        { GrantId: 'g2', GranteePrincipal: ROLE_ARN, Operations: ['Encrypt', 'GenerateDataKey'] },
      ],
    });
  });

  it('reads the caller identity and the organization', async () => {
    const reads = snapshotReads(
      snapshotOf(
        identity,
        answer(
          'Organizations',
          'DescribeOrganization',
          {},
          {
            Organization: { Id: 'o-abc123', MasterAccountId: '111111111111', FeatureSet: 'ALL' },
          },
        ),
      ),
    );

    expect(await reads.getCallerIdentity()).toEqual({
      status: 'ok',
      value: { Account: SOURCE_ACCOUNT, Arn: `${ROLE_ARN}/diagnoser` },
    });
    expect(await reads.describeOrganization()).toEqual({
      status: 'ok',
      value: { Id: 'o-abc123', MasterAccountId: '111111111111' },
    });
  });
});
