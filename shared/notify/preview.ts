/**
 * Everything a notification would send, rendered offline: the demo and `notify --preview` print it, so a
 * team can see (and test) its messages before wiring a topic, a Slack app or a webhook.
 */
import type { PublishCommandInput } from '@aws-sdk/client-sns';
import type { Notification } from './notification.js';
import { renderNotificationText } from './notification-text.js';
import { buildSlackMessage, type SlackMessage } from './slack.js';
import { buildSnsPublish } from './sns.js';
import { buildWebhookPayload, type WebhookPayload } from './webhook.js';

/** Stands in for the real topic, which the preview does not need. */
export const PREVIEW_TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:s3-replication-doctor-notifications';

export interface NotificationPreview {
  text: string;
  slack: SlackMessage;
  sns: PublishCommandInput;
  webhook: WebhookPayload;
}

export function renderPreview(
  notification: Notification,
  options: { topicArn?: string } = {},
): NotificationPreview {
  return {
    text: renderNotificationText(notification),
    slack: buildSlackMessage(notification),
    sns: buildSnsPublish(notification, options.topicArn ?? PREVIEW_TOPIC_ARN),
    webhook: buildWebhookPayload(notification),
  };
}
