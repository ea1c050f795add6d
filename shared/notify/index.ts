/** Notifications: what to say about a diagnosis (channel-neutral), and how to say it on SNS, Slack and webhooks. */
export { andMore, clip } from './clip.js';
export type { AttemptVerdict, DeliveryFailure, DeliveryOptions, DeliveryResult } from './http-delivery.js';
export { parseRetryAfter } from './http-delivery.js';
export type { RenderLimits } from './limits.js';
export type {
  AffectedObject,
  Notification,
  NotificationCause,
  NotificationInput,
  PlannedCopy,
  Severity,
} from './notification.js';
export { buildNotification, causeSignature, groupByCause, NotificationInputError } from './notification.js';
export type { NotificationDocument } from './notification-document.js';
export { NOTIFICATION_DOCUMENT_KIND, notificationDocument } from './notification-document.js';
export { describeObject, renderNotificationText } from './notification-text.js';
export type { NotificationPreview } from './preview.js';
export { PREVIEW_TOPIC_ARN, renderPreview } from './preview.js';
export { describeFailure, renderDiagnosisText } from './render-text.js';
export { safeText } from './safe-text.js';
export type { SecretRef, SecretResolver, SecretResolverOptions } from './secrets.js';
export { createSecretResolver, parseSecretRef, SecretError } from './secrets.js';
export type { SlackBlock, SlackMessage, SlackText } from './slack.js';
export { buildSlackMessage } from './slack.js';
export { escapeSlack } from './slack-format.js';
export type { SlackOperation, SlackPosted, SlackSender, SlackSenderOptions } from './slack-sender.js';
export { createSlackSender, SLACK_API_BASE_URL, SlackDeliveryError } from './slack-sender.js';
export {
  buildSnsPublish,
  publishToSns,
  SNS_MAX_BYTES,
  SNS_MAX_SUBJECT_CHARS,
  SnsPublishError,
  snsMessageAttributes,
  snsPublishBytes,
  snsSubject,
} from './sns.js';
export type { WebhookPayload, WebhookSender, WebhookSenderOptions } from './webhook.js';
export { buildWebhookPayload, createWebhookSender, WebhookDeliveryError } from './webhook.js';
