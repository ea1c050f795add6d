import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildNotification } from '../../shared/notify/notification.js';
import { createConfiguredNotifier } from '../../shared/pipeline/configured-notifier.js';
import { rootCause } from '../notify/diagnoses.js';

const sns = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:doctor';

beforeEach(() => sns.reset());

describe('the configured notifier', () => {
  it('loads its channels on the first notification and publishes every notification to the topic', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const notifier = createConfiguredNotifier({ region: 'us-east-1', topicArn: TOPIC });
    const notification = buildNotification({ diagnoses: [rootCause()], mode: 'plan', decision: 'notify' });

    const first = await notifier.notify(notification);
    const second = await notifier.notify(notification);

    expect(first).toMatchObject({ delivered: ['sns'], failed: [] });
    expect(second).toMatchObject({ delivered: ['sns'], failed: [] });
    expect(sns.commandCalls(PublishCommand).map((call) => call.args[0].input.TopicArn)).toEqual([
      TOPIC,
      TOPIC,
    ]);
  });

  it('reports a channel whose secret cannot be read, and still publishes to SNS', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const notifier = createConfiguredNotifier({
      region: 'us-east-1',
      topicArn: TOPIC,
      slackSecret: 'not-a-reference',
    });

    const outcome = await notifier.notify(
      buildNotification({ diagnoses: [rootCause()], mode: 'plan', decision: 'notify' }),
    );

    expect(outcome.delivered).toEqual(['sns']);
    expect(outcome.failed).toEqual([expect.objectContaining({ channel: 'slack' })]);
  });
});
