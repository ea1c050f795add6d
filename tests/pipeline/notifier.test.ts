import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildNotification } from '../../shared/notify/notification.js';
import type { SecretResolver } from '../../shared/notify/secrets.js';
import { createNotifier } from '../../shared/pipeline/notifier.js';
import { rootCause } from '../notify/diagnoses.js';
import { json, type LocalServer, startLocalServer, text } from '../notify/local-server.js';

const sns = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:doctor';
const notification = buildNotification({ diagnoses: [rootCause()], mode: 'plan', decision: 'notify' });
const noWait = async () => {};

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function secrets(values: Record<string, string>): SecretResolver {
  return {
    async resolve(ref) {
      const value = values[ref];
      if (value === undefined) throw new Error(`no secret ${ref}`);
      return value;
    },
  };
}

describe('the notifier', () => {
  beforeEach(() => {
    sns.reset();
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  });

  it('delivers to SNS, Slack with a bot token (keeping the message ts) and the webhook', async () => {
    // Prepare
    server = await startLocalServer((request) =>
      request.path.startsWith('/api/')
        ? json(200, { ok: true, ts: '1732521600.000100', channel: 'C123' })
        : text(200, 'ok'),
    );
    const notifier = createNotifier({
      sns: { client: new SNSClient({ region: 'us-east-1' }), topicArn: TOPIC },
      secrets: secrets({ 'ssm:/slack': 'xoxb-planted-token', 'ssm:/hook': `${server.baseUrl}/hook/planted` }),
      slackSecret: 'ssm:/slack',
      slackChannel: 'C123',
      webhookSecret: 'ssm:/hook',
      slackApiBaseUrl: `${server.baseUrl}/api`,
      sleep: noWait,
    });

    // Act
    const outcome = await notifier.notify(notification);

    // Assess
    expect(outcome.delivered.sort()).toEqual(['slack', 'sns', 'webhook']);
    expect(outcome.failed).toEqual([]);
    expect(outcome.slack).toEqual({ ts: '1732521600.000100', channel: 'C123' });
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input.TopicArn).toBe(TOPIC);
    const paths = server.received.map((request) => request.path).sort();
    expect(paths).toEqual(['/api/chat.postMessage', '/hook/planted']);
    expect(server.received.find((r) => r.path === '/api/chat.postMessage')?.headers.authorization).toBe(
      'Bearer xoxb-planted-token',
    );
  });

  it('edits the incident message in place with chat.update, on Slack only, when asked', async () => {
    server = await startLocalServer(() => json(200, { ok: true, ts: '1732521600.000100', channel: 'C123' }));
    const notifier = createNotifier({
      sns: { client: new SNSClient({ region: 'us-east-1' }), topicArn: TOPIC },
      secrets: secrets({ 'ssm:/slack': 'xoxb-planted-token' }),
      slackSecret: 'ssm:/slack',
      slackChannel: 'C123',
      slackApiBaseUrl: `${server.baseUrl}/api`,
      sleep: noWait,
    });

    const outcome = await notifier.notify(notification, {
      channels: ['slack'],
      slackMessage: { ts: '1732521600.000100', channel: 'C123' },
    });

    expect(outcome.delivered).toEqual(['slack']);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    expect(server.received.map((r) => r.path)).toEqual(['/api/chat.update']);
    expect(JSON.parse(server.received[0]?.body ?? '{}')).toMatchObject({
      ts: '1732521600.000100',
      channel: 'C123',
    });
  });

  it('reports a revoked Slack webhook as a permanent failure without its URL, and still delivers to SNS', async () => {
    server = await startLocalServer(() => text(404, 'no_service'));
    const webhookUrl = `${server.baseUrl}/services/T000/B000/planted-secret-path`;
    const notifier = createNotifier({
      sns: { client: new SNSClient({ region: 'us-east-1' }), topicArn: TOPIC },
      secrets: secrets({ 'ssm:/slack': webhookUrl }),
      slackSecret: 'ssm:/slack',
      sleep: noWait,
    });

    const outcome = await notifier.notify(notification);

    expect(outcome.delivered).toEqual(['sns']);
    expect(outcome.failed).toHaveLength(1);
    expect(outcome.failed[0]).toMatchObject({ channel: 'slack', permanent: true });
    expect(JSON.stringify(outcome)).not.toContain('planted-secret-path');
  });

  it('reports an unreadable secret and an SNS outage as failures, never throwing', async () => {
    sns.on(PublishCommand).rejects(Object.assign(new Error('down'), { name: 'InternalErrorException' }));
    const notifier = createNotifier({
      sns: { client: new SNSClient({ region: 'us-east-1', maxAttempts: 1 }), topicArn: TOPIC },
      secrets: secrets({}),
      slackSecret: 'ssm:/missing',
      sleep: noWait,
    });

    const outcome = await notifier.notify(notification);

    expect(outcome.delivered).toEqual([]);
    expect(outcome.failed.map((f) => [f.channel, f.permanent]).sort()).toEqual([
      ['slack', false],
      ['sns', false],
    ]);
  });
});
