import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../shared/diagnosis/diagnose.js';
import { TransientReadError } from '../../../shared/diagnosis/reads.js';
import { OBJECT_KEY, SOURCE_CANONICAL_ID } from '../../support/seed-setup.js';
import { fakeReads, ok, seedFailure } from './fake-reads.js';
import { kmsWorld } from './kms-world.js';

const EVERY_READ = [
  'describeKey',
  'describeOrganization',
  'getBucketAcl',
  'getBucketEncryption',
  'getBucketOwnershipControls',
  'getBucketPolicy',
  'getBucketRegion',
  'getBucketReplication',
  'getBucketVersioning',
  'getCallerIdentity',
  'getKeyPolicy',
  'getManagedPolicy',
  'getObjectAcl',
  'getObjectLockConfiguration',
  'getObjectTagging',
  'getRole',
  'getRoleAttachedPolicies',
  'getRoleInlinePolicies',
  'headObject',
  'listGrants',
];

/** Every read a diagnosis can make, all of them reached by an unknown code on this world. */
function everyReadWorld() {
  const world = kmsWorld();
  world.organization = ok({ Id: 'o-abc123' });
  world.ownership.source = ok({ Rules: [{ ObjectOwnership: 'ObjectWriter' }] });
  world.acl[OBJECT_KEY] = ok({ Owner: { ID: SOURCE_CANONICAL_ID } });
  world.bucketAcl = ok({ Owner: { ID: SOURCE_CANONICAL_ID } });
  if (world.role.status === 'ok') {
    world.role = ok({ ...world.role.value, PermissionsBoundaryArn: 'arn:aws:iam::123456789012:policy/B' });
  }
  world.managed['arn:aws:iam::123456789012:policy/B'] = ok({
    name: 'arn:aws:iam::123456789012:policy/B',
    kind: 'managed',
    document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
  });
  return world;
}

describe('transient read errors', () => {
  it('reaches every read of the port on the deepest diagnosis', async () => {
    const reads = fakeReads(everyReadWorld());
    await diagnose(seedFailure({ failureReason: 'SomethingNew' }), reads);
    const methods = new Set(reads.calls.map((c) => c.method));
    expect([...methods].sort()).toEqual(EVERY_READ);
  });

  it.each(EVERY_READ)('propagates a transient %s error instead of making a verdict', async (method) => {
    const reads = fakeReads(everyReadWorld(), { delayed: true, transient: (called) => called === method });
    const error = await diagnose(seedFailure({ failureReason: 'SomethingNew' }), reads).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TransientReadError);
    expect((error as TransientReadError).call).toBe(method);
  });
});
