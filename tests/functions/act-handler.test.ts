/**
 * The act Lambda as deployed: its module wiring (config from the environment, clients, ports) exercised end
 * to end, with DynamoDB on dynalite and SNS/SSM mocked. A wiring slip (a port not passed) fails here even
 * when every use-case test passes.
 */
import { readFileSync } from 'node:fs';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseSnapshot, snapshotReads } from '../../shared/aws/index.js';
import { diagnose } from '../../shared/diagnosis/index.js';
import { parseEvents } from '../../shared/events/index.js';
import { type LocalDynamo, startDynalite } from '../support/dynalite.js';

const sns = mockClient(SNSClient);
const ssm = mockClient(SSMClient);
const SCENARIO = 'cross-account-destination-bucket-policy-missing';
const read = (file: string) =>
  JSON.parse(readFileSync(new URL(`../../events/scenarios/${SCENARIO}/${file}`, import.meta.url), 'utf8'));

let dynamo: LocalDynamo;
const savedEnv = { ...process.env };
beforeAll(async () => {
  dynamo = await startDynalite();
  const table = await dynamo.createLedgerTable();
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:doctor',
    LEDGER_TABLE: table,
    MODE_PARAMETER_NAME: '/s3-replication-doctor/test/mode',
    DEAD_LETTER_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/act-dlq',
    MODE: 'plan',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'plan' } });
  sns.on(PublishCommand).resolves({ MessageId: 'm' });
});
afterAll(async () => {
  process.env = savedEnv;
  await dynamo.stop();
});

async function sqsEventOf(keys: string[]): Promise<SQSEvent> {
  const [record] = parseEvents(read('event.json'));
  if (record?.kind !== 'failure') throw new Error('no failure');
  const diagnosis = await diagnose(record.failure, snapshotReads(parseSnapshot(read('snapshot.json'))));
  return {
    Records: keys.map((key, i) => ({
      messageId: `m-${key}`,
      receiptHandle: 'r',
      body: JSON.stringify({
        detail: {
          failure: { ...record.failure, key, versionId: `v${i}` },
          diagnosis: { ...diagnosis, failure: { ...diagnosis.failure, key, versionId: `v${i}` } },
          mode: 'plan',
        },
      }),
      attributes: {} as SQSEvent['Records'][number]['attributes'],
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:act',
      awsRegion: 'us-east-1',
    })),
  };
}

describe('the act Lambda, as deployed', () => {
  it('records a storm as one incident: one SNS notice for two batches, nothing left to retry', async () => {
    // Prepare
    vi.resetModules();
    const { handler } = await import('../../functions/act/handler.js');

    // Act
    const first = await handler(await sqsEventOf(['a/1', 'a/2', 'a/3']));
    const second = await handler(await sqsEventOf(['b/1', 'b/2']));

    // Assess
    expect(first.batchItemFailures).toEqual([]);
    expect(second.batchItemFailures).toEqual([]);
    const publishes = sns.commandCalls(PublishCommand);
    expect(publishes).toHaveLength(1);
    expect(publishes[0]?.args[0].input.MessageAttributes?.incidentState?.StringValue).toBe('opened');
  });
});
