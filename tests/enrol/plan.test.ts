import type {
  NotificationConfiguration,
  QueueConfiguration,
  ReplicationConfiguration,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { planEnrolment, planUnenrolment } from '../../shared/enrol/plan.js';
import { ENROLMENT_ID } from '../../shared/enrol/types.js';
import { BUSY_NOTIFICATION, QUEUE_ARN, ROLE_ARN, V1_REPLICATION, V2_REPLICATION } from './fixtures.js';

const OUR_ENTRY: QueueConfiguration = { Id: ENROLMENT_ID, QueueArn: QUEUE_ARN, Events: ['s3:Replication:*'] };

function withoutOurEntry<T extends { QueueConfigurations?: Array<{ Id?: string | undefined }> }>(doc: T): T {
  const copy = structuredClone(doc);
  copy.QueueConfigurations = copy.QueueConfigurations?.filter((entry) => entry.Id !== ENROLMENT_ID);
  return copy;
}

describe('planning an enrolment', () => {
  it('appends our queue entry and keeps the Lambda, SNS, SQS and EventBridge configurations byte for byte', () => {
    // Act
    const plan = planEnrolment(
      { notification: BUSY_NOTIFICATION, replication: null },
      { queueArn: QUEUE_ARN },
    );

    // Assess
    expect(plan.notification.QueueConfigurations?.at(-1)).toEqual(OUR_ENTRY);
    expect(JSON.stringify(withoutOurEntry(plan.notification))).toBe(JSON.stringify(BUSY_NOTIFICATION));
    expect(plan.changes).toEqual([
      `notification: add entry "s3-replication-doctor" sending s3:Replication:* to ${QUEUE_ARN}`,
    ]);
    expect(plan.replication).toBeUndefined();
    expect(plan.notes).toContain('no replication configuration: nothing to watch');
  });

  it('creates the queue list when the bucket has no notification configuration at all', () => {
    const plan = planEnrolment({ notification: {}, replication: null }, { queueArn: QUEUE_ARN });

    expect(plan.notification).toEqual({ QueueConfigurations: [OUR_ENTRY] });
  });

  it('turns on metrics for every rule without them, keeps an existing event threshold, and records what each had', () => {
    // Act
    const plan = planEnrolment({ notification: {}, replication: V2_REPLICATION }, { queueArn: QUEUE_ARN });

    // Assess
    const rules = plan.replication?.Rules ?? [];
    expect(rules.map((rule) => rule.Destination?.Metrics)).toEqual([
      { Status: 'Enabled' },
      { Status: 'Enabled', EventThreshold: { Minutes: 15 } },
      { Status: 'Enabled', EventThreshold: { Minutes: 15 } },
      { Status: 'Enabled' },
    ]);
    expect(plan.metricsChanges).toEqual([
      { ruleId: 'DR-Replication-Rule', before: null },
      { ruleId: 'tagged-archive', before: { Status: 'Disabled', EventThreshold: { Minutes: 15 } } },
      { ruleId: 'paused-logs', before: null },
    ]);
  });

  it('changes nothing in a rule but its metrics: filters, priorities, RTC, KMS, owner override, delete markers stay', () => {
    const plan = planEnrolment({ notification: {}, replication: V2_REPLICATION }, { queueArn: QUEUE_ARN });

    const stripped = structuredClone(plan.replication) as ReplicationConfiguration;
    const original = structuredClone(V2_REPLICATION);
    for (const rule of [...(stripped.Rules ?? []), ...(original.Rules ?? [])])
      delete rule.Destination?.Metrics;
    expect(JSON.stringify(stripped)).toBe(JSON.stringify(original));
  });

  it('gives a rule with RTC but no metrics the 15-minute event threshold S3 requires', () => {
    const replication: ReplicationConfiguration = {
      Role: ROLE_ARN,
      Rules: [
        {
          ID: 'rtc-without-metrics',
          Priority: 1,
          Filter: {},
          Status: 'Enabled',
          Destination: {
            Bucket: 'arn:aws:s3:::my-destination-bucket-euw1',
            ReplicationTime: { Status: 'Enabled', Time: { Minutes: 15 } },
          },
          DeleteMarkerReplication: { Status: 'Disabled' },
        },
      ],
    };

    const plan = planEnrolment({ notification: {}, replication }, { queueArn: QUEUE_ARN });

    expect(plan.replication?.Rules?.[0]?.Destination?.Metrics).toEqual({
      Status: 'Enabled',
      EventThreshold: { Minutes: 15 },
    });
  });

  it('keeps V1 Prefix rules in the V1 form while turning their metrics on', () => {
    const plan = planEnrolment({ notification: {}, replication: V1_REPLICATION }, { queueArn: QUEUE_ARN });

    const rules = plan.replication?.Rules ?? [];
    expect(rules.map((rule) => [rule.Prefix, rule.Filter, rule.Priority])).toEqual([
      ['finance/', undefined, undefined],
      ['', undefined, undefined],
    ]);
    expect(rules.every((rule) => rule.Destination?.Metrics?.Status === 'Enabled')).toBe(true);
    expect(plan.changes.filter((line) => line.includes('V1 (Prefix) rule'))).toHaveLength(2);
  });

  it('plans no replication change when every rule already has metrics on', () => {
    const replication = structuredClone(V2_REPLICATION);
    for (const rule of replication.Rules ?? [])
      if (rule.Destination) rule.Destination.Metrics = { Status: 'Enabled', EventThreshold: { Minutes: 15 } };

    const plan = planEnrolment({ notification: {}, replication }, { queueArn: QUEUE_ARN });

    expect(plan.replication).toBeUndefined();
    expect(plan.metricsChanges).toEqual([]);
  });

  it('updates our own entry in place when its events changed, keeping its position', () => {
    const notification = structuredClone(BUSY_NOTIFICATION);
    notification.QueueConfigurations?.unshift({
      Id: ENROLMENT_ID,
      QueueArn: QUEUE_ARN,
      Events: ['s3:Replication:OperationMissedThreshold'],
    });

    const plan = planEnrolment({ notification, replication: null }, { queueArn: QUEUE_ARN });

    expect(plan.notification.QueueConfigurations?.map((entry) => entry.Id)).toEqual([
      ENROLMENT_ID,
      'deletes-to-audit-queue',
    ]);
    expect(plan.notification.QueueConfigurations?.[0]).toEqual(OUR_ENTRY);
    expect(plan.changes[0]).toMatch(/^notification: update entry "s3-replication-doctor"/);
  });

  it('finds nothing to change when S3 returns our entry with its fields in another order', () => {
    // The SDK parses S3's XML into {QueueArn, Events, Id}, not the order enrol writes them in.
    const notification: NotificationConfiguration = {
      QueueConfigurations: [{ QueueArn: QUEUE_ARN, Events: ['s3:Replication:*'], Id: ENROLMENT_ID }],
    };

    const plan = planEnrolment({ notification, replication: null }, { queueArn: QUEUE_ARN });

    expect(plan.changes).toEqual([]);
    expect(JSON.stringify(plan.notification)).toBe(JSON.stringify(notification));
  });

  it('refuses when an entry with our id sends to another queue, which another stack may own', () => {
    const theirs: QueueConfiguration = {
      Id: ENROLMENT_ID,
      QueueArn: 'arn:aws:sqs:us-east-1:123456789012:s3-replication-doctor-dev-intake',
      Events: ['s3:Replication:*'],
    };
    const notification: NotificationConfiguration = { QueueConfigurations: [theirs] };

    const plan = planEnrolment({ notification, replication: null }, { queueArn: QUEUE_ARN });

    expect(plan.conflicts).toEqual([
      `notification: entry "s3-replication-doctor" already sends to ${theirs.QueueArn} (another stack?); give this stack its own notification id`,
    ]);
    expect(plan.notification).toEqual(notification);
  });

  it.each<[string, Omit<QueueConfiguration, 'QueueArn'>, string]>([
    [
      'only the missed-threshold event',
      { Events: ['s3:Replication:OperationMissedThreshold'] },
      'sends s3:Replication:OperationMissedThreshold to',
    ],
    [
      'a prefix filter',
      {
        Events: ['s3:Replication:*'],
        Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'finance/' }] } },
      },
      'for filtered keys only',
    ],
    [
      'a suffix filter',
      {
        Events: ['s3:Replication:OperationFailedReplication'],
        Filter: { Key: { FilterRules: [{ Name: 'suffix', Value: '.csv' }] } },
      },
      'for filtered keys only',
    ],
  ])(
    'refuses an entry to our queue with %s, as failure events for every key would not arrive',
    (_, entry, why) => {
      const notification: NotificationConfiguration = {
        QueueConfigurations: [{ ...entry, Id: 'ops-made-this', QueueArn: QUEUE_ARN }],
      };

      const plan = planEnrolment({ notification, replication: null }, { queueArn: QUEUE_ARN });

      expect(plan.conflicts).toHaveLength(1);
      expect(plan.conflicts[0]).toContain('entry "ops-made-this"');
      expect(plan.conflicts[0]).toContain(why);
      expect(plan.notification).toEqual(notification);
    },
  );

  it('leaves an existing entry that already sends replication events to our queue, and adds none', () => {
    const notification: NotificationConfiguration = {
      QueueConfigurations: [
        { Id: 'ops-made-this', QueueArn: QUEUE_ARN, Events: ['s3:Replication:OperationFailedReplication'] },
      ],
    };

    const plan = planEnrolment({ notification, replication: null }, { queueArn: QUEUE_ARN });

    expect(plan.notification).toEqual(notification);
    expect(plan.changes).toEqual([]);
    expect(plan.notes[0]).toMatch(
      /entry "ops-made-this" already sends s3:Replication:OperationFailedReplication/,
    );
  });

  it('refuses when a topic already takes the replication events, which S3 would reject as overlapping', () => {
    const notification: NotificationConfiguration = {
      TopicConfigurations: [
        {
          Id: 'repl-to-sns',
          TopicArn: 'arn:aws:sns:us-east-1:123456789012:repl',
          Events: ['s3:Replication:*'],
        },
      ],
    };

    const plan = planEnrolment({ notification, replication: null }, { queueArn: QUEUE_ARN });

    expect(plan.conflicts).toEqual([
      'notification: topic entry "repl-to-sns" already takes s3:Replication:*; S3 rejects a second entry for the same events',
    ]);
    expect(plan.notification).toEqual(notification);
  });

  it('uses the given notification id as our marker', () => {
    const plan = planEnrolment(
      { notification: {}, replication: null },
      { queueArn: QUEUE_ARN, id: 'doctor-dev' },
    );

    expect(plan.notification.QueueConfigurations?.[0]?.Id).toBe('doctor-dev');
  });
});

describe('planning an unenrolment', () => {
  function enrolled() {
    const plan = planEnrolment(
      { notification: BUSY_NOTIFICATION, replication: V2_REPLICATION },
      { queueArn: QUEUE_ARN },
    );
    return { state: { notification: plan.notification, replication: plan.replication ?? null }, plan };
  }

  it('removes exactly our entry and restores the notification configuration byte for byte', () => {
    const { state } = enrolled();

    const plan = planUnenrolment(state, { queueArn: QUEUE_ARN });

    expect(JSON.stringify(plan.notification)).toBe(JSON.stringify(BUSY_NOTIFICATION));
    expect(plan.changes).toEqual([`notification: remove entry "s3-replication-doctor" (to ${QUEUE_ARN})`]);
  });

  it('leaves an entry with our id that sends to another stack’s queue', () => {
    const theirs: QueueConfiguration = {
      ...OUR_ENTRY,
      QueueArn: 'arn:aws:sqs:us-east-1:123456789012:dev-intake',
    };

    const plan = planUnenrolment(
      { notification: { QueueConfigurations: [theirs] }, replication: null },
      { queueArn: QUEUE_ARN },
    );

    expect(plan.notification).toEqual({ QueueConfigurations: [theirs] });
    expect(plan.changes).toEqual([]);
    expect(plan.notes[0]).toMatch(
      /sends to arn:aws:sqs:us-east-1:123456789012:dev-intake, not .*: left as it is/,
    );
  });

  it('drops the queue list it created, as S3 returns none when empty', () => {
    const plan = planUnenrolment(
      { notification: { QueueConfigurations: [OUR_ENTRY] }, replication: null },
      { queueArn: QUEUE_ARN },
    );

    expect(plan.notification).toEqual({});
  });

  it('leaves metrics on and says so when it has no record of what enrol changed', () => {
    const { state } = enrolled();

    const plan = planUnenrolment(state, { queueArn: QUEUE_ARN });

    expect(plan.replication).toBeUndefined();
    expect(plan.notes).toContain(
      'replication metrics left as they are (no record of which rules enrol changed)',
    );
  });

  it('turns off exactly the metrics enrol turned on, given its record', () => {
    const { state, plan: enrolment } = enrolled();

    const plan = planUnenrolment(state, { queueArn: QUEUE_ARN, metricsChanges: enrolment.metricsChanges });

    expect(JSON.stringify(plan.replication)).toBe(JSON.stringify(V2_REPLICATION));
  });

  it('leaves metrics someone changed after enrolment, or that RTC now needs', () => {
    const { state, plan: enrolment } = enrolled();
    const rules = state.replication?.Rules ?? [];
    const first = rules[0]?.Destination;
    const last = rules[3]?.Destination;
    if (!first || !last) throw new Error('fixture changed');
    first.Metrics = { Status: 'Enabled', EventThreshold: { Minutes: 15 } };
    last.ReplicationTime = { Status: 'Enabled', Time: { Minutes: 15 } };

    const plan = planUnenrolment(state, { queueArn: QUEUE_ARN, metricsChanges: enrolment.metricsChanges });

    expect(plan.notes).toEqual([
      'replication: rule "DR-Replication-Rule" metrics changed since enrolment: left as they are',
      'replication: rule "paused-logs" now has RTC, which needs metrics: left on',
    ]);
    expect(plan.replication?.Rules?.[2]?.Destination?.Metrics).toEqual({
      Status: 'Disabled',
      EventThreshold: { Minutes: 15 },
    });
  });

  it('notes a rule that no longer exists instead of touching another', () => {
    const plan = planUnenrolment(
      { notification: {}, replication: V1_REPLICATION },
      { queueArn: QUEUE_ARN, metricsChanges: [{ ruleId: 'gone', before: null }] },
    );

    expect(plan.replication).toBeUndefined();
    expect(plan.notes).toContain('replication: rule "gone" no longer exists: nothing to turn off');
  });
});
