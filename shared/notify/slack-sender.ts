/**
 * Posts Slack messages. With a bot token it uses the Web API (`chat.postMessage`, `chat.update`), which
 * returns the message's `ts` so a later update edits it in place; with only an incoming-webhook URL it
 * posts (a webhook cannot update). A message is never dropped silently: what cannot be delivered throws
 * `SlackDeliveryError` for the caller to log and count. The token and the webhook URL (which is itself a
 * secret) never appear in an error message.
 */
import {
  type AttemptVerdict,
  DeliveryError,
  type DeliveryFailure,
  type DeliveryOptions,
  postWithRetry,
  statusVerdict,
} from './http-delivery.js';
import type { SlackMessage } from './slack.js';

export const SLACK_API_BASE_URL = 'https://slack.com/api';

/** Web API errors that are Slack's side and pass with time. */
const TRANSIENT_API_ERRORS = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

export type SlackOperation = 'chat.postMessage' | 'chat.update' | 'incoming webhook';

export class SlackDeliveryError extends DeliveryError {
  override readonly name = 'SlackDeliveryError';

  constructor(operation: SlackOperation, failure: Omit<DeliveryFailure, 'cause'>, options?: ErrorOptions) {
    super(`Slack ${operation}`, failure, options);
  }
}

export interface SlackSenderOptions extends DeliveryOptions {
  botToken?: string;
  /** Channel ID (or name) for the Web API; required with a bot token. */
  channel?: string;
  webhookUrl?: string;
  /** Overridable so tests can point at a local server. Default https://slack.com/api */
  apiBaseUrl?: string;
}

export interface SlackPosted {
  /** The message's timestamp id (Web API only): pass it to `update`. */
  ts?: string;
  channel?: string;
}

export interface SlackSender {
  readonly kind: 'web-api' | 'webhook';
  post(message: SlackMessage): Promise<SlackPosted>;
  update(ts: string, channel: string, message: SlackMessage): Promise<SlackPosted>;
}

/** Replies are data for us, never a cue to link-ify or unfurl anything from an object key. */
const QUIET = { unfurl_links: false, unfurl_media: false };

function configError(operation: SlackOperation, code: string): SlackDeliveryError {
  return new SlackDeliveryError(operation, { code, permanent: true, attempts: 0 });
}

/**
 * Slack's error codes are lowercase snake_case (`invalid_auth`, `no_service`). Anything else in that place
 * is not from Slack and may be an echo of what we sent (a proxy quoting the bot token): never shown.
 */
function slackCode(value: unknown, fallback: string): string {
  return typeof value === 'string' && /^[a-z][a-z0-9_]{0,63}$/.test(value) ? value : fallback;
}

async function interpretApi(response: Response): Promise<AttemptVerdict<SlackPosted>> {
  const body = await response.text();
  const shared = statusVerdict(response);
  if (shared) return shared;
  if (!response.ok) return { kind: 'fail', code: `http_${response.status}`, status: response.status };
  let reply: { ok?: unknown; error?: unknown; ts?: unknown; channel?: unknown };
  try {
    reply = JSON.parse(body) as typeof reply;
  } catch {
    return { kind: 'retry', code: 'invalid_response', status: response.status };
  }
  if (reply.ok === true) {
    return {
      kind: 'done',
      value: {
        ...(typeof reply.ts === 'string' ? { ts: reply.ts } : {}),
        ...(typeof reply.channel === 'string' ? { channel: reply.channel } : {}),
      },
    };
  }
  const code = slackCode(reply.error, 'unknown_error');
  return TRANSIENT_API_ERRORS.has(code)
    ? { kind: 'retry', code, status: response.status }
    : { kind: 'fail', code, status: response.status };
}

async function interpretWebhook(response: Response): Promise<AttemptVerdict<SlackPosted>> {
  const body = (await response.text()).trim();
  const shared = statusVerdict(response);
  if (shared) return shared;
  if (response.ok) return { kind: 'done', value: {} };
  // Slack answers a webhook with a code in the body: no_service (revoked), channel_not_found, invalid_payload...
  return { kind: 'fail', code: slackCode(body, `http_${response.status}`), status: response.status };
}

export function createSlackSender(options: SlackSenderOptions): SlackSender {
  const { botToken, channel, webhookUrl } = options;
  const apiBaseUrl = (options.apiBaseUrl ?? SLACK_API_BASE_URL).replace(/\/+$/, '');

  async function send<T>(
    operation: SlackOperation,
    url: string,
    headers: Record<string, string>,
    payload: unknown,
    interpret: (response: Response) => Promise<AttemptVerdict<T>>,
  ): Promise<T> {
    const result = await postWithRetry(
      {
        url,
        headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
        body: JSON.stringify(payload),
      },
      interpret,
      options,
    );
    if (result.ok) return result.value;
    const { cause, ...failure } = result.failure;
    throw new SlackDeliveryError(operation, failure, cause ? { cause } : undefined);
  }

  if (botToken) {
    const auth = { authorization: `Bearer ${botToken}` };
    return {
      kind: 'web-api',
      async post(message) {
        if (!channel) throw configError('chat.postMessage', 'channel_required');
        return send(
          'chat.postMessage',
          `${apiBaseUrl}/chat.postMessage`,
          auth,
          { channel, ...message, ...QUIET },
          interpretApi,
        );
      },
      async update(ts, updateChannel, message) {
        return send(
          'chat.update',
          `${apiBaseUrl}/chat.update`,
          auth,
          { channel: updateChannel, ts, ...message },
          interpretApi,
        );
      },
    };
  }
  if (webhookUrl) {
    if (!URL.canParse(webhookUrl)) throw configError('incoming webhook', 'invalid_webhook_url');
    return {
      kind: 'webhook',
      async post(message) {
        return send('incoming webhook', webhookUrl, {}, { ...message, ...QUIET }, interpretWebhook);
      },
      async update() {
        // An incoming webhook has no message id to edit: posting again would duplicate, not update.
        throw configError('chat.update', 'update_needs_bot_token');
      },
    };
  }
  throw configError('chat.postMessage', 'not_configured');
}
