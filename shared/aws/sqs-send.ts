/**
 * The SQS client and the one command dead letters send, in a module of their own for `import()`: importing
 * the SDK package itself that way would keep every SQS command in the bundle.
 */
import { SendMessageCommand, type SendMessageCommandInput, SQSClient } from '@aws-sdk/client-sqs';

export function createSqsClient(region: string): SQSClient {
  return new SQSClient({ region });
}

export function sendMessageCommand(input: SendMessageCommandInput): SendMessageCommand {
  return new SendMessageCommand(input);
}
