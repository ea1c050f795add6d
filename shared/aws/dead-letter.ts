import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

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

export function createSqsDeadLetterSink(client: SQSClient, queueUrl: string): DeadLetterSink {
  return {
    async send(letter) {
      await client.send(
        new SendMessageCommand({
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
