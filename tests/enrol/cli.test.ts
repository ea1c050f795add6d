import { PutBucketNotificationConfigurationCommand, PutBucketReplicationCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { runEnrol } from '../../shared/cli/commands/enrol.js';
import { UsageError } from '../../shared/cli/errors.js';
import {
  BUSY_NOTIFICATION,
  client,
  installFakeS3,
  QUEUE_ARN,
  SOURCE_BUCKET,
  s3,
  V2_REPLICATION,
} from './fixtures.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { out: (text: string) => out.push(text), err: (text: string) => err.push(text) },
    out: () => out.join('\n'),
    err: () => err.join('\n'),
  };
}

const deps = { s3: client, env: {} };

function writes(): number {
  return (
    s3.commandCalls(PutBucketReplicationCommand).length +
    s3.commandCalls(PutBucketNotificationConfigurationCommand).length
  );
}

describe('enroll and unenroll on the command line', () => {
  it('prints the diff on --dry-run, writes nothing and exits 0', async () => {
    installFakeS3({ [SOURCE_BUCKET]: { notification: BUSY_NOTIFICATION, replication: V2_REPLICATION } });
    const run = capture();

    const status = await runEnrol(
      ['enroll', '--bucket', SOURCE_BUCKET, '--queue-arn', QUEUE_ARN, '--dry-run'],
      run.io,
      deps,
    );

    expect(status).toBe(0);
    expect(writes()).toBe(0);
    expect(run.out()).toContain(`+++ s3://${SOURCE_BUCKET} notification configuration (planned)`);
    expect(run.out()).toContain('+      "Id": "s3-replication-doctor",');
    expect(run.out()).toContain('Dry run: nothing was written.');
  });

  it('enrols, prints the exact unenroll command, and that command restores the bucket byte for byte', async () => {
    // Prepare
    const store = installFakeS3({
      [SOURCE_BUCKET]: { notification: BUSY_NOTIFICATION, replication: V2_REPLICATION },
    });
    const enrol = capture();

    // Act
    const enrolled = await runEnrol(
      ['enroll', '--bucket', SOURCE_BUCKET, '--queue-arn', QUEUE_ARN],
      enrol.io,
      deps,
    );
    const printed = new RegExp(`--queue-arn ${QUEUE_ARN} --rules-enabled-by-us '([^']+)'`).exec(
      enrol.out(),
    )?.[1];
    const unenrol = capture();
    const unenrolled = await runEnrol(
      [
        'unenroll',
        '--bucket',
        SOURCE_BUCKET,
        '--queue-arn',
        QUEUE_ARN,
        '--rules-enabled-by-us',
        printed ?? '',
      ],
      unenrol.io,
      deps,
    );

    // Assess
    expect(enrolled).toBe(0);
    expect(enrol.out()).toContain(
      'Wrote the replication and notification configuration; read back and verified.',
    );
    expect(printed).toBeDefined();
    expect(unenrolled).toBe(0);
    expect(JSON.stringify(store.get(SOURCE_BUCKET)?.notification)).toBe(JSON.stringify(BUSY_NOTIFICATION));
    expect(JSON.stringify(store.get(SOURCE_BUCKET)?.replication)).toBe(JSON.stringify(V2_REPLICATION));
  });

  it('takes the custom resource data (bucket → changes) for several buckets at once', async () => {
    const store = installFakeS3({ [SOURCE_BUCKET]: { notification: {}, replication: V2_REPLICATION } });
    await runEnrol(['enroll', '--bucket', SOURCE_BUCKET, '--queue-arn', QUEUE_ARN], capture().io, deps);
    const data = JSON.stringify({
      [SOURCE_BUCKET]: [
        { ruleId: 'DR-Replication-Rule', before: null },
        { ruleId: 'tagged-archive', before: { Status: 'Disabled', EventThreshold: { Minutes: 15 } } },
        { ruleId: 'paused-logs', before: null },
      ],
    });

    const status = await runEnrol(
      ['unenroll', '--bucket', SOURCE_BUCKET, '--queue-arn', QUEUE_ARN, '--rules-enabled-by-us', data],
      capture().io,
      deps,
    );

    expect(status).toBe(0);
    expect(JSON.stringify(store.get(SOURCE_BUCKET)?.replication)).toBe(JSON.stringify(V2_REPLICATION));
  });

  it('says metrics stay on when unenroll is given no record of them', async () => {
    installFakeS3({ [SOURCE_BUCKET]: { notification: {}, replication: V2_REPLICATION } });
    await runEnrol(['enroll', '--bucket', SOURCE_BUCKET, '--queue-arn', QUEUE_ARN], capture().io, deps);
    const run = capture();

    await runEnrol(['unenroll', '--bucket', SOURCE_BUCKET, '--queue-arn', QUEUE_ARN], run.io, deps);

    expect(run.out()).toContain('note: replication metrics left as they are');
    expect(run.out()).toContain('Wrote the notification configuration; read back and verified.');
  });

  it('exits 1 and names the conflict when a bucket cannot be enrolled, but carries on with the others', async () => {
    const store = installFakeS3({
      [SOURCE_BUCKET]: {
        notification: {
          QueueConfigurations: [
            {
              Id: 'other',
              QueueArn: 'arn:aws:sqs:us-east-1:123456789012:other',
              Events: ['s3:Replication:*'],
            },
          ],
        },
        replication: null,
      },
      'my-other-bucket': { notification: {}, replication: null },
    });
    const run = capture();

    const status = await runEnrol(
      [
        'enroll',
        '--bucket',
        SOURCE_BUCKET,
        '--bucket',
        'my-other-bucket',
        '--bucket',
        'gone',
        '--queue-arn',
        QUEUE_ARN,
      ],
      run.io,
      deps,
    );

    expect(status).toBe(1);
    expect(run.out()).toContain('conflict: notification: queue entry "other" already takes s3:Replication:*');
    expect(run.out()).toContain('Not enrolled: nothing was written.');
    expect(run.err()).toContain(
      'error: EnrolS3Error: s3://gone: GetBucketNotificationConfiguration failed: NoSuchBucket',
    );
    expect(store.get('my-other-bucket')?.notification.QueueConfigurations).toHaveLength(1);
  });

  it.each([
    [['enroll', '--queue-arn', QUEUE_ARN], 'missing --bucket'],
    [['enroll', '--bucket', SOURCE_BUCKET], 'missing --queue-arn'],
    [
      ['enroll', '--bucket', SOURCE_BUCKET, '--queue-arn', 'arn:aws:sns:us-east-1:123456789012:t'],
      'not an SQS queue ARN',
    ],
    [
      ['enroll', '--bucket', SOURCE_BUCKET, '--queue-arn', 'arn:aws:sqs:us-east-1:123456789012:intake.fifo'],
      'S3 cannot notify a FIFO queue',
    ],
    [
      ['unenroll', '--bucket', 'a', '--bucket', 'b', '--queue-arn', QUEUE_ARN, '--rules-enabled-by-us', 'r1'],
      'must be JSON keyed by bucket',
    ],
    [
      ['unenroll', '--bucket', 'a', '--queue-arn', QUEUE_ARN, '--rules-enabled-by-us', '[{"rule":1}]'],
      'each entry needs a ruleId',
    ],
    // Only the entry sending to this queue is ours: another stack may use the same notification id.
    [['unenroll', '--bucket', SOURCE_BUCKET], 'missing --queue-arn'],
  ])('rejects %j as bad usage', async (argv, message) => {
    installFakeS3({});

    const attempt = runEnrol(argv, capture().io, deps);

    await expect(attempt).rejects.toBeInstanceOf(UsageError);
    await expect(attempt).rejects.toThrow(message);
  });
});
