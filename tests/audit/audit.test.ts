import { describe, expect, it } from 'vitest';
import { PROBE_KEY_NAME } from '../../shared/audit/probes.js';
import { renderAuditText } from '../../shared/audit/render.js';
import { DESTINATION_BUCKET, SOURCE_BUCKET, SOURCE_KEY_ARN } from '../support/seed-setup.js';
import { seedSnapshot } from '../support/snapshot-builder.js';
import {
  auditOf,
  auditSnapshot,
  INTAKE_QUEUE_ARN,
  notEnrolledNotifications,
  probe,
  recording,
  replay,
  runAuditOn,
  seedRule,
  UNREPLICATED_BUCKET,
} from './audit-fixtures.js';

describe('audit of the seed setup, without any failure event', () => {
  it('finds the healthy seed setup healthy, probing a plain object and a delete marker', async () => {
    // Prepare
    const snapshot = auditSnapshot(seedSnapshot(), 'healthy seed setup');

    // Act
    const report = await auditOf(snapshot);

    // Assess
    const rule = seedRule(report);
    expect(rule.status).toBe('healthy');
    expect(rule.probes.map((entry) => entry.probe)).toEqual(['plain', 'delete-marker']);
    expect(rule.gaps).toEqual([]);
    expect(report.problems).toBe(0);
    expect(report.skippedBuckets).toEqual([DESTINATION_BUCKET, UNREPLICATED_BUCKET]);
  });

  it('reports the missing destination bucket policy of cross-account replication', async () => {
    const report = await auditOf(
      auditSnapshot(seedSnapshot().crossAccount({ bucketPolicy: 'none' }), 'x-account'),
    );

    const rule = seedRule(report);
    expect(rule.status).toBe('problems');
    const [cause] = probe(rule, 'plain').causes;
    expect(cause).toMatchObject({
      location: 'destination-bucket-policy',
      problem: 'action-not-allowed',
      principal: 'arn:aws:iam::123456789012:role/S3ReplicationRole',
      resource: `arn:aws:s3:::${DESTINATION_BUCKET}/*`,
    });
    expect(cause?.missingActions).toContain('s3:ReplicateObject');
    expect(cause?.fix.commands.join('\n')).toContain('put-bucket-policy');
    expect(report.problems).toBe(1);
  });

  it("reports the role's missing kms:Decrypt on the source key with an SSE-KMS probe under the bucket's default key", async () => {
    const builder = seedSnapshot()
      .sseKms()
      .withoutRoleActions('kms:Decrypt')
      .defaultEncryption('source', { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: SOURCE_KEY_ARN });

    const rule = seedRule(await auditOf(auditSnapshot(builder, 'sse-kms without decrypt')));

    expect(rule.probes.map((entry) => entry.probe)).toEqual(['plain', 'kms', 'delete-marker']);
    expect(probe(rule, 'plain').causes).toEqual([]);
    expect(probe(rule, 'kms').causes).toEqual([
      expect.objectContaining({
        location: 'replication-role-policy',
        problem: 'action-not-allowed',
        missingActions: ['kms:Decrypt'],
        resource: SOURCE_KEY_ARN,
      }),
    ]);
  });

  it('reports a replica key policy that does not name the role, checking only the replica key when the source key is unknown', async () => {
    const builder = seedSnapshot().crossAccount().sseKms({ replicaKeyPolicy: 'restrictive' });

    const rule = seedRule(await auditOf(auditSnapshot(builder, 'replica key policy lacks role')));

    const kms = probe(rule, 'kms');
    expect(kms.causes).toEqual([
      expect.objectContaining({
        location: 'destination-kms-key',
        problem: 'action-not-allowed',
        missingActions: ['kms:Encrypt', 'kms:GenerateDataKey'],
      }),
    ]);
    expect(kms.inconclusive).toEqual([]);
    expect(kms.notes?.join(' ')).toContain('only the replica key was checked');
  });

  it('reports destination versioning suspended', async () => {
    const rule = seedRule(
      await auditOf(auditSnapshot(seedSnapshot().versioning('destination', 'Suspended'), 'x')),
    );

    expect(probe(rule, 'plain').causes).toEqual([
      expect.objectContaining({
        location: 'destination-bucket-configuration',
        problem: 'versioning-not-enabled',
        missingActions: [],
      }),
    ]);
  });

  it('never reads the synthetic object from S3: its head, tags and ACL are answered by the probe', async () => {
    const { caller, calls } = recording(replay(auditSnapshot(seedSnapshot(), 'healthy')));

    await runAuditOn(caller);

    const objectReads = calls.filter((call) => /HeadObject|GetObjectTagging|GetObjectAcl/.test(call.command));
    expect(objectReads).toEqual([]);
  });

  it('probes a key inside the rule prefix', async () => {
    const rule = seedRule(await auditOf(auditSnapshot(seedSnapshot().rulePrefix('finance/'), 'prefix')));

    expect(rule.status).toBe('healthy');
    expect(probe(rule, 'plain').failure.key).toBe(`finance/${PROBE_KEY_NAME}`);
  });
});

describe('probes chosen by the rule', () => {
  it('probes a tag-filtered rule with an object carrying its tags, and no untagged object', async () => {
    const builder = seedSnapshot().ruleTagFilter([{ Key: 'replicate', Value: 'yes' }]);

    const rule = seedRule(await auditOf(auditSnapshot(builder, 'tag filter')));

    expect(rule.probes.map((entry) => entry.probe)).toEqual(['tagged']);
    expect(rule.status).toBe('healthy');
  });

  it('reports the tagging read the role lacks for a tag-filtered rule', async () => {
    const builder = seedSnapshot()
      .ruleTagFilter([{ Key: 'replicate', Value: 'yes' }])
      .withoutRoleActions('s3:GetObjectVersionTagging');

    const rule = seedRule(await auditOf(auditSnapshot(builder, 'tag filter without tagging read')));

    expect(probe(rule, 'tagged').causes).toEqual([
      expect.objectContaining({
        location: 'replication-role-policy',
        missingActions: ['s3:GetObjectVersionTagging'],
      }),
    ]);
  });

  it('reports that SSE-KMS objects will not replicate when the bucket encrypts with KMS by default and the rule does not opt in', async () => {
    const builder = seedSnapshot()
      .sseKms({ optIn: false })
      .defaultEncryption('source', { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: SOURCE_KEY_ARN });

    const rule = seedRule(await auditOf(auditSnapshot(builder, 'no opt-in')));

    expect(probe(rule, 'kms').causes).toEqual([
      expect.objectContaining({ location: 'object', problem: 'object-not-eligible' }),
    ]);
  });

  it('does not probe delete markers when the rule does not replicate them', async () => {
    const builder = seedSnapshot().rule((rule) => {
      rule.DeleteMarkerReplication = { Status: 'Disabled' };
    });

    const rule = seedRule(await auditOf(auditSnapshot(builder, 'no delete markers')));

    expect(rule.probes.map((entry) => entry.probe)).toEqual(['plain']);
  });
});

describe('setup gaps that hide failures', () => {
  it('reports replication metrics off: no failure events would be sent', async () => {
    const builder = seedSnapshot().rule((rule) => {
      delete rule.Destination.Metrics;
    });

    const rule = seedRule(await auditOf(auditSnapshot(builder, 'metrics off')));

    expect(rule.status).toBe('problems');
    expect(rule.gaps.map((gap) => gap.gap)).toEqual(['metrics-off']);
    expect(rule.gaps[0]?.fix.commands.join('\n')).toContain('put-bucket-replication');
  });

  it('reports a disabled rule once, as a gap, not as a cause of every probe', async () => {
    const rule = seedRule(await auditOf(auditSnapshot(seedSnapshot().ruleStatus('Disabled'), 'disabled')));

    expect(rule.gaps.map((gap) => gap.gap)).toEqual(['rule-disabled']);
    expect(rule.probes.flatMap((entry) => entry.diagnosis.causes)).toEqual([]);
    expect(rule.status).toBe('problems');
  });

  it('reports a bucket whose notifications send no replication events to the intake queue as not enrolled', async () => {
    const snapshot = auditSnapshot(seedSnapshot(), 'not enrolled', {
      notifications: notEnrolledNotifications(),
    });

    const rule = seedRule(await auditOf(snapshot));

    expect(rule.gaps.map((gap) => gap.gap)).toEqual(['not-enrolled']);
    expect(rule.gaps[0]?.fix.commands).toContain(
      `s3-replication-doctor enroll --bucket ${SOURCE_BUCKET} --queue-arn ${INTAKE_QUEUE_ARN} --dry-run`,
    );
  });

  it('counts only the given intake queue: replication events to another queue leave the bucket not enrolled', async () => {
    const other = 'arn:aws:sqs:us-east-1:123456789012:someone-elses-queue';
    const snapshot = auditSnapshot(seedSnapshot(), 'other queue', {
      notifications: { QueueConfigurations: [{ QueueArn: other, Events: ['s3:Replication:*'] }] },
    });

    expect(seedRule(await auditOf(snapshot)).gaps.map((gap) => gap.gap)).toEqual(['not-enrolled']);
    const anyQueue = seedRule(await auditOf(snapshot, {}));
    expect(anyQueue.gaps).toEqual([]);
    expect(anyQueue.notes.join(' ')).toContain('without --queue-arn any queue counts');
  });

  it.each([
    ['a prefix narrower than the rule', '', [{ Name: 'prefix', Value: 'finance/' }], 'prefix "finance/"'],
    ['a suffix', 'finance/', [{ Name: 'Suffix', Value: '.csv' }], 'suffix ".csv"'],
  ])(
    'reports a bucket whose intake notification has %s as partly enrolled',
    async (_, rulePrefix, rules, shown) => {
      const snapshot = auditSnapshot(seedSnapshot().rulePrefix(rulePrefix), 'filtered intake', {
        notifications: {
          QueueConfigurations: [
            {
              Id: 's3-replication-doctor',
              QueueArn: INTAKE_QUEUE_ARN,
              Events: ['s3:Replication:*'],
              Filter: { Key: { FilterRules: rules } },
            },
          ],
        },
      });

      const rule = seedRule(await auditOf(snapshot));

      expect(rule.gaps.map((gap) => gap.gap)).toEqual(['not-enrolled']);
      expect(rule.gaps[0]?.summary).toContain(`only for keys matching ${shown}`);
      expect(rule.gaps[0]?.summary).toContain('partly enrolled');
    },
  );

  it('counts an intake notification whose prefix contains the rule’s prefix as enrolled', async () => {
    const snapshot = auditSnapshot(seedSnapshot().rulePrefix('finance/2024/'), 'wider intake', {
      notifications: {
        QueueConfigurations: [
          {
            QueueArn: INTAKE_QUEUE_ARN,
            Events: ['s3:Replication:OperationFailedReplication'],
            Filter: { Key: { FilterRules: [{ Name: 'Prefix', Value: 'finance/' }] } },
          },
        ],
      },
    });

    expect(seedRule(await auditOf(snapshot)).gaps).toEqual([]);
  });

  it('leaves enrolment unverified, and the rule inconclusive, when the notification configuration cannot be read', async () => {
    const builder = seedSnapshot();
    const snapshot = auditSnapshot(builder, 'unreadable notifications');
    snapshot.calls = snapshot.calls.filter((call) => call.command !== 'GetBucketNotificationConfiguration');

    const report = await auditOf(snapshot);

    const rule = seedRule(report);
    expect(rule.status).toBe('inconclusive');
    expect(rule.unverified.join(' ')).toContain('s3:GetBucketNotification');
    expect(report.inconclusive).toBe(1);
  });
});

describe('which buckets are audited', () => {
  it('reports a named bucket without replication as a problem', async () => {
    const report = await auditOf(auditSnapshot(seedSnapshot(), 'named'), { buckets: [UNREPLICATED_BUCKET] });

    expect(report.buckets).toEqual([
      expect.objectContaining({ bucket: UNREPLICATED_BUCKET, status: 'not-replicated', rules: [] }),
    ]);
    expect(report.problems).toBe(1);
  });

  it('audits only the named buckets', async () => {
    const { caller, calls } = recording(replay(auditSnapshot(seedSnapshot(), 'named')));

    const report = await runAuditOn(caller, { buckets: [SOURCE_BUCKET], queueArn: INTAKE_QUEUE_ARN });

    expect(report.buckets.map((bucket) => bucket.bucket)).toEqual([SOURCE_BUCKET]);
    expect(calls.map((call) => call.command)).not.toContain('S3:ListBuckets');
  });
});

describe('text report', () => {
  it('prints a healthy rule on one line', async () => {
    const text = renderAuditText(await auditOf(auditSnapshot(seedSnapshot(), 'healthy')));

    expect(text).toContain(
      `OK            rule DR-Replication-Rule → ${DESTINATION_BUCKET} (probes: plain, delete-marker)`,
    );
    expect(text).not.toContain('Cause');
  });

  it('prints each problem with its cause, fix statement and command, and each gap with its fix', async () => {
    const builder = seedSnapshot()
      .crossAccount({ bucketPolicy: 'none' })
      .rule((rule) => {
        delete rule.Destination.Metrics;
      });

    const text = renderAuditText(await auditOf(auditSnapshot(builder, 'problems')));

    expect(text).toContain('PROBLEMS      rule DR-Replication-Rule');
    expect(text).toContain('2 problems');
    expect(text).toContain('Cause 1: destination-bucket-policy / action-not-allowed');
    expect(text).toContain('"Sid": "AllowReplicationFrom123456789012"');
    expect(text).toContain('aws s3api put-bucket-policy --bucket my-destination-bucket-euw1');
    expect(text).toContain('Gap 1: metrics-off');
    expect(text).toContain('Probes: plain, delete-marker');
  });
});
