import type {
  Event,
  NotificationConfiguration,
  ReplicationConfiguration,
  ReplicationRule,
} from '@aws-sdk/client-s3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planEnrolment, planUnenrolment } from '../../shared/enrol/plan.js';
import { QUEUE_ARN, ROLE_ARN } from './fixtures.js';

const filter = fc.option(
  fc.record({
    Key: fc.record({
      FilterRules: fc.array(
        fc.record({ Name: fc.constantFrom('prefix' as const, 'suffix' as const), Value: fc.string() }),
        { maxLength: 2 },
      ),
    }),
  }),
  { nil: undefined },
);
// Any event but the replication ones, which would collide with ours.
const events = fc.subarray<Event>(
  ['s3:ObjectCreated:*', 's3:ObjectRemoved:*', 's3:ObjectRestore:Post', 's3:LifecycleExpiration:*'],
  {
    minLength: 1,
  },
);
const id = fc.string({ minLength: 1, maxLength: 12 });

const notification: fc.Arbitrary<NotificationConfiguration> = fc.record(
  {
    TopicConfigurations: fc.array(
      fc.record({ Id: id, TopicArn: fc.string(), Events: events, Filter: filter }),
      {
        minLength: 1,
        maxLength: 3,
      },
    ),
    QueueConfigurations: fc.array(
      fc.record({ Id: id, QueueArn: fc.string(), Events: events, Filter: filter }),
      {
        minLength: 1,
        maxLength: 3,
      },
    ),
    LambdaFunctionConfigurations: fc.array(
      fc.record({ Id: id, LambdaFunctionArn: fc.string(), Events: events, Filter: filter }),
      { minLength: 1, maxLength: 3 },
    ),
    EventBridgeConfiguration: fc.constant({}),
  },
  { requiredKeys: [] },
);

const status = fc.constantFrom('Enabled' as const, 'Disabled' as const);
const rule: fc.Arbitrary<ReplicationRule> = fc.record(
  {
    ID: fc.string({ minLength: 1, maxLength: 20 }),
    Priority: fc.nat(10),
    Prefix: fc.string(),
    Filter: fc.oneof(fc.record({ Prefix: fc.string() }), fc.constant({})),
    Status: status,
    Destination: fc.record(
      {
        Bucket: fc.constant('arn:aws:s3:::my-destination-bucket-euw1'),
        Account: fc.constant('444455556666'),
        StorageClass: fc.constantFrom('STANDARD' as const, 'GLACIER' as const),
        AccessControlTranslation: fc.constant({ Owner: 'Destination' as const }),
        Metrics: fc.record(
          { Status: status, EventThreshold: fc.constant({ Minutes: 15 }) },
          { requiredKeys: ['Status'] },
        ),
      },
      { requiredKeys: ['Bucket'] },
    ),
    DeleteMarkerReplication: fc.record({ Status: status }),
  },
  { requiredKeys: ['ID', 'Status', 'Destination'] },
);
const replication: fc.Arbitrary<ReplicationConfiguration> = fc.record({
  Role: fc.constant(ROLE_ARN),
  Rules: fc.uniqueArray(rule, { selector: (r) => r.ID, minLength: 1, maxLength: 5 }),
});

describe('enrol then unenrol on any configuration', () => {
  it('gives back both documents byte for byte when unenrol has the record of the metrics', () => {
    fc.assert(
      fc.property(notification, fc.option(replication, { nil: null }), (note, repl) => {
        const enrolment = planEnrolment({ notification: note, replication: repl }, { queueArn: QUEUE_ARN });
        const enrolled = { notification: enrolment.notification, replication: enrolment.replication ?? repl };

        const undone = planUnenrolment(enrolled, {
          queueArn: QUEUE_ARN,
          metricsChanges: enrolment.metricsChanges,
        });

        expect(enrolment.conflicts).toEqual([]);
        expect(JSON.stringify(undone.notification)).toBe(JSON.stringify(note));
        expect(JSON.stringify(undone.replication ?? enrolled.replication)).toBe(JSON.stringify(repl));
      }),
    );
  });

  it('never changes a field other than a rule’s metrics, and turns every rule’s metrics on', () => {
    fc.assert(
      fc.property(replication, (repl) => {
        const plan = planEnrolment({ notification: {}, replication: repl }, { queueArn: QUEUE_ARN });
        const after = structuredClone(plan.replication ?? repl);
        const before = structuredClone(repl);

        expect(after.Rules?.every((r) => r.Destination?.Metrics?.Status === 'Enabled')).toBe(true);
        for (const r of [...(after.Rules ?? []), ...(before.Rules ?? [])]) delete r.Destination?.Metrics;
        expect(JSON.stringify(after)).toBe(JSON.stringify(before));
      }),
    );
  });
});
