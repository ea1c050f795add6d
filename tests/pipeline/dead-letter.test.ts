import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createSqsDeadLetterSink } from '../../shared/aws/dead-letter.js';

const sqs = mockClient(SQSClient);

describe('SQS dead-letter sink', () => {
  beforeEach(() => {
    sqs.reset();
  });

  it('stores the original body untouched with the reason and source message id as attributes', async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm' });
    const sink = createSqsDeadLetterSink(
      async () => new SQSClient({ region: 'us-east-1' }),
      'https://sqs/dlq',
    );

    await sink.send({ body: '{"not":"valid"', reason: 'body is not JSON', sourceId: 'msg-1' });

    const input = sqs.commandCalls(SendMessageCommand)[0]?.args[0].input;
    expect(input).toEqual({
      QueueUrl: 'https://sqs/dlq',
      MessageBody: '{"not":"valid"',
      MessageAttributes: {
        reason: { DataType: 'String', StringValue: 'body is not JSON' },
        sourceMessageId: { DataType: 'String', StringValue: 'msg-1' },
      },
    });
  });

  it('cuts an over-long reason to 1000 characters', async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm' });
    const sink = createSqsDeadLetterSink(
      async () => new SQSClient({ region: 'us-east-1' }),
      'https://sqs/dlq',
    );

    await sink.send({ body: 'b', reason: 'r'.repeat(5000) });

    const attributes = sqs.commandCalls(SendMessageCommand)[0]?.args[0].input.MessageAttributes;
    expect(attributes?.reason?.StringValue).toHaveLength(1000);
    expect(attributes?.sourceMessageId).toBeUndefined();
  });

  it('rejects when SQS refuses, so the caller keeps the record', async () => {
    sqs.on(SendMessageCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    const sink = createSqsDeadLetterSink(
      async () => new SQSClient({ region: 'us-east-1', maxAttempts: 1 }),
      'https://sqs/dlq',
    );

    await expect(sink.send({ body: 'b', reason: 'r' })).rejects.toThrow('denied');
  });
});
