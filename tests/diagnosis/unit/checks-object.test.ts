import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../shared/diagnosis/diagnose.js';
import type { ObjectHead } from '../../../shared/diagnosis/reads.js';
import type { Diagnosis } from '../../../shared/diagnosis/types.js';
import {
  OBJECT_KEY,
  PARTNER_CANONICAL_ID,
  SOURCE_BUCKET,
  SOURCE_CANONICAL_ID,
} from '../../support/seed-setup.js';
import {
  causeKinds,
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

function withHead(head: ObjectHead, world = seedWorld()): World {
  world.heads[OBJECT_KEY] = ok(head);
  return world;
}

describe('object check', () => {
  it('reports an object that is gone as the cause, with no-action-needed and ignore', async () => {
    const world = seedWorld();
    world.heads[OBJECT_KEY] = notFound('NotFound');
    const diagnosis = await run(world, 'SrcObjectNotFound');
    expect(shapes(diagnosis)).toEqual(['object/object-gone']);
    expect(diagnosis).toMatchObject({ verdict: 'no-action-needed', action: 'ignore' });
    expect(diagnosis.causes[0]?.fix.commands).toEqual([
      `aws s3api list-object-versions --bucket ${SOURCE_BUCKET} --prefix 'finance/2024/q3 report.pdf'`,
    ]);
  });

  it('treats a delete-marker version as gone for a "not found" code', async () => {
    const diagnosis = await run(withHead({ DeleteMarker: true }), 'SrcVersionNotFound');
    expect(shapes(diagnosis)).toEqual(['object/object-gone']);
  });

  it('finds no cause and advises a copy in place when a hard-deleted replica’s source is still there', async () => {
    for (const code of ['DstObjectHardDeleted', 'DstVersionNotFound']) {
      const diagnosis = await run(seedWorld(), code);
      expect(diagnosis, code).toMatchObject({ verdict: 'no-cause-found', action: 'retrigger', causes: [] });
      expect(diagnosis.notes?.join(' '), code).toContain('copying it in place');
    }
  });

  it.each(['COMPLETED', 'COMPLETE'])(
    'calls an object with status %s already replicated: no action needed',
    async (status) => {
      const diagnosis = await run(withHead({ ReplicationStatus: status }), 'SrcObjectNotEligible');
      expect(shapes(diagnosis)).toEqual(['object/already-replicated']);
      expect(diagnosis).toMatchObject({ verdict: 'no-action-needed', action: 'ignore' });
    },
  );

  it('puts the benign already-replicated first and ignores, even beside another cause', async () => {
    const world = withHead({ ReplicationStatus: 'COMPLETED' });
    world.versioning.destination = ok('Suspended');
    const diagnosis = await run(world, 'UnknownCode');
    expect(shapes(diagnosis)[0]).toBe('object/already-replicated');
    expect(diagnosis).toMatchObject({ verdict: 'no-action-needed', action: 'ignore' });
  });

  it('reports a replica as not eligible', async () => {
    const diagnosis = await run(withHead({ ReplicationStatus: 'REPLICA' }), 'SrcObjectNotEligible');
    expect(shapes(diagnosis)).toEqual(['object/object-not-eligible']);
    expect(diagnosis.causes[0]?.summary).toContain('replica');
  });

  it.each(['GLACIER', 'DEEP_ARCHIVE'])(
    'reports an object in %s as not eligible, with the restore command',
    async (storageClass) => {
      const diagnosis = await run(
        withHead({ ReplicationStatus: 'FAILED', StorageClass: storageClass }),
        'SrcObjectNotEligible',
      );
      expect(shapes(diagnosis)).toEqual(['object/object-not-eligible']);
      expect(diagnosis.causes[0]?.fix.commands[0]).toBe(
        `aws s3api restore-object --bucket ${SOURCE_BUCKET} --key 'finance/2024/q3 report.pdf' --version-id 3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY --restore-request Days=7`,
      );
    },
  );

  it('reports an object in an Intelligent-Tiering archive tier as not eligible', async () => {
    const diagnosis = await run(
      withHead({ StorageClass: 'INTELLIGENT_TIERING', ArchiveStatus: 'DEEP_ARCHIVE_ACCESS' }),
      'SrcObjectNotEligible',
    );
    expect(shapes(diagnosis)).toEqual(['object/object-not-eligible']);
  });

  it('accepts Glacier Instant Retrieval, which replicates', async () => {
    const diagnosis = await run(withHead({ StorageClass: 'GLACIER_IR' }), 'SrcObjectNotEligible');
    expect(diagnosis.causes).toEqual([]);
  });

  it('reports a key outside the rule’s prefix', async () => {
    const world = seedWorld();
    ruleOf(world).Filter = { Prefix: 'logs/' };
    const diagnosis = await run(world, 'SrcObjectNotEligible');
    expect(diagnosis.causes[0]?.summary).toContain('outside the rule\'s prefix "logs/"');
  });

  it('reads the V1 prefix from the rule itself', async () => {
    const world = seedWorld();
    const rule = ruleOf(world);
    delete rule.Filter;
    delete rule.DeleteMarkerReplication;
    rule.Prefix = 'finance/';
    expect((await run(world, 'SrcObjectNotEligible')).causes).toEqual([]);
    rule.Prefix = 'hr/';
    expect(shapes(await run(world, 'SrcObjectNotEligible'))).toEqual(['object/object-not-eligible']);
  });

  it('reports an object without every tag of a tag-filtered rule, and reads tags only for such rules', async () => {
    const world = seedWorld();
    const plainReads = fakeReads(world);
    await diagnose(seedFailure({ failureReason: 'SrcObjectNotEligible' }), plainReads);
    expect(plainReads.count('getObjectTagging')).toBe(0);

    ruleOf(world).Filter = {
      And: {
        Prefix: 'finance/',
        Tags: [
          { Key: 'replicate', Value: 'yes' },
          { Key: 'team', Value: 'finance' },
        ],
      },
    };
    world.tagging[OBJECT_KEY] = ok([{ Key: 'team', Value: 'finance' }]);
    const diagnosis = await run(world, 'SrcObjectNotEligible');
    expect(shapes(diagnosis)).toEqual(['object/object-not-eligible']);
    expect(diagnosis.causes[0]?.summary).toContain("lacks the rule's tags replicate=yes");
  });

  it('is inconclusive about tags it may not read, and never calls that a cause', async () => {
    const world = seedWorld();
    ruleOf(world).Filter = { Tag: { Key: 'replicate', Value: 'yes' } };
    world.tagging[OBJECT_KEY] = denied();
    const diagnosis = await run(world, 'SrcObjectNotEligible');
    expect(diagnosis).toMatchObject({ verdict: 'inconclusive', causes: [] });
    expect(diagnosis.inconclusive[0]?.why).toContain('s3:GetObjectTagging');
  });

  it('lists every reason an object is not eligible in one cause', async () => {
    const world = withHead({ ReplicationStatus: 'REPLICA', StorageClass: 'GLACIER' });
    ruleOf(world).Filter = { Prefix: 'logs/' };
    const diagnosis = await run(world, 'SrcObjectNotEligible');
    expect(diagnosis.causes).toHaveLength(1);
    expect(diagnosis.causes[0]?.evidence).toHaveLength(3);
  });

  it('is inconclusive when HeadObject is denied, and does not call the object gone', async () => {
    const world = seedWorld();
    world.heads[OBJECT_KEY] = denied();
    const diagnosis = await run(world, 'SrcObjectNotFound');
    expect(diagnosis).toMatchObject({ verdict: 'inconclusive', causes: [] });
  });

  it('mentions an SSE-C object without making it a cause', async () => {
    const diagnosis = await run(withHead({ SSECustomerAlgorithm: 'AES256' }), 'SrcObjectNotEligible');
    expect(diagnosis.causes).toEqual([]);
    expect(diagnosis.notes?.join(' ')).toContain('SSE-C');
  });
});

describe('object ownership', () => {
  function partnerObject(): World {
    const world = seedWorld();
    world.ownership.source = ok({ Rules: [{ ObjectOwnership: 'ObjectWriter' }] });
    world.acl[OBJECT_KEY] = ok({ Owner: { ID: PARTNER_CANONICAL_ID } });
    world.bucketAcl = ok({ Owner: { ID: SOURCE_CANONICAL_ID } });
    return world;
  }

  it('reports an object owned by another account than the bucket owner', async () => {
    const diagnosis = await run(partnerObject(), 'SrcGetAclNotPermitted');
    expect(shapes(diagnosis)).toEqual(['object/object-owned-by-other-account']);
    expect(diagnosis.causes[0]?.fix.commands[0]).toBe(
      `aws s3api put-bucket-ownership-controls --bucket ${SOURCE_BUCKET} --ownership-controls 'Rules=[{ObjectOwnership=BucketOwnerEnforced}]'`,
    );
  });

  it('does not check ownership when the bucket enforces bucket-owner ownership', async () => {
    const world = partnerObject();
    world.ownership.source = ok({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    expect((await run(world, 'SrcGetAclNotPermitted')).causes).toEqual([]);
  });

  it('finds nothing when the bucket owner owns the object', async () => {
    const world = partnerObject();
    world.acl[OBJECT_KEY] = ok({ Owner: { ID: SOURCE_CANONICAL_ID } });
    expect((await run(world, 'SrcGetAclNotPermitted')).causes).toEqual([]);
  });

  it('only notes an owner it cannot compare when the reads give no bucket ACL', async () => {
    const world = partnerObject();
    delete world.bucketAcl;
    const diagnosis = await run(world, 'SrcGetAclNotPermitted');
    expect(diagnosis).toMatchObject({ verdict: 'no-cause-found', causes: [] });
    expect(diagnosis.notes?.join(' ')).toContain('could not be compared');
  });

  it('compares owners by account id when that is what the ACL names', async () => {
    const world = partnerObject();
    delete world.bucketAcl;
    world.acl[OBJECT_KEY] = ok({ Owner: { ID: '777788889999' } });
    expect(shapes(await run(world, 'SrcGetAclNotPermitted'))).toEqual([
      'object/object-owned-by-other-account',
    ]);
  });

  it('does not check ownership for codes that are not about reading the object', async () => {
    const reads = fakeReads(partnerObject());
    const diagnosis = await diagnose(seedFailure({ failureReason: 'SrcObjectNotEligible' }), reads);
    expect(diagnosis.causes).toEqual([]);
    expect(reads.count('getObjectAcl')).toBe(0);
  });
});
