/**
 * Sends one notification to every configured channel: the SNS topic, Slack (bot token or incoming webhook,
 * whichever the secret holds) and a generic webhook. A channel that fails is reported, not thrown, so one
 * broken channel never stops the others; secrets are resolved per send (the resolver caches them) and never
 * appear in what is reported.
 */
import type { SNSClient } from '@aws-sdk/client-sns';
import type { Notification } from '../notify/notification.js';
import type { SecretResolver } from '../notify/secrets.js';
import { buildSlackMessage } from '../notify/slack.js';
import { createSlackSender, SlackDeliveryError } from '../notify/slack-sender.js';
import { buildSnsPublish, publishToSns } from '../notify/sns.js';
import { buildWebhookPayload, createWebhookSender, WebhookDeliveryError } from '../notify/webhook.js';
import type { NotifyOutcome } from './act-on-diagnoses.js';

export interface NotifierOptions {
  sns?: { client: SNSClient; topicArn: string };
  secrets: SecretResolver;
  /** A secret reference (`ssm:/…`, `secretsmanager:…`) holding a Slack bot token (`xoxb-…`) or an incoming-webhook URL. */
  slackSecret?: string;
  /** The channel to post in with a bot token. */
  slackChannel?: string;
  /** A secret reference holding a webhook URL for other chat tools. */
  webhookSecret?: string;
  /** For tests: HTTP and waiting. */
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  slackApiBaseUrl?: string;
}

export type Channel = 'sns' | 'slack' | 'webhook';

export interface NotifyOptions {
  /** Only these channels (default: every configured one). */
  channels?: readonly Channel[];
  /** Edit this Slack message in place (a bot token is needed) instead of posting a new one. */
  slackMessage?: { ts: string; channel: string };
}

export interface Notifier {
  notify(
    notification: Notification,
    options?: NotifyOptions,
  ): Promise<NotifyOutcome & { slack?: { ts: string; channel: string } }>;
}

function describe(error: unknown): { error: string; permanent: boolean } {
  if (error instanceof SlackDeliveryError || error instanceof WebhookDeliveryError) {
    return { error: error.message, permanent: error.permanent };
  }
  // SNS and secret errors carry names and references only (their messages never hold a secret value).
  return {
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    permanent: false,
  };
}

export function createNotifier(options: NotifierOptions): Notifier {
  const http = {
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
  };
  return {
    async notify(notification, notifyOptions = {}) {
      const wanted = (channel: Channel) =>
        !notifyOptions.channels || notifyOptions.channels.includes(channel);
      const outcome: NotifyOutcome & { slack?: { ts: string; channel: string } } = {
        delivered: [],
        failed: [],
      };
      const attempt = async (channel: string, send: () => Promise<void>) => {
        try {
          await send();
          outcome.delivered.push(channel);
        } catch (error) {
          outcome.failed.push({ channel, ...describe(error) });
        }
      };
      const sends: Promise<void>[] = [];
      const { sns, slackSecret, webhookSecret } = options;
      if (sns && wanted('sns')) {
        sends.push(
          attempt('sns', async () => {
            await publishToSns(sns.client, buildSnsPublish(notification, sns.topicArn));
          }),
        );
      }
      if (slackSecret && wanted('slack')) {
        sends.push(
          attempt('slack', async () => {
            const secret = (await options.secrets.resolve(slackSecret)).trim();
            const sender = createSlackSender({
              ...http,
              ...(secret.startsWith('https://') ? { webhookUrl: secret } : { botToken: secret }),
              ...(options.slackChannel ? { channel: options.slackChannel } : {}),
              ...(options.slackApiBaseUrl ? { apiBaseUrl: options.slackApiBaseUrl } : {}),
            });
            const message = buildSlackMessage(notification);
            const edit = notifyOptions.slackMessage;
            const posted =
              edit && sender.kind === 'web-api'
                ? await sender.update(edit.ts, edit.channel, message)
                : await sender.post(message);
            if (posted.ts && posted.channel) outcome.slack = { ts: posted.ts, channel: posted.channel };
          }),
        );
      }
      if (webhookSecret && wanted('webhook')) {
        sends.push(
          attempt('webhook', async () => {
            const url = (await options.secrets.resolve(webhookSecret)).trim();
            await createWebhookSender({ ...http, url }).send(buildWebhookPayload(notification));
          }),
        );
      }
      await Promise.all(sends);
      return outcome;
    },
  };
}
