/**
 * The replication configuration and the two buckets: the rule, versioning, Object Lock, Requester Pays,
 * and Batch-only failure reasons, each against a seed-setup snapshot with one thing changed.
 */
import { describe, expect, it } from 'vitest';
import { causeShapes, diagnoseSeed } from '../../support/run-diagnosis.js';
import { DESTINATION_BUCKET, SOURCE_BUCKET } from '../../support/seed-setup.js';
import { seedSnapshot } from '../../support/snapshot-builder.js';

const PUT_OBJECT = { failureReason: 'DstPutObjectNotPermitted' };
const UNKNOWN_CODE = { failureReason: 'DstSomethingNewNotPermitted' };

describe('the replication configuration', () => {
  it('reports a disabled rule, with the commands to turn it back on', async () => {
    const diagnosis = await diagnoseSeed(seedSnapshot().ruleStatus('Disabled'), PUT_OBJECT);

    expect(causeShapes(diagnosis)).toEqual([
      { location: 'source-bucket-configuration', problem: 'rule-disabled', missingActions: [] },
    ]);
    expect(JSON.stringify(diagnosis.causes[0]?.fix)).toContain('put-bucket-replication');
  });

  it('reports a missing replication configuration', async () => {
    const diagnosis = await diagnoseSeed(seedSnapshot().noReplicationConfiguration(), {
      failureReason: 'SrcBucketReplicationConfigMissing',
    });

    expect(causeShapes(diagnosis)).toEqual([
      {
        location: 'source-bucket-configuration',
        problem: 'replication-configuration-missing',
        missingActions: [],
      },
    ]);
  });

  it('reports the configuration as missing the rule when the event names a rule that is gone', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot().rule((rule) => {
        rule.ID = 'Archive-Replication-Rule';
      }),
      PUT_OBJECT,
    );

    expect(causeShapes(diagnosis)).toEqual([
      {
        location: 'source-bucket-configuration',
        problem: 'replication-configuration-missing',
        missingActions: [],
      },
    ]);
    expect(diagnosis.causes[0]?.summary).toContain('DR-Replication-Rule');
  });

  it('reports source versioning that was suspended, whatever the failure reason', async () => {
    const diagnosis = await diagnoseSeed(seedSnapshot().versioning('source', 'Suspended'), PUT_OBJECT);

    expect(causeShapes(diagnosis)).toContainEqual({
      location: 'source-bucket-configuration',
      problem: 'versioning-not-enabled',
      missingActions: [],
    });
    expect(JSON.stringify(diagnosis.causes)).toContain(SOURCE_BUCKET);
  });

  it('reports a source bucket that does not exist', async () => {
    const diagnosis = await diagnoseSeed(seedSnapshot().bucketMissing('source'), {
      failureReason: 'SrcBucketNotFound',
    });

    expect(causeShapes(diagnosis)).toEqual([
      { location: 'source-bucket-configuration', problem: 'bucket-not-found', missingActions: [] },
    ]);
  });
});

describe('the destination bucket', () => {
  it('reports destination versioning that was never enabled', async () => {
    const diagnosis = await diagnoseSeed(seedSnapshot().versioning('destination', null), {
      failureReason: 'DstBucketUnversioned',
    });

    expect(causeShapes(diagnosis)).toEqual([
      { location: 'destination-bucket-configuration', problem: 'versioning-not-enabled', missingActions: [] },
    ]);
    const fix = JSON.stringify(diagnosis.causes[0]?.fix);
    expect(fix).toContain('put-bucket-versioning');
    expect(fix).toContain(DESTINATION_BUCKET);
  });

  it('finds no cause for DstBucketUnversioned once versioning is enabled again', async () => {
    const diagnosis = await diagnoseSeed(seedSnapshot(), { failureReason: 'DstBucketUnversioned' });

    expect(diagnosis.verdict).toBe('no-cause-found');
  });

  it('reports a destination bucket that does not exist', async () => {
    const diagnosis = await diagnoseSeed(seedSnapshot().bucketMissing('destination'), {
      failureReason: 'DstBucketNotFound',
    });

    expect(causeShapes(diagnosis)).toEqual([
      { location: 'destination-bucket-configuration', problem: 'bucket-not-found', missingActions: [] },
    ]);
  });

  it('reports Object Lock missing on the destination when the source has it', async () => {
    const diagnosis = await diagnoseSeed(seedSnapshot().objectLock({ destination: false }), {
      failureReason: 'DstBucketObjectLockConfigMissing',
    });

    expect(causeShapes(diagnosis)).toEqual([
      {
        location: 'destination-bucket-configuration',
        problem: 'object-lock-not-enabled',
        missingActions: [],
      },
    ]);
    expect(JSON.stringify(diagnosis.causes[0]?.fix)).toContain('put-object-lock-configuration');
  });

  it('finds no Object Lock cause when both buckets have Object Lock', async () => {
    const diagnosis = await diagnoseSeed(seedSnapshot().objectLock(), {
      failureReason: 'DstBucketObjectLockConfigMissing',
    });

    expect(diagnosis.causes).toEqual([]);
  });

  it('reports Requester Pays on a cross-account destination', async () => {
    const diagnosis = await diagnoseSeed(seedSnapshot().crossAccount().requesterPays(), UNKNOWN_CODE);

    expect(causeShapes(diagnosis)).toEqual([
      { location: 'destination-bucket-configuration', problem: 'requester-pays-enabled', missingActions: [] },
    ]);
    expect(JSON.stringify(diagnosis.causes[0]?.fix)).toContain('Payer=BucketOwner');
  });

  it('does not object to Requester Pays when both buckets are in the same account', async () => {
    const diagnosis = await diagnoseSeed(seedSnapshot().requesterPays(), UNKNOWN_CODE);

    expect(diagnosis.causes).toEqual([]);
  });
});

describe('Batch Replication failure reasons', () => {
  it.each([
    ['InitiateReplicationNotPermitted', 's3:InitiateReplication'],
    ['DstBucketInvalidRegion', 'Batch'],
    ['SrcBucketInvalidRegion', 'Batch'],
  ])('explains %s as a Batch Replication job setting', async (failureReason, named) => {
    const diagnosis = await diagnoseSeed(seedSnapshot(), { failureReason });

    expect(diagnosis.verdict).toBe('root-cause-found');
    expect(causeShapes(diagnosis)).toEqual([
      { location: 'source-bucket-configuration', problem: 'unknown', missingActions: [] },
    ]);
    expect(diagnosis.causes[0]?.summary).toContain(named);
  });
});
