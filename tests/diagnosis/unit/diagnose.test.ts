import { describe, expect, it } from 'vitest';
import { CHECK_NAMES } from '../../../shared/diagnosis/check-names.js';
import { diagnose } from '../../../shared/diagnosis/diagnose.js';
import { LOCATIONS, PROBLEMS } from '../../../shared/diagnosis/types.js';
import {
  DESTINATION_BUCKET,
  OBJECT_KEY,
  OBJECT_VERSION_ID,
  RULE_ID,
  SOURCE_BUCKET,
} from '../../support/seed-setup.js';
import {
  causeKinds,
  denied,
  fakeReads,
  notFound,
  ok,
  rolePolicyWith,
  seedFailure,
  seedWorld,
  type World,
} from './fake-reads.js';

const shapes = causeKinds;

describe('diagnose', () => {
  it('answers with the contract’s failure block, decoded key and bucket name', async () => {
    const diagnosis = await diagnose(
      seedFailure({ failureReason: 'DstBucketUnversioned' }),
      fakeReads(seedWorld()),
    );
    expect(diagnosis.failure).toEqual({
      eventName: 'Replication:OperationFailedReplication',
      sourceBucket: SOURCE_BUCKET,
      key: OBJECT_KEY,
      versionId: OBJECT_VERSION_ID,
      ruleId: RULE_ID,
      destinationBucket: DESTINATION_BUCKET,
      failureReason: 'DstBucketUnversioned',
    });
    expect(diagnosis.checks).toEqual([
      'replication-configuration',
      'source-versioning',
      'destination-bucket',
    ]);
  });

  it('runs every check for an unknown code and uses only contract locations and problems', async () => {
    const world = seedWorld();
    world.versioning.destination = ok('Suspended');
    world.organization = ok({ Id: 'o-abc123' });
    const diagnosis = await diagnose(seedFailure({ failureReason: 'DstSomethingNew' }), fakeReads(world));
    expect(diagnosis.checks).toEqual([...CHECK_NAMES]);
    expect(shapes(diagnosis)).toEqual(['destination-bucket-configuration/versioning-not-enabled']);
    for (const cause of diagnosis.causes) {
      expect(LOCATIONS).toContain(cause.location);
      expect(PROBLEMS).toContain(cause.problem);
      expect([...cause.missingActions].sort()).toEqual(cause.missingActions);
    }
  });

  it('finds no cause and retriggers when every check of the plan passes', async () => {
    const diagnosis = await diagnose(
      seedFailure({ failureReason: 'DstSomethingNew' }),
      fakeReads(seedWorld()),
    );
    expect(diagnosis).toMatchObject({
      verdict: 'no-cause-found',
      action: 'retrigger',
      causes: [],
      inconclusive: [],
    });
  });

  it('reports what it established beside a check it could not run', async () => {
    const world = seedWorld();
    world.versioning.destination = ok('Suspended');
    world.inline = denied();
    const diagnosis = await diagnose(seedFailure({ failureReason: 'DstSomethingNew' }), fakeReads(world));
    expect(diagnosis.verdict).toBe('root-cause-found');
    expect(shapes(diagnosis)).toEqual(['destination-bucket-configuration/versioning-not-enabled']);
    expect(diagnosis.inconclusive.map((i) => i.check)).toEqual(['replication-role-policy']);
  });
});

describe('organization check', () => {
  const permissionFailure = (world: World) =>
    diagnose(seedFailure({ failureReason: 'DstPutObjectNotPermitted' }), fakeReads(world));

  it('suspects an SCP or RCP when every readable policy allows a permission failure in an organization', async () => {
    const world = seedWorld();
    world.organization = ok({ Id: 'o-abc123', MasterAccountId: '111111111111' });
    const diagnosis = await permissionFailure(world);
    expect(diagnosis.causes).toHaveLength(1);
    expect(diagnosis.causes[0]).toMatchObject({
      location: 'organization-policy',
      problem: 'organization-policy-suspected',
      missingActions: ['s3:ReplicateObject'],
    });
    expect(diagnosis.causes[0]?.fix.commands).toEqual([
      'aws organizations list-policies-for-target --target-id 123456789012 --filter SERVICE_CONTROL_POLICY',
      'aws organizations list-policies-for-target --target-id 123456789012 --filter RESOURCE_CONTROL_POLICY',
    ]);
    expect(diagnosis).toMatchObject({ verdict: 'root-cause-found', action: 'notify' });
  });

  it('finds no cause outside an organization', async () => {
    const diagnosis = await permissionFailure(seedWorld());
    expect(diagnosis).toMatchObject({ verdict: 'no-cause-found', action: 'retrigger' });
  });

  it('is inconclusive when DescribeOrganization is denied and everything else passes', async () => {
    const world = seedWorld();
    world.organization = denied();
    const diagnosis = await permissionFailure(world);
    expect(diagnosis.inconclusive.map((i) => i.check)).toEqual(['organization']);
    expect(diagnosis.verdict).toBe('inconclusive');
  });

  it('does not suspect the organization when a readable policy already explains the failure', async () => {
    const world = seedWorld();
    world.organization = ok({ Id: 'o-abc123' });
    world.inline = ok([
      {
        name: 'S3ReplicationPolicy',
        kind: 'inline',
        document: rolePolicyWith('DestinationBucketWriteAccess', undefined),
      },
    ]);
    const reads = fakeReads(world, { delayed: true });
    const diagnosis = await diagnose(seedFailure({ failureReason: 'DstPutObjectNotPermitted' }), reads);
    expect(shapes(diagnosis)).toEqual(['replication-role-policy/action-not-allowed']);
    // Asked for in the first round, so that a clean diagnosis needs no extra round for it.
    expect(reads.calls.find((c) => c.method === 'describeOrganization')?.round).toBe(1);
  });

  it('does not suspect an organization policy for a failure that is not about permissions', async () => {
    const world = seedWorld();
    world.organization = ok({ Id: 'o-abc123' });
    const reads = fakeReads(world);
    const diagnosis = await diagnose(seedFailure({ failureReason: 'DstBucketUnversioned' }), reads);
    expect(diagnosis.verdict).toBe('no-cause-found');
    expect(reads.count('describeOrganization')).toBe(0);
  });
});

describe('benign and status-gated events', () => {
  it('ignores a threshold event that did replicate, reading nothing', async () => {
    const reads = fakeReads(seedWorld());
    const diagnosis = await diagnose(
      seedFailure({ eventName: 'Replication:OperationReplicatedAfterThreshold', failureReason: undefined }),
      reads,
    );
    expect(diagnosis).toMatchObject({
      verdict: 'no-action-needed',
      action: 'ignore',
      causes: [],
      checks: [],
    });
    expect(reads.count()).toBe(0);
  });

  it.each([
    ['COMPLETED', 'has replicated'],
    ['PENDING', 'still pending'],
  ])('calls a missed-threshold object that is %s no action needed, with a note', async (status, words) => {
    const world = seedWorld();
    world.heads[OBJECT_KEY] = ok({ ReplicationStatus: status });
    const diagnosis = await diagnose(
      seedFailure({ eventName: 'Replication:OperationMissedThreshold', failureReason: undefined }),
      fakeReads(world),
    );
    expect(diagnosis).toMatchObject({ verdict: 'no-action-needed', action: 'ignore', checks: ['object'] });
    expect(diagnosis.notes?.[0]).toContain(words);
  });

  it('runs every check for a not-tracked object whose replication FAILED', async () => {
    const world = seedWorld();
    world.versioning.destination = ok('Suspended');
    const diagnosis = await diagnose(
      seedFailure({ eventName: 'Replication:OperationNotTracked', failureReason: undefined }),
      fakeReads(world),
    );
    expect(diagnosis.checks).toEqual([...CHECK_NAMES]);
    expect(shapes(diagnosis)).toEqual(['destination-bucket-configuration/versioning-not-enabled']);
  });

  it('ignores SrcReplicationNotPending unless the object says FAILED', async () => {
    const world = seedWorld();
    world.heads[OBJECT_KEY] = ok({ ReplicationStatus: 'COMPLETED' });
    const ignored = await diagnose(
      seedFailure({ failureReason: 'SrcReplicationNotPending' }),
      fakeReads(world),
    );
    expect(ignored).toMatchObject({ verdict: 'no-action-needed', action: 'ignore', causes: [] });

    world.heads[OBJECT_KEY] = ok({ ReplicationStatus: 'FAILED' });
    world.versioning.destination = ok('Suspended');
    const failed = await diagnose(
      seedFailure({ failureReason: 'SrcReplicationNotPending' }),
      fakeReads(world),
    );
    expect(failed.verdict).toBe('root-cause-found');
    expect(failed.notes).toContain('HeadObject says the replication FAILED, so every check ran.');
  });

  it('keeps SrcReplicationNotPending benign when HeadObject is denied, but names what was not verified', async () => {
    const world = seedWorld();
    world.heads[OBJECT_KEY] = denied();
    const diagnosis = await diagnose(
      seedFailure({ failureReason: 'SrcReplicationNotPending' }),
      fakeReads(world),
    );
    expect(diagnosis).toMatchObject({ verdict: 'no-action-needed', action: 'ignore' });
    expect(diagnosis.inconclusive.map((i) => i.check)).toEqual(['object']);
  });

  it('is inconclusive about a missed threshold when HeadObject is denied', async () => {
    const world = seedWorld();
    world.heads[OBJECT_KEY] = denied();
    const diagnosis = await diagnose(
      seedFailure({ eventName: 'Replication:OperationMissedThreshold', failureReason: undefined }),
      fakeReads(world),
    );
    expect(diagnosis).toMatchObject({ verdict: 'inconclusive', action: 'notify' });
  });

  it('ignores a threshold event for an object that is gone', async () => {
    const world = seedWorld();
    world.heads[OBJECT_KEY] = notFound();
    const diagnosis = await diagnose(
      seedFailure({ eventName: 'Replication:OperationNotTracked', failureReason: undefined }),
      fakeReads(world),
    );
    expect(diagnosis).toMatchObject({ verdict: 'no-action-needed', action: 'ignore' });
  });
});

describe('Batch Replication failure reasons', () => {
  it.each([
    ['InitiateReplicationNotPermitted', 's3:InitiateReplication'],
    ['SrcBucketInvalidRegion', 'Region'],
    ['DstBucketInvalidRegion', 'Region'],
  ])('explains %s as a Batch Replication job setting', async (code, words) => {
    const diagnosis = await diagnose(seedFailure({ failureReason: code }), fakeReads(seedWorld()));
    expect(shapes(diagnosis)).toEqual(['source-bucket-configuration/unknown']);
    expect(diagnosis.causes[0]?.summary).toContain('Batch Replication job');
    expect(diagnosis.causes[0]?.summary).toContain(words);
    expect(diagnosis.causes[0]?.fix.commands).toEqual([
      'aws s3control list-jobs --account-id 123456789012 --region us-east-1',
    ]);
    expect(diagnosis).toMatchObject({ verdict: 'root-cause-found', action: 'notify' });
  });

  it('gives the batch role the statement it lacks', async () => {
    const diagnosis = await diagnose(
      seedFailure({ failureReason: 'InitiateReplicationNotPermitted' }),
      fakeReads(seedWorld()),
    );
    expect(diagnosis.causes[0]?.fix.policyStatement).toEqual({
      Sid: 'AllowInitiateReplication',
      Effect: 'Allow',
      Action: ['s3:InitiateReplication'],
      Resource: [`arn:aws:s3:::${SOURCE_BUCKET}/*`],
    });
  });
});
