import {
  GetBucketNotificationConfigurationCommand,
  type NotificationConfiguration,
  PutBucketNotificationConfigurationCommand,
  PutBucketReplicationCommand,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { EnrolS3Error, EnrolVerificationError } from '../../shared/enrol/errors.js';
import { enrolBucket, unenrolBucket } from '../../shared/enrol/execute.js';
import {
  BUSY_NOTIFICATION,
  client,
  installFakeS3,
  notificationPuts,
  QUEUE_ARN,
  replicationPuts,
  SOURCE_BUCKET,
  s3,
  V1_REPLICATION,
  V2_REPLICATION,
} from './fixtures.js';

describe.each([
  ['V2 multi-rule', V2_REPLICATION],
  ['V1 multi-rule', V1_REPLICATION],
])('enrolling and unenrolling a busy bucket with %s replication', (_name, replication) => {
  it('leaves every notification and replication setting not ours byte for byte as before', async () => {
    // Prepare
    installFakeS3({ [SOURCE_BUCKET]: { notification: BUSY_NOTIFICATION, replication } });

    // Act
    const enrolled = await enrolBucket(client, SOURCE_BUCKET, { queueArn: QUEUE_ARN });
    const unenrolled = await unenrolBucket(client, SOURCE_BUCKET, {
      queueArn: QUEUE_ARN,
      metricsChanges: enrolled.plan.metricsChanges,
    });

    // Assess
    expect(enrolled.kind).toBe('applied');
    expect(unenrolled.kind).toBe('applied');
    expect(JSON.stringify(notificationPuts().at(-1))).toBe(JSON.stringify(BUSY_NOTIFICATION));
    expect(JSON.stringify(replicationPuts().at(-1))).toBe(JSON.stringify(replication));
  });

  it('turns metrics on before it adds the notification, and adds nothing else', async () => {
    installFakeS3({ [SOURCE_BUCKET]: { notification: BUSY_NOTIFICATION, replication } });

    const outcome = await enrolBucket(client, SOURCE_BUCKET, { queueArn: QUEUE_ARN });

    const puts = s3
      .calls()
      .map((call) => call.args[0].constructor.name)
      .filter((name) => name.startsWith('Put'));
    expect(puts).toEqual(['PutBucketReplicationCommand', 'PutBucketNotificationConfigurationCommand']);
    expect(outcome).toMatchObject({ kind: 'applied', wrote: ['replication', 'notification'] });
    const [put] = s3.commandCalls(PutBucketNotificationConfigurationCommand);
    expect(put?.args[0].input.SkipDestinationValidation).toBe(false);
    const notification = notificationPuts()[0];
    expect(JSON.stringify(notification?.QueueConfigurations?.slice(0, -1))).toBe(
      JSON.stringify(BUSY_NOTIFICATION.QueueConfigurations),
    );
    expect(
      replicationPuts()[0]?.Rules?.every((rule) => rule.Destination?.Metrics?.Status === 'Enabled'),
    ).toBe(true);
  });
});

describe('enrolling a bucket', () => {
  it('is idempotent: a second enrol finds nothing to change and writes nothing', async () => {
    installFakeS3({ [SOURCE_BUCKET]: { notification: BUSY_NOTIFICATION, replication: V2_REPLICATION } });
    await enrolBucket(client, SOURCE_BUCKET, { queueArn: QUEUE_ARN });
    const writesAfterFirst =
      s3.commandCalls(PutBucketReplicationCommand).length +
      s3.commandCalls(PutBucketNotificationConfigurationCommand).length;

    const second = await enrolBucket(client, SOURCE_BUCKET, { queueArn: QUEUE_ARN });

    expect(second.kind).toBe('unchanged');
    expect(second.diff).toBe('');
    expect(
      s3.commandCalls(PutBucketReplicationCommand).length +
        s3.commandCalls(PutBucketNotificationConfigurationCommand).length,
    ).toBe(writesAfterFirst);
  });

  it('finds an enrolled bucket unchanged when S3 returns our entry with its fields in its own order', async () => {
    installFakeS3(
      { [SOURCE_BUCKET]: { notification: BUSY_NOTIFICATION, replication: V2_REPLICATION } },
      {
        rewrite(bucket) {
          // The SDK parses S3's XML into {QueueArn, Events, Id}.
          bucket.notification.QueueConfigurations = bucket.notification.QueueConfigurations?.map(
            ({ Id, QueueArn, Events, ...rest }) => ({ QueueArn, Events, Id, ...rest }),
          );
        },
      },
    );
    await enrolBucket(client, SOURCE_BUCKET, { queueArn: QUEUE_ARN });
    const putsAfterFirst = notificationPuts().length;

    const second = await enrolBucket(client, SOURCE_BUCKET, { queueArn: QUEUE_ARN });

    expect(second.kind).toBe('unchanged');
    expect(notificationPuts()).toHaveLength(putsAfterFirst);
  });

  it('writes nothing on a dry run and shows the diff of only what changes', async () => {
    const store = installFakeS3({
      [SOURCE_BUCKET]: { notification: BUSY_NOTIFICATION, replication: V2_REPLICATION },
    });

    const outcome = await enrolBucket(client, SOURCE_BUCKET, { queueArn: QUEUE_ARN }, { dryRun: true });

    expect(outcome.kind).toBe('dry-run');
    expect(s3.commandCalls(PutBucketReplicationCommand)).toHaveLength(0);
    expect(s3.commandCalls(PutBucketNotificationConfigurationCommand)).toHaveLength(0);
    expect(store.get(SOURCE_BUCKET)?.notification).toEqual(BUSY_NOTIFICATION);
    const lines = outcome.diff.split('\n');
    expect(lines.filter((line) => line.startsWith('---') || line.startsWith('@@'))).toEqual([
      `--- s3://${SOURCE_BUCKET} replication configuration (now)`,
      '@@ -22,6 +22,9 @@',
      '@@ -75,7 +78,7 @@',
      '@@ -92,7 +95,10 @@',
      `--- s3://${SOURCE_BUCKET} notification configuration (now)`,
      '@@ -40,6 +40,13 @@',
    ]);
    expect(lines.filter((line) => /^[-+][^-+]/.test(line))).toEqual([
      '+        },',
      '+        "Metrics": {',
      '+          "Status": "Enabled"',
      '-          "Status": "Disabled",',
      '+          "Status": "Enabled",',
      '-        "StorageClass": "GLACIER"',
      '+        "StorageClass": "GLACIER",',
      '+        "Metrics": {',
      '+          "Status": "Enabled"',
      '+        }',
      '+    },',
      '+    {',
      '+      "Id": "s3-replication-doctor",',
      `+      "QueueArn": "${QUEUE_ARN}",`,
      '+      "Events": [',
      '+        "s3:Replication:*"',
      '+      ]',
    ]);
    // The unchanged Lambda configuration is outside every hunk.
    expect(outcome.diff).not.toContain('thumbnails');
  });

  it('fails with the differing field when the configuration read back is not the one written', async () => {
    installFakeS3(
      { [SOURCE_BUCKET]: { notification: BUSY_NOTIFICATION, replication: V2_REPLICATION } },
      {
        rewrite(bucket) {
          // A concurrent writer put back the notification configuration it had read before ours.
          bucket.notification = structuredClone(BUSY_NOTIFICATION);
        },
      },
    );

    const waits: number[] = [];
    const sleep = async (ms: number) => {
      waits.push(ms);
    };

    const attempt = enrolBucket(client, SOURCE_BUCKET, { queueArn: QUEUE_ARN }, { sleep });

    await expect(attempt).rejects.toBeInstanceOf(EnrolVerificationError);
    await expect(attempt).rejects.toThrow(
      /notification configuration read back differs from the plan at QueueConfigurations/,
    );
    // It read back again with backoff before giving up, for about 30 seconds in all.
    expect(waits.reduce((sum, ms) => sum + ms, 0)).toBe(30_000);
  });

  it('reads back again when the first read-back right after the write is stale', async () => {
    const store = installFakeS3({ [SOURCE_BUCKET]: { notification: BUSY_NOTIFICATION, replication: null } });
    let reads = 0;
    s3.on(GetBucketNotificationConfigurationCommand).callsFake(() => {
      reads++;
      // Read 1 plans, read 2 comes right after the write and still sees the old document.
      const notification = reads === 2 ? BUSY_NOTIFICATION : store.get(SOURCE_BUCKET)?.notification;
      return { $metadata: { httpStatusCode: 200 }, ...structuredClone(notification) };
    });
    const waits: number[] = [];
    const sleep = async (ms: number) => {
      waits.push(ms);
    };

    const outcome = await enrolBucket(client, SOURCE_BUCKET, { queueArn: QUEUE_ARN }, { sleep });

    expect(outcome.kind).toBe('applied');
    expect(reads).toBe(3);
    expect(waits).toEqual([1_000]);
  });

  it('only adds the notification on a bucket without replication, and says there is nothing to watch', async () => {
    installFakeS3({ [SOURCE_BUCKET]: { notification: {}, replication: null } });

    const outcome = await enrolBucket(client, SOURCE_BUCKET, { queueArn: QUEUE_ARN });

    expect(outcome).toMatchObject({ kind: 'applied', wrote: ['notification'] });
    expect(outcome.plan.notes).toContain('no replication configuration: nothing to watch');
    expect(s3.commandCalls(PutBucketReplicationCommand)).toHaveLength(0);
  });

  it('writes nothing when another entry already takes the replication events', async () => {
    const notification: NotificationConfiguration = {
      LambdaFunctionConfigurations: [
        {
          Id: 'repl-lambda',
          LambdaFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:repl',
          Events: ['s3:Replication:OperationFailedReplication'],
        },
      ],
    };
    installFakeS3({ [SOURCE_BUCKET]: { notification, replication: V2_REPLICATION } });

    const outcome = await enrolBucket(client, SOURCE_BUCKET, { queueArn: QUEUE_ARN });

    expect(outcome.kind).toBe('refused');
    expect(outcome.plan.conflicts[0]).toMatch(/Lambda function entry "repl-lambda"/);
    expect(s3.commandCalls(PutBucketReplicationCommand)).toHaveLength(0);
    expect(s3.commandCalls(PutBucketNotificationConfigurationCommand)).toHaveLength(0);
  });

  it('reports a missing bucket as an S3 error with its code', async () => {
    installFakeS3({});

    const attempt = enrolBucket(client, 'no-such-bucket', { queueArn: QUEUE_ARN });

    await expect(attempt).rejects.toBeInstanceOf(EnrolS3Error);
    await expect(attempt).rejects.toMatchObject({
      code: 'NoSuchBucket',
      operation: 'GetBucketNotificationConfiguration',
    });
  });
});

describe('unenrolling a bucket', () => {
  it('removes the entry first, leaves metrics on without a record, and verifies', async () => {
    const store = installFakeS3({
      [SOURCE_BUCKET]: { notification: BUSY_NOTIFICATION, replication: V2_REPLICATION },
    });
    await enrolBucket(client, SOURCE_BUCKET, { queueArn: QUEUE_ARN });
    const enrolledReplication = structuredClone(store.get(SOURCE_BUCKET)?.replication);
    s3.resetHistory();

    const outcome = await unenrolBucket(client, SOURCE_BUCKET, { queueArn: QUEUE_ARN });

    expect(outcome).toMatchObject({ kind: 'applied', wrote: ['notification'] });
    expect(store.get(SOURCE_BUCKET)?.notification).toEqual(BUSY_NOTIFICATION);
    expect(store.get(SOURCE_BUCKET)?.replication).toEqual(enrolledReplication);
  });

  it('writes nothing on a bucket that was never enrolled', async () => {
    installFakeS3({ [SOURCE_BUCKET]: { notification: BUSY_NOTIFICATION, replication: V2_REPLICATION } });

    const outcome = await unenrolBucket(client, SOURCE_BUCKET, { queueArn: QUEUE_ARN });

    expect(outcome.kind).toBe('unchanged');
    expect(s3.commandCalls(PutBucketNotificationConfigurationCommand)).toHaveLength(0);
  });
});
