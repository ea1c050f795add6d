import { describe, expect, it } from 'vitest';
import type { Diagnosis } from '../../shared/diagnosis/types.js';
import {
  buildNotification,
  causeSignature,
  groupByCause,
  NotificationInputError,
  type PlannedCopy,
} from '../../shared/notify/notification.js';
import { renderNotificationText } from '../../shared/notify/notification-text.js';
import { DESTINATION_BUCKET, OBJECT_KEY, ROLE_ARN, SOURCE_BUCKET } from '../support/seed-setup.js';
import {
  alreadyReplicated,
  inconclusive,
  noCauseFound,
  rolePolicyCause,
  rootCause,
  storm,
  throttled,
} from './diagnoses.js';

function copyOf(diagnosis: Diagnosis, executed: boolean, outcome?: string): PlannedCopy {
  return {
    bucket: diagnosis.failure.sourceBucket,
    key: diagnosis.failure.key,
    ...(diagnosis.failure.versionId ? { versionId: diagnosis.failure.versionId } : {}),
    request: {
      Bucket: diagnosis.failure.sourceBucket,
      Key: diagnosis.failure.key,
      MetadataDirective: 'REPLACE',
    },
    executed,
    ...(outcome ? { outcome } : {}),
  };
}

describe('the content of a notification', () => {
  it('is critical and carries the cause, evidence, statement and command when a permission is missing', () => {
    const n = buildNotification({ diagnoses: [rootCause()], mode: 'plan', decision: 'notify' });

    expect(n.severity).toBe('critical');
    expect(n.title).toBe(
      `Replication blocked: replication-role-policy / action-not-allowed — ${SOURCE_BUCKET} → ${DESTINATION_BUCKET}`,
    );
    expect(n.causes).toHaveLength(1);
    expect(n.causes[0]).toMatchObject({
      location: 'replication-role-policy',
      problem: 'action-not-allowed',
      missingActions: ['s3:ReplicateObject'],
      principal: ROLE_ARN,
      evidence: ['identity policies read: S3ReplicationPolicy (inline)'],
    });
    expect(n.causes[0]?.fix.policyStatement?.Sid).toBe('AllowReplicationToDestination');
    expect(n.causes[0]?.fix.commands[0]).toContain('aws iam put-role-policy');
    expect(n.objects).toEqual([
      {
        bucket: SOURCE_BUCKET,
        key: OBJECT_KEY,
        versionId: '3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY',
        eventName: 'Replication:OperationFailedReplication',
        failureReason: 'DstPutObjectNotPermitted',
      },
    ]);
    expect(n.modeLine).toBe('Mode: plan — nothing was changed');
  });

  it('is a warning that lists the checks that could not run when the diagnosis is inconclusive', () => {
    const n = buildNotification({ diagnoses: [inconclusive()], mode: 'plan', decision: 'notify' });

    expect(n.severity).toBe('warning');
    expect(n.title).toContain('cause not confirmed');
    expect(n.inconclusive.map((item) => item.check)).toEqual(['destination-bucket-policy']);
    expect(renderNotificationText(n)).toContain(
      'Not verified:\n  - destination-bucket-policy: s3:GetBucketPolicy',
    );
  });

  it('is info and says what a copy in place would do when the cause is gone, in plan mode', () => {
    const diagnoses = [noCauseFound('a.txt'), noCauseFound('b.txt')];
    const n = buildNotification({
      diagnoses,
      mode: 'plan',
      decision: 'retrigger',
      plannedCopies: diagnoses.map((d) => copyOf(d, false)),
    });

    expect(n.severity).toBe('info');
    expect(n.title).toBe(
      `Replication failed, cause gone now — ${SOURCE_BUCKET} → ${DESTINATION_BUCKET} (2 objects)`,
    );
    expect(n.modeLine).toBe('Mode: plan — nothing was changed; a copy in place would re-trigger 2 objects');
    const text = renderNotificationText(n);
    expect(text).toContain('Copy in place:');
    expect(text).toContain('planned, not run');
    expect(text).toContain('"MetadataDirective":"REPLACE"');
  });

  it('says it copied in place when auto mode executed every copy', () => {
    const d = noCauseFound();
    const n = buildNotification({
      diagnoses: [d],
      mode: 'auto',
      decision: 'retrigger',
      plannedCopies: [copyOf(d, true, 'new version 7yZ')],
    });

    expect(n.modeLine).toBe('Mode: auto — copied in place (1 object)');
    expect(renderNotificationText(n)).toContain('copied — new version 7yZ');
  });

  it('says nothing was changed, and why, when auto mode copied none of the objects', () => {
    const d = noCauseFound();
    const n = buildNotification({
      diagnoses: [d],
      mode: 'auto',
      decision: 'retrigger',
      plannedCopies: [copyOf(d, false, 'refused: GLACIER needs a restore first')],
    });

    expect(n.modeLine).toBe(
      'Mode: auto — nothing was changed; not copied: refused: GLACIER needs a restore first',
    );
  });

  it('counts partial copies in auto mode', () => {
    const [a, b] = [noCauseFound('a'), noCauseFound('b')];
    const n = buildNotification({
      diagnoses: [a, b],
      mode: 'auto',
      decision: 'retrigger',
      plannedCopies: [copyOf(a, true), copyOf(b, false, 'refused')],
    });

    expect(n.modeLine).toBe('Mode: auto — copied in place 1 of 2 objects');
  });

  it('says which mode acted even when the decision is only to notify', () => {
    const n = buildNotification({ diagnoses: [rootCause()], mode: 'auto', decision: 'notify' });

    expect(n.modeLine).toBe('Mode: auto — nothing was changed');
    expect(renderNotificationText(n).split('\n')[1]).toBe('Mode: auto — nothing was changed');
  });

  it('is info for a benign event that needs no action', () => {
    const n = buildNotification({ diagnoses: [alreadyReplicated()], mode: 'plan', decision: 'ignore' });

    expect(n.severity).toBe('info');
    expect(n.title).toContain('No action needed: already-replicated');
    expect(n.modeLine).toBe('Mode: plan — nothing was changed (no action needed)');
  });

  it('is a warning, not critical, when the only cause is transient throttling', () => {
    const n = buildNotification({ diagnoses: [throttled()], mode: 'plan', decision: 'notify' });

    expect(n.severity).toBe('warning');
  });

  it('lists an object delivered twice (at-least-once) only once', () => {
    const n = buildNotification({ diagnoses: [rootCause(), rootCause()], mode: 'plan', decision: 'notify' });

    expect(n.objects).toHaveLength(1);
    expect(n.diagnoses).toHaveLength(2);
    expect(n.title).not.toContain('objects');
  });

  it('refuses diagnoses of different causes, which would show one fix for another cause', () => {
    expect(() =>
      buildNotification({ diagnoses: [rootCause(), inconclusive()], mode: 'plan', decision: 'notify' }),
    ).toThrow(NotificationInputError);
    expect(() => buildNotification({ diagnoses: [], mode: 'plan', decision: 'notify' })).toThrow(
      NotificationInputError,
    );
  });

  it('writes "…and N more" instead of listing thousands of objects in the text', () => {
    const n = buildNotification({ diagnoses: storm(500), mode: 'plan', decision: 'notify' });

    const text = renderNotificationText(n, { maxObjects: 3, evidence: true });

    expect(text).toContain('Affected 500 objects:');
    expect(text).toContain('…and 497 more');
    expect(text.match(/part-\d+/g)).toHaveLength(3);
  });

  it('shows control characters in keys escaped, so a key cannot forge lines of the report', () => {
    const n = buildNotification({
      diagnoses: [rootCause('evil\nMode: auto — copied in place')],
      mode: 'plan',
      decision: 'notify',
    });

    const lines = renderNotificationText(n).split('\n');

    expect(lines.filter((line) => line.startsWith('Mode:'))).toEqual(['Mode: plan — nothing was changed']);
    expect(lines.some((line) => line.includes('evil\\u000aMode: auto'))).toBe(true);
  });
});

describe('grouping by cause', () => {
  it('puts every object stopped by one missing permission into one group', () => {
    const groups = groupByCause(storm(1000));

    expect(groups).toHaveLength(1);
    expect(groups[0]).toHaveLength(1000);
  });

  it('separates different missing actions, verdicts and routes', () => {
    const otherDestination: Diagnosis = {
      ...rootCause('c'),
      failure: { ...rootCause('c').failure, destinationBucket: 'my-second-destination' },
    };
    const diagnoses = [
      rootCause('a'),
      rootCause('b', 'v2', rolePolicyCause(['s3:ReplicateTags'])),
      noCauseFound('d'),
      inconclusive('e'),
      otherDestination,
      rootCause('f'),
    ];

    const groups = groupByCause(diagnoses);

    expect(groups.map((group) => group.map((d) => d.failure.key))).toEqual([
      ['a', 'f'],
      ['b'],
      ['d'],
      ['e'],
      ['c'],
    ]);
  });

  it('separates KMS causes that name different keys, since each needs its own key policy fix', () => {
    const kmsCause = (keyId: string) => ({
      ...rolePolicyCause(['kms:Decrypt']),
      location: 'source-kms-key' as const,
      resource: `arn:aws:kms:us-east-1:123456789012:key/${keyId}`,
    });

    const a = causeSignature(rootCause('a', 'v', kmsCause('key-one')));
    const b = causeSignature(rootCause('b', 'v', kmsCause('key-two')));
    const c = causeSignature(rootCause('c', 'v', kmsCause('key-one')));

    expect(a).not.toBe(b);
    expect(a).toBe(c);
  });

  it('keeps object causes of different keys together (their resource is the object itself)', () => {
    expect(alreadyReplicated('a').causes[0]?.resource).not.toBe(alreadyReplicated('b').causes[0]?.resource);

    expect(causeSignature(alreadyReplicated('a'))).toBe(causeSignature(alreadyReplicated('b')));
  });
});
