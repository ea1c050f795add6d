import type { SQSClient } from '@aws-sdk/client-sqs';
import { onFirstUse } from '../on-first-use.js';

export interface DeadLetter {
  body: string;
  reason: string;
  sourceId?: string;
}

export interface DeadLetterSink {
  /** Rejects when the message could not be stored: the caller must then keep the record for a retry. */
  send(letter: DeadLetter): Promise<void>;
}

// SQS message attribute values are limited; a reason longer than this is cut, the body never is.
const MAX_REASON = 1000;

/** An SQS client, given when first needed: `sqsOnFirstUse(region)`, or a test's own. */
export type SqsClientSource = () => Promise<Pick<SQSClient, 'send'>>;

/** The SQS client, loaded on the first dead letter: most batches have none, and their cold start skips it. */
export function sqsOnFirstUse(region: string): SqsClientSource {
  return onFirstUse(async () => (await import('./sqs-send.js')).createSqsClient(region));
}

export function createSqsDeadLetterSink(client: SqsClientSource, queueUrl: string): DeadLetterSink {
  return {
    async send(letter) {
      const [sqs, { sendMessageCommand }] = await Promise.all([client(), import('./sqs-send.js')]);
      await sqs.send(
        sendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: letter.body,
          MessageAttributes: {
            reason: { DataType: 'String', StringValue: letter.reason.slice(0, MAX_REASON) },
            ...(letter.sourceId
              ? { sourceMessageId: { DataType: 'String', StringValue: letter.sourceId } }
              : {}),
          },
        }),
      );
    },
  };
}
