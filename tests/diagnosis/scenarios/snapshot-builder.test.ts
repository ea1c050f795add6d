/**
 * The builder's snapshots, read back through the project's own snapshot replay (`snapshotReads`): what the
 * builder models is what a diagnosis reads, so the scenario fixtures mean what their descriptions say.
 */
import { describe, expect, it } from 'vitest';
import { parseSnapshot, snapshotReads } from '../../../shared/aws/index.js';
import {
  DESTINATION_BUCKET,
  OBJECT_KEY,
  OBJECT_VERSION_ID,
  ROLE_ARN,
  ROLE_NAME,
  ROLE_POLICY_NAME,
  SOURCE_BUCKET,
  SOURCE_KEY_ARN,
  seedReplicationConfiguration,
  seedRolePolicy,
  seedTrustPolicy,
} from '../../support/seed-setup.js';
import { type SnapshotBuilder, seedSnapshot } from '../../support/snapshot-builder.js';

const readsOf = (builder: SnapshotBuilder) => snapshotReads(parseSnapshot(builder.build('builder test')));

describe('the seed snapshot', () => {
  it('replays the guide’s role, trust policy and inline policy, decoded', async () => {
    const reads = readsOf(seedSnapshot());

    const role = await reads.getRole(ROLE_NAME);
    const inline = await reads.getRoleInlinePolicies(ROLE_NAME);

    expect(role).toEqual({
      status: 'ok',
      value: { Arn: ROLE_ARN, RoleName: ROLE_NAME, AssumeRolePolicyDocument: seedTrustPolicy() },
    });
    expect(inline).toEqual({
      status: 'ok',
      value: [{ name: ROLE_POLICY_NAME, kind: 'inline', document: seedRolePolicy() }],
    });
  });

  it('replays the guide’s replication rule, both buckets versioned, the destination in eu-west-1', async () => {
    const reads = readsOf(seedSnapshot());

    expect(await reads.getBucketReplication(SOURCE_BUCKET)).toEqual({
      status: 'ok',
      value: seedReplicationConfiguration(),
    });
    expect(await reads.getBucketVersioning(SOURCE_BUCKET, 'source')).toEqual({
      status: 'ok',
      value: 'Enabled',
    });
    expect(await reads.getBucketVersioning(DESTINATION_BUCKET, 'destination')).toEqual({
      status: 'ok',
      value: 'Enabled',
    });
    expect(await reads.getBucketRegion(SOURCE_BUCKET, 'source')).toEqual({
      status: 'ok',
      value: 'us-east-1',
    });
    expect(await reads.getBucketRegion(DESTINATION_BUCKET, 'destination')).toEqual({
      status: 'ok',
      value: 'eu-west-1',
    });
    expect(await reads.getBucketPolicy(DESTINATION_BUCKET, 'destination')).toEqual({
      status: 'ok',
      value: null,
    });
    expect((await reads.describeOrganization()).status).toBe('not-found');
  });

  it('has metrics enabled on the rule, which failure events need', () => {
    expect(seedReplicationConfiguration().Rules[0]?.Destination.Metrics).toEqual({ Status: 'Enabled' });
  });
});

describe('variations', () => {
  it('makes the destination cross-account with the guide’s bucket policy', async () => {
    const reads = readsOf(seedSnapshot().crossAccount());

    const policy = await reads.getBucketPolicy(DESTINATION_BUCKET, 'destination');
    const replication = await reads.getBucketReplication(SOURCE_BUCKET);

    expect(JSON.stringify(policy)).toContain('AllowCrossAccountReplication');
    expect(replication.status === 'ok' && replication.value?.Rules[0]?.Destination.Account).toBe(
      '444455556666',
    );
  });

  it('requires crossAccount() before sseKms(), since the replica key belongs to the destination account', () => {
    expect(() => seedSnapshot().sseKms().crossAccount()).toThrow(/before sseKms/);
  });

  it('encrypts the object with the source key and names the replica key in the rule', async () => {
    const reads = readsOf(seedSnapshot().crossAccount().sseKms());

    const head = await reads.headObject(SOURCE_BUCKET, OBJECT_KEY, OBJECT_VERSION_ID);
    const key = await reads.describeKey(SOURCE_KEY_ARN);

    expect(head).toMatchObject({
      status: 'ok',
      value: { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: SOURCE_KEY_ARN },
    });
    expect(key).toMatchObject({
      status: 'ok',
      value: { Arn: SOURCE_KEY_ARN, KeyState: 'Enabled', KeyManager: 'CUSTOMER' },
    });
  });

  it('answers a denied read with AccessDenied, which the replay reads as denied', async () => {
    const builder = seedSnapshot().denyRead('S3', 'GetBucketPolicy', { Bucket: DESTINATION_BUCKET });
    const record = builder
      .build('x')
      .calls.find((call) => call.command === 'GetBucketPolicy' && call.input.Bucket === DESTINATION_BUCKET);

    expect(record?.error).toEqual({ name: 'AccessDenied', message: 'Access Denied', httpStatusCode: 403 });
    expect((await readsOf(builder).getBucketPolicy(DESTINATION_BUCKET, 'destination')).status).toBe('denied');
    expect((await readsOf(builder).getBucketPolicy(SOURCE_BUCKET, 'source')).status).toBe('ok');
  });

  it('leaves an omitted read out of the snapshot, which the replay answers NotRecorded', async () => {
    const builder = seedSnapshot().omitRead('IAM', 'GetRole');

    expect(builder.build('x').calls.some((call) => call.command === 'GetRole')).toBe(false);
    expect(await readsOf(builder).getRole(ROLE_NAME)).toMatchObject({ status: 'denied' });
  });

  it('names a missing role with NoSuchEntity, which the replay reads as not found', async () => {
    expect((await readsOf(seedSnapshot().roleMissing()).getRole(ROLE_NAME)).status).toBe('not-found');
  });

  it('answers HeadObject on a delete marker with a bodiless 405', async () => {
    const head = await readsOf(seedSnapshot().objectIsDeleteMarker()).headObject(
      SOURCE_BUCKET,
      OBJECT_KEY,
      OBJECT_VERSION_ID,
    );

    expect(head).toMatchObject({ status: 'ok', value: { DeleteMarker: true } });
  });
});
