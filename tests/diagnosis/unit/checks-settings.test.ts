import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../shared/diagnosis/diagnose.js';
import { TransientReadError } from '../../../shared/diagnosis/reads.js';
import type { Diagnosis } from '../../../shared/diagnosis/types.js';
import { DESTINATION_BUCKET, ROLE_ARN, SOURCE_BUCKET } from '../../support/seed-setup.js';
import {
  causeKinds,
  configOf,
  denied,
  fakeReads,
  notFound,
  ok,
  ruleOf,
  seedFailure,
  seedWorld,
  type World,
} from './fake-reads.js';

const run = (world: World, failureReason?: string): Promise<Diagnosis> =>
  diagnose(seedFailure({ failureReason }), fakeReads(world));

const shapes = causeKinds;

describe('replication-configuration check', () => {
  it('reports a missing replication configuration', async () => {
    const world = seedWorld();
    world.replication = ok(null);
    const diagnosis = await run(world, 'SrcBucketReplicationConfigMissing');
    expect(shapes(diagnosis)).toEqual(['source-bucket-configuration/replication-configuration-missing']);
    expect(diagnosis.causes[0]?.fix.commands[0]).toContain(
      `put-bucket-replication --bucket ${SOURCE_BUCKET}`,
    );
    expect(diagnosis).toMatchObject({ verdict: 'root-cause-found', action: 'notify' });
  });

  it('says the rule is gone when the configuration no longer has the event’s rule', async () => {
    const world = seedWorld();
    ruleOf(world).ID = 'another-rule';
    const diagnosis = await run(world, 'SrcBucketReplicationConfigMissing');
    expect(shapes(diagnosis)).toEqual(['source-bucket-configuration/replication-configuration-missing']);
    expect(diagnosis.causes[0]?.summary).toContain('DR-Replication-Rule is gone');
    expect(diagnosis.causes[0]?.evidence).toEqual(['rules in the configuration: another-rule']);
  });

  it('reports a disabled rule with the get/edit/put commands', async () => {
    const world = seedWorld();
    ruleOf(world).Status = 'Disabled';
    const diagnosis = await run(world, 'DstBucketUnversioned');
    expect(shapes(diagnosis)).toEqual(['source-bucket-configuration/rule-disabled']);
    expect(diagnosis.causes[0]?.fix.commands).toEqual([
      `aws s3api get-bucket-replication --bucket ${SOURCE_BUCKET} --query ReplicationConfiguration --output json > replication.json`,
      `aws s3api put-bucket-replication --bucket ${SOURCE_BUCKET} --replication-configuration file://replication.json`,
    ]);
  });

  it('reports a source bucket that no longer exists once, though two checks see it', async () => {
    const world = seedWorld();
    world.replication = notFound('NoSuchBucket');
    world.versioning.source = notFound('NoSuchBucket');
    const diagnosis = await run(world, 'SrcBucketNotFound');
    expect(shapes(diagnosis)).toEqual(['source-bucket-configuration/bucket-not-found']);
  });

  it('is inconclusive, never a cause, when the configuration cannot be read', async () => {
    const world = seedWorld();
    world.replication = denied('AccessDenied: not authorized');
    const diagnosis = await run(world, 'SrcBucketReplicationConfigMissing');
    expect(diagnosis.causes).toEqual([]);
    expect(diagnosis).toMatchObject({ verdict: 'inconclusive', action: 'notify' });
    expect(diagnosis.inconclusive).toEqual([
      {
        check: 'replication-configuration',
        why: `s3:GetReplicationConfiguration on ${SOURCE_BUCKET} was denied to the diagnoser (AccessDenied: not authorized)`,
      },
    ]);
  });

  it('propagates a transient read error instead of making a verdict', async () => {
    const reads = fakeReads(seedWorld(), { transient: (method) => method === 'getBucketReplication' });
    await expect(
      diagnose(seedFailure({ failureReason: 'DstBucketUnversioned' }), reads),
    ).rejects.toBeInstanceOf(TransientReadError);
  });

  it('notes a rule that now points at another destination', async () => {
    const world = seedWorld();
    ruleOf(world).Destination.Bucket = 'arn:aws:s3:::elsewhere';
    const diagnosis = await run(world, 'DstBucketUnversioned');
    expect(diagnosis.notes).toContain(
      `The rule DR-Replication-Rule now replicates to elsewhere, not to ${DESTINATION_BUCKET} as when the event was sent.`,
    );
  });
});

describe('source-versioning check', () => {
  it.each([
    ['Suspended', 'suspended'],
    [null, 'not enabled'],
  ] as const)('reports source versioning %s', async (status, words) => {
    const world = seedWorld();
    world.versioning.source = ok(status);
    const diagnosis = await run(world, 'DstBucketUnversioned');
    expect(shapes(diagnosis)).toEqual(['source-bucket-configuration/versioning-not-enabled']);
    expect(diagnosis.causes[0]?.summary).toContain(words);
    expect(diagnosis.causes[0]?.fix.commands).toEqual([
      `aws s3api put-bucket-versioning --bucket ${SOURCE_BUCKET} --versioning-configuration Status=Enabled`,
    ]);
  });

  it('is inconclusive when versioning cannot be read', async () => {
    const world = seedWorld();
    world.versioning.source = denied();
    const diagnosis = await run(world, 'SrcBucketNotFound');
    expect(diagnosis.inconclusive.map((i) => i.check)).toEqual(['source-versioning']);
  });
});

describe('replication-role check', () => {
  it('reports a role that does not exist, by its name from the ARN', async () => {
    const world = seedWorld();
    world.role = notFound('NoSuchEntity');
    const reads = fakeReads(world);
    const diagnosis = await diagnose(seedFailure({ failureReason: 'AssumeRoleNotPermitted' }), reads);
    expect(shapes(diagnosis)).toEqual(['replication-role/role-not-found']);
    expect(diagnosis.causes[0]).toMatchObject({ principal: ROLE_ARN, resource: ROLE_ARN });
    expect(reads.calls.find((c) => c.method === 'getRole')?.args).toEqual(['S3ReplicationRole']);
  });

  it('takes the role name from the last segment of a role ARN with a path', async () => {
    const world = seedWorld();
    configOf(world).Role = 'arn:aws:iam::123456789012:role/service/s3/Replicator';
    const reads = fakeReads(world);
    await diagnose(seedFailure({ failureReason: 'AssumeRoleNotPermitted' }), reads);
    expect(reads.calls.find((c) => c.method === 'getRole')?.args).toEqual(['Replicator']);
  });

  it('reports a trust policy that does not let S3 assume the role, with the trust statement as fix', async () => {
    const world = seedWorld();
    world.role = ok({
      Arn: ROLE_ARN,
      RoleName: 'S3ReplicationRole',
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      },
    });
    const diagnosis = await run(world, 'AssumeRoleNotPermitted');
    expect(shapes(diagnosis)).toEqual(['replication-role/trust-policy-does-not-allow-s3']);
    expect(diagnosis.causes[0]?.fix).toEqual({
      summary: expect.stringContaining('s3.amazonaws.com'),
      policyStatement: {
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Action: 'sts:AssumeRole',
      },
      commands: [
        'aws iam update-assume-role-policy --role-name S3ReplicationRole --policy-document file://trust-policy.json',
      ],
    });
  });

  it('reads only the role for AssumeRoleNotPermitted, not its policies', async () => {
    const reads = fakeReads(seedWorld());
    const diagnosis = await diagnose(seedFailure({ failureReason: 'AssumeRoleNotPermitted' }), reads);
    expect(diagnosis).toMatchObject({ verdict: 'no-cause-found', action: 'retrigger' });
    expect(reads.count('getRoleInlinePolicies')).toBe(0);
    expect(reads.count('headObject')).toBe(0);
  });

  it('is inconclusive when GetRole is denied, never "role not found"', async () => {
    const world = seedWorld();
    world.role = denied();
    const diagnosis = await run(world, 'AssumeRoleNotPermitted');
    expect(diagnosis.causes).toEqual([]);
    expect(diagnosis.inconclusive[0]).toMatchObject({ check: 'replication-role' });
    expect(diagnosis.inconclusive[0]?.why).toContain('iam:GetRole on S3ReplicationRole was denied');
  });
});

describe('destination-bucket check', () => {
  it('reports suspended destination versioning', async () => {
    const world = seedWorld();
    world.versioning.destination = ok('Suspended');
    const diagnosis = await run(world, 'DstBucketUnversioned');
    expect(shapes(diagnosis)).toEqual(['destination-bucket-configuration/versioning-not-enabled']);
    expect(diagnosis.causes[0]?.fix.commands).toEqual([
      `aws s3api put-bucket-versioning --bucket ${DESTINATION_BUCKET} --versioning-configuration Status=Enabled`,
    ]);
  });

  it('reports a destination bucket that does not exist', async () => {
    const world = seedWorld();
    world.versioning.destination = notFound('NoSuchBucket');
    world.objectLock.destination = notFound('NoSuchBucket');
    const diagnosis = await run(world, 'DstBucketNotFound');
    expect(shapes(diagnosis)).toEqual(['destination-bucket-configuration/bucket-not-found']);
  });

  it('reports Object Lock on the source but not on the destination', async () => {
    const world = seedWorld();
    world.objectLock.source = ok({ ObjectLockEnabled: 'Enabled' });
    const diagnosis = await run(world, 'DstBucketObjectLockConfigMissing');
    expect(shapes(diagnosis)).toEqual(['destination-bucket-configuration/object-lock-not-enabled']);
    expect(diagnosis.causes[0]?.fix.commands).toEqual([
      `aws s3api put-object-lock-configuration --bucket ${DESTINATION_BUCKET} --object-lock-configuration ObjectLockEnabled=Enabled`,
    ]);
  });

  it('finds nothing when both buckets have Object Lock', async () => {
    const world = seedWorld();
    world.objectLock.source = ok({ ObjectLockEnabled: 'Enabled' });
    world.objectLock.destination = ok({ ObjectLockEnabled: 'Enabled' });
    expect((await run(world, 'DstBucketObjectLockConfigMissing')).verdict).toBe('no-cause-found');
  });

  it('is inconclusive when the destination lock configuration is unreadable and the source has a lock', async () => {
    const world = seedWorld();
    world.objectLock.source = ok({ ObjectLockEnabled: 'Enabled' });
    world.objectLock.destination = denied();
    const diagnosis = await run(world, 'DstBucketObjectLockConfigMissing');
    expect(diagnosis).toMatchObject({ verdict: 'inconclusive', causes: [] });
  });

  it('reports Requester Pays on a destination in another account', async () => {
    const world = seedWorld();
    ruleOf(world).Destination.Account = '444455556666';
    world.requestPayment.destination = ok('Requester');
    const diagnosis = await run(world, 'DstBucketUnversioned');
    expect(shapes(diagnosis)).toEqual(['destination-bucket-configuration/requester-pays-enabled']);
    expect(diagnosis.causes[0]?.fix.commands).toEqual([
      `aws s3api put-bucket-request-payment --bucket ${DESTINATION_BUCKET} --request-payment-configuration Payer=BucketOwner`,
    ]);
  });

  it('does not read Requester Pays for a same-account destination', async () => {
    const world = seedWorld();
    world.requestPayment.destination = ok('Requester');
    const reads = fakeReads(world);
    const diagnosis = await diagnose(seedFailure({ failureReason: 'DstBucketUnversioned' }), reads);
    expect(diagnosis.verdict).toBe('no-cause-found');
    expect(reads.count('getBucketRequestPayment')).toBe(0);
  });

  it('reads no IAM, KMS or object for a destination bucket code', async () => {
    const reads = fakeReads(seedWorld());
    await diagnose(seedFailure({ failureReason: 'DstBucketUnversioned' }), reads);
    const methods = new Set(reads.calls.map((c) => c.method));
    expect([...methods].sort()).toEqual([
      'getBucketReplication',
      'getBucketVersioning',
      'getObjectLockConfiguration',
    ]);
  });
});
