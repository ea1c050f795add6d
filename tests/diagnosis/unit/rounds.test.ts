import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../shared/diagnosis/diagnose.js';
import { FAILURE_REASONS } from '../../../shared/events/failure-reasons.js';
import type { ReplicationEventName } from '../../../shared/events/types.js';
import type { PolicyStatement } from '../../../shared/policy/types.js';
import {
  defaultKeyPolicy,
  REPLICA_KEY_ID,
  ROLE_ARN,
  replicaKeyArn,
  seedCrossAccountBucketPolicy,
} from '../../support/seed-setup.js';
import { fakeReads, ok, ruleOf, seedFailure, type World } from './fake-reads.js';
import { kmsWorld } from './kms-world.js';

const BOUNDARY_ARN = 'arn:aws:iam::123456789012:policy/Boundary';

/** Every feature that adds a dependent read: SSE-KMS both sides, a boundary, a cross-account destination
 * with owner override and a tag filter, an organization; and every policy allowing, so every check runs. */
function deepestWorld(): World {
  const world = kmsWorld();
  const rule = ruleOf(world);
  const foreignKey = replicaKeyArn('444455556666');
  rule.Destination.Account = '444455556666';
  rule.Destination.AccessControlTranslation = { Owner: 'Destination' };
  rule.Destination.EncryptionConfiguration = { ReplicaKmsKeyID: foreignKey };
  rule.Filter = { And: { Prefix: '', Tags: [{ Key: 'replicate', Value: 'yes' }] } };
  rule.DeleteMarkerReplication = { Status: 'Disabled' };
  world.tagging['finance/2024/q3 report.pdf'] = ok([{ Key: 'replicate', Value: 'yes' }]);
  world.policy.destination = ok(seedCrossAccountBucketPolicy());
  world.ownership.destination = ok({ Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] });
  world.keys[foreignKey] = ok({
    KeyId: REPLICA_KEY_ID,
    Arn: foreignKey,
    AWSAccountId: '444455556666',
    KeyState: 'Enabled',
  });
  world.keyPolicies[foreignKey] = ok({
    Version: '2012-10-17',
    Statement: [
      ...(defaultKeyPolicy('444455556666').Statement as PolicyStatement[]),
      {
        Effect: 'Allow',
        Principal: { AWS: ROLE_ARN },
        Action: ['kms:Encrypt', 'kms:GenerateDataKey'],
        Resource: '*',
      },
    ],
  });
  world.inline = ok([
    {
      name: 'S3ReplicationPolicy',
      kind: 'inline',
      document: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 's3:*', Resource: '*' },
          { Effect: 'Allow', Action: 'kms:*', Resource: '*' },
        ],
      },
    },
  ]);
  if (world.role.status === 'ok')
    world.role = ok({ ...world.role.value, PermissionsBoundaryArn: BOUNDARY_ARN });
  world.managed[BOUNDARY_ARN] = ok({
    name: BOUNDARY_ARN,
    kind: 'managed',
    document: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['s3:*', 'kms:*'], Resource: '*' }],
    },
  });
  world.organization = ok({ Id: 'o-abc123' });
  world.requestPayment.destination = ok('BucketOwner');
  return world;
}

describe('rounds of reads', () => {
  it('needs at most 3 sequential rounds for the deepest diagnosis, every check run', async () => {
    const reads = fakeReads(deepestWorld(), { delayed: true });
    const diagnosis = await diagnose(seedFailure({ failureReason: 'SomethingNew' }), reads);
    // Everything allows, the account is in an organization: the SCP suspicion proves every check ran.
    expect(diagnosis.causes.map((c) => c.location)).toEqual(['organization-policy']);
    expect(reads.rounds()).toBeLessThanOrEqual(3);
  });

  it('reads the configuration, the object and both buckets in the first round', async () => {
    const reads = fakeReads(deepestWorld(), { delayed: true });
    await diagnose(seedFailure({ failureReason: 'SomethingNew' }), reads);
    const first = new Set(reads.calls.filter((c) => c.round === 1).map((c) => c.method));
    for (const method of [
      'getBucketReplication',
      'headObject',
      'getBucketPolicy',
      'getBucketVersioning',
      'getObjectAcl',
    ]) {
      expect(first, method).toContain(method);
    }
    const second = new Set(reads.calls.filter((c) => c.round === 2).map((c) => c.method));
    for (const method of ['getRole', 'getRoleInlinePolicies', 'getRoleAttachedPolicies', 'describeKey']) {
      expect(second, method).toContain(method);
    }
  });

  it('reads the permissions boundary beside the role policies, not after them', async () => {
    // In the real reads layer, inline policies are a list then a get each: two calls in a row.
    const reads = fakeReads(deepestWorld(), {
      delayed: true,
      twoStep: new Set(['getRoleInlinePolicies', 'getRoleAttachedPolicies']),
    });
    await diagnose(seedFailure({ failureReason: 'SomethingNew' }), reads);
    expect(reads.calls.find((c) => c.method === 'getManagedPolicy')?.round).toBe(3);
    expect(reads.rounds()).toBe(3);
  });

  it('never reads the same thing twice in one diagnosis', async () => {
    const reads = fakeReads(deepestWorld());
    await diagnose(seedFailure({ failureReason: 'SomethingNew' }), reads);
    const seen = reads.calls.map((c) => JSON.stringify([c.method, c.args]));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it.each(Object.keys(FAILURE_REASONS))(
    'stays within 3 rounds for %s (4 with a status read first)',
    async (code) => {
      const reads = fakeReads(deepestWorld(), { delayed: true });
      await diagnose(seedFailure({ failureReason: code }), reads);
      expect(reads.rounds()).toBeLessThanOrEqual(code === 'SrcReplicationNotPending' ? 4 : 3);
    },
  );

  it.each([
    'Replication:OperationMissedThreshold',
    'Replication:OperationNotTracked',
  ] as ReplicationEventName[])(
    'stays within 4 rounds for a FAILED %s, the status read included',
    async (eventName) => {
      const reads = fakeReads(deepestWorld(), { delayed: true });
      const diagnosis = await diagnose(seedFailure({ eventName, failureReason: undefined }), reads);
      expect(diagnosis.causes.map((c) => c.location)).toEqual(['organization-policy']);
      expect(reads.rounds()).toBeLessThanOrEqual(4);
    },
  );
});
