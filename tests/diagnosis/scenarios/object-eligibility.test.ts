/**
 * The failed object itself: gone, archived, a replica, already replicated, outside the rule's filter,
 * owned by another account; and the benign events that need nothing done.
 */
import { describe, expect, it } from 'vitest';
import { causeShapes, diagnoseSeed } from '../../support/run-diagnosis.js';
import { PARTNER_CANONICAL_ID, ROLE_NAME } from '../../support/seed-setup.js';
import { seedSnapshot } from '../../support/snapshot-builder.js';

const NOT_ELIGIBLE = { failureReason: 'SrcObjectNotEligible' };
const notEligible = [{ location: 'object', problem: 'object-not-eligible', missingActions: [] }];

describe('objects that are gone', () => {
  it.each(['SrcKeyNotFound', 'SrcObjectNotFound', 'SrcVersionNotFound'])(
    "reports the object gone for %s, with nothing left to do (the contract's no-action-needed)",
    async (failureReason) => {
      const diagnosis = await diagnoseSeed(seedSnapshot().objectMissing(), { failureReason });

      expect(diagnosis.verdict).toBe('no-action-needed');
      expect(diagnosis.action).toBe('ignore');
      expect(causeShapes(diagnosis)).toEqual([
        { location: 'object', problem: 'object-gone', missingActions: [] },
      ]);
    },
  );

  it('reports the source gone for DstObjectHardDeleted when the source version no longer exists either', async () => {
    const diagnosis = await diagnoseSeed(seedSnapshot().objectMissing(), {
      failureReason: 'DstObjectHardDeleted',
    });

    expect(causeShapes(diagnosis)).toEqual([
      { location: 'object', problem: 'object-gone', missingActions: [] },
    ]);
  });

  it('retriggers DstObjectHardDeleted when the source is still there', async () => {
    const diagnosis = await diagnoseSeed(seedSnapshot(), { failureReason: 'DstObjectHardDeleted' });

    expect(diagnosis.verdict).toBe('no-cause-found');
    expect(diagnosis.action).toBe('retrigger');
  });

  it('finds nothing gone when SrcObjectNotFound names an object that exists', async () => {
    const diagnosis = await diagnoseSeed(seedSnapshot(), { failureReason: 'SrcObjectNotFound' });

    expect(diagnosis.causes).toEqual([]);
  });
});

describe('objects replication does not take', () => {
  it.each(['GLACIER', 'DEEP_ARCHIVE'])('reports an object in %s as not eligible', async (storageClass) => {
    const diagnosis = await diagnoseSeed(seedSnapshot().object({ StorageClass: storageClass }), NOT_ELIGIBLE);

    expect(causeShapes(diagnosis)).toEqual(notEligible);
    expect(diagnosis.causes[0]?.summary).toContain(storageClass);
  });

  it('finds an object in STANDARD_IA eligible', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot().object({ StorageClass: 'STANDARD_IA' }),
      NOT_ELIGIBLE,
    );

    expect(diagnosis.causes).toEqual([]);
  });

  it('reports a replica as not eligible: replicas are not replicated again', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot().object({ ReplicationStatus: 'REPLICA' }),
      NOT_ELIGIBLE,
    );

    expect(causeShapes(diagnosis)).toEqual(notEligible);
  });

  it('reports an object without the tag the rule filters on', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot()
        .ruleTagFilter([{ Key: 'replicate', Value: 'true' }])
        .objectTags([{ Key: 'replicate', Value: 'false' }]),
      NOT_ELIGIBLE,
    );

    expect(causeShapes(diagnosis)).toEqual(notEligible);
  });

  it('reports an object that has only some of the tags of an And filter', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot()
        .ruleTagFilter(
          [
            { Key: 'replicate', Value: 'true' },
            { Key: 'tier', Value: 'gold' },
          ],
          'finance/',
        )
        .objectTags([{ Key: 'replicate', Value: 'true' }]),
      NOT_ELIGIBLE,
    );

    expect(causeShapes(diagnosis)).toEqual(notEligible);
  });

  it('finds an object eligible when it carries every tag of the filter', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot()
        .ruleTagFilter([{ Key: 'replicate', Value: 'true' }])
        .objectTags([
          { Key: 'replicate', Value: 'true' },
          { Key: 'classification', Value: 'internal' },
        ]),
      NOT_ELIGIBLE,
    );

    expect(diagnosis.causes).toEqual([]);
  });

  it('reports an object outside the rule prefix', async () => {
    const diagnosis = await diagnoseSeed(seedSnapshot().rulePrefix('invoices/'), NOT_ELIGIBLE);

    expect(causeShapes(diagnosis)).toEqual(notEligible);
  });

  it('reads the prefix of a V1 rule, which sits on the rule itself', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot().rule((rule) => {
        delete rule.Filter;
        delete rule.DeleteMarkerReplication;
        rule.Prefix = 'invoices/';
      }),
      NOT_ELIGIBLE,
    );

    expect(causeShapes(diagnosis)).toEqual(notEligible);
  });

  it('does not count an SSE-C object as a cause by itself', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot().object({ ServerSideEncryption: undefined, SSECustomerAlgorithm: 'AES256' }),
      { failureReason: 'SrcGetObjectNotPermitted' },
    );

    expect(diagnosis.causes).toEqual([]);
  });
});

describe('object ownership', () => {
  it('reports an object owned by another account when the bucket lets writers own objects', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot().ownership('source', 'ObjectWriter').objectOwner(PARTNER_CANONICAL_ID),
      { failureReason: 'SrcGetAclNotPermitted' },
    );

    expect(causeShapes(diagnosis)).toEqual([
      { location: 'object', problem: 'object-owned-by-other-account', missingActions: [] },
    ]);
  });

  it('does not report the uploader when the bucket enforces bucket ownership', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot().ownership('source', 'BucketOwnerEnforced').objectOwner(PARTNER_CANONICAL_ID),
      { failureReason: 'SrcGetAclNotPermitted' },
    );

    expect(diagnosis.causes).toEqual([]);
  });

  it('reports s3:GetObjectVersionAcl missing from the role policy for SrcGetAclNotPermitted', async () => {
    const diagnosis = await diagnoseSeed(seedSnapshot().withoutRoleActions('s3:GetObjectVersionAcl'), {
      failureReason: 'SrcGetAclNotPermitted',
    });

    expect(causeShapes(diagnosis)).toEqual([
      {
        location: 'replication-role-policy',
        problem: 'action-not-allowed',
        missingActions: ['s3:GetObjectVersionAcl'],
      },
    ]);
    expect(JSON.stringify(diagnosis.causes[0]?.fix)).toContain(ROLE_NAME);
  });
});

describe('benign events', () => {
  it('ignores SrcReplicationNotPending without a cause', async () => {
    const diagnosis = await diagnoseSeed(seedSnapshot().object({ ReplicationStatus: 'COMPLETED' }), {
      failureReason: 'SrcReplicationNotPending',
    });

    expect(diagnosis).toMatchObject({ verdict: 'no-action-needed', action: 'ignore', causes: [] });
  });

  it('runs every check for SrcReplicationNotPending when the object is in fact FAILED', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot()
        .object({ ReplicationStatus: 'FAILED' })
        .roleStatement('DestinationBucketWriteAccess', (statement) => {
          statement.Resource = 'arn:aws:s3:::my-destination-bucket-euw1';
        }),
      { failureReason: 'SrcReplicationNotPending' },
    );

    expect(diagnosis.verdict).toBe('root-cause-found');
    expect(causeShapes(diagnosis)).toContainEqual({
      location: 'replication-role-policy',
      problem: 'action-not-allowed',
      missingActions: ['s3:ReplicateDelete', 's3:ReplicateObject'],
    });
  });

  it.each(['COMPLETED', 'COMPLETE'] as const)(
    'reports an object already replicated (%s) as needing nothing',
    async (status) => {
      const diagnosis = await diagnoseSeed(seedSnapshot().object({ ReplicationStatus: status }), {
        failureReason: 'DstSomethingNewNotPermitted',
      });

      expect(diagnosis.verdict).toBe('no-action-needed');
      expect(diagnosis.action).toBe('ignore');
      expect(causeShapes(diagnosis)).toEqual([
        { location: 'object', problem: 'already-replicated', missingActions: [] },
      ]);
    },
  );

  it('ignores OperationReplicatedAfterThreshold', async () => {
    const diagnosis = await diagnoseSeed(seedSnapshot().rtc().object({ ReplicationStatus: 'COMPLETED' }), {
      eventName: 'Replication:OperationReplicatedAfterThreshold',
    });

    expect(diagnosis).toMatchObject({ verdict: 'no-action-needed', action: 'ignore', causes: [] });
  });

  it('diagnoses OperationMissedThreshold in full when the object has FAILED', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot().rtc().object({ ReplicationStatus: 'FAILED' }).versioning('destination', 'Suspended'),
      { eventName: 'Replication:OperationMissedThreshold' },
    );

    expect(causeShapes(diagnosis)).toContainEqual({
      location: 'destination-bucket-configuration',
      problem: 'versioning-not-enabled',
      missingActions: [],
    });
  });

  it('needs nothing for OperationNotTracked when the object has replicated', async () => {
    const diagnosis = await diagnoseSeed(seedSnapshot().object({ ReplicationStatus: 'COMPLETED' }), {
      eventName: 'Replication:OperationNotTracked',
    });

    expect(diagnosis.verdict).toBe('no-action-needed');
  });
});
