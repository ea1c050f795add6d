/**
 * A generic webhook for chat tools other than Slack (Teams workflows, Mattermost bridges, Google Chat
 * relays, an in-house endpoint): the notification document as a JSON POST, with the same retry rules as
 * Slack. The URL usually holds a secret, so it never appears in an error message.
 */
import {
  type AttemptVerdict,
  DeliveryError,
  type DeliveryFailure,
  type DeliveryOptions,
  postWithRetry,
  statusVerdict,
} from './http-delivery.js';
import type { Notification } from './notification.js';
import { type NotificationDocument, notificationDocument } from './notification-document.js';
import { renderNotificationText } from './notification-text.js';

/** Enough objects for a reader to see the pattern; the count says how many there are. */
const WEBHOOK_MAX_OBJECTS = 100;

export class WebhookDeliveryError extends DeliveryError {
  override readonly name = 'WebhookDeliveryError';

  constructor(failure: Omit<DeliveryFailure, 'cause'>, options?: ErrorOptions) {
    super('webhook delivery', failure, options);
  }
}

/** The notification document plus a ready-made `text` for tools that only show one string. */
export interface WebhookPayload extends NotificationDocument {
  text: string;
}

export function buildWebhookPayload(notification: Notification): WebhookPayload {
  const limits = { maxObjects: WEBHOOK_MAX_OBJECTS, evidence: true };
  return {
    ...notificationDocument(notification, limits),
    text: renderNotificationText(notification, limits),
  };
}

export interface WebhookSenderOptions extends DeliveryOptions {
  url: string;
  /** Extra headers (e.g. a shared-secret header); their values are never logged either. */
  headers?: Record<string, string>;
}

export interface WebhookSender {
  send(payload: unknown): Promise<{ status: number }>;
}

async function interpret(response: Response): Promise<AttemptVerdict<{ status: number }>> {
  await response.text();
  const shared = statusVerdict(response);
  if (shared) return shared;
  if (response.ok) return { kind: 'done', value: { status: response.status } };
  return { kind: 'fail', code: `http_${response.status}`, status: response.status };
}

export function createWebhookSender(options: WebhookSenderOptions): WebhookSender {
  return {
    async send(payload) {
      const result = await postWithRetry(
        {
          url: options.url,
          headers: { 'content-type': 'application/json; charset=utf-8', ...options.headers },
          body: JSON.stringify(payload),
        },
        interpret,
        options,
      );
      if (result.ok) return result.value;
      const { cause, ...failure } = result.failure;
      throw new WebhookDeliveryError(failure, cause ? { cause } : undefined);
    },
  };
}
