import { afterEach, describe, expect, it } from 'vitest';
import { buildNotification } from '../../shared/notify/notification.js';
import { buildSlackMessage } from '../../shared/notify/slack.js';
import { createSlackSender, SlackDeliveryError } from '../../shared/notify/slack-sender.js';
import { rootCause } from './diagnoses.js';
import { json, type LocalServer, type Reply, startLocalServer, text } from './local-server.js';

const TOKEN = 'xoxb-1111-2222-PLANTEDSECRETTOKEN';
const WEBHOOK_PATH = '/services/T0001/B0002/PLANTEDWEBHOOKSECRET';
const message = buildSlackMessage(
  buildNotification({ diagnoses: [rootCause()], mode: 'plan', decision: 'notify' }),
);

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(reply: (index: number) => Reply): Promise<LocalServer> {
  server = await startLocalServer((_request, index) => reply(index));
  return server;
}

function recordSleeps() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

async function caught(promise: Promise<unknown>): Promise<SlackDeliveryError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SlackDeliveryError) return error;
    throw error;
  }
  throw new Error('expected a SlackDeliveryError');
}

describe('posting with a bot token (Web API)', () => {
  it('posts to chat.postMessage with the bearer token and returns the ts that update then edits', async () => {
    const local = await serve(() => json(200, { ok: true, channel: 'C0OPS', ts: '1712345678.000100' }));
    const sender = createSlackSender({ botToken: TOKEN, channel: 'C0OPS', apiBaseUrl: local.baseUrl });

    const posted = await sender.post(message);
    await sender.update(posted.ts ?? '', posted.channel ?? '', message);

    expect(posted).toEqual({ ts: '1712345678.000100', channel: 'C0OPS' });
    const [post, update] = local.received;
    expect(post?.path).toBe('/chat.postMessage');
    expect(post?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(post?.headers['content-type']).toBe('application/json; charset=utf-8');
    const postBody = JSON.parse(post?.body ?? '') as Record<string, unknown>;
    expect(postBody).toMatchObject({ channel: 'C0OPS', text: message.text, unfurl_links: false });
    expect(postBody.blocks).toEqual(message.blocks);
    expect(update?.path).toBe('/chat.update');
    expect(JSON.parse(update?.body ?? '')).toMatchObject({ channel: 'C0OPS', ts: '1712345678.000100' });
  });

  it('waits as long as Retry-After asks on a 429, then posts', async () => {
    const local = await serve((i) =>
      i === 0
        ? json(429, { ok: false, error: 'ratelimited' }, { 'retry-after': '1' })
        : json(200, { ok: true, channel: 'C0OPS', ts: '1.2' }),
    );
    const { waits, sleep } = recordSleeps();
    const sender = createSlackSender({ botToken: TOKEN, channel: 'C0OPS', apiBaseUrl: local.baseUrl, sleep });

    const posted = await sender.post(message);

    expect(posted.ts).toBe('1.2');
    expect(waits).toEqual([1000]);
    expect(local.received).toHaveLength(2);
  });

  it('throws a retryable SlackDeliveryError after maxAttempts when Slack keeps answering 429', async () => {
    const local = await serve(() => json(429, { ok: false, error: 'ratelimited' }, { 'retry-after': '2' }));
    const { waits, sleep } = recordSleeps();
    const sender = createSlackSender({
      botToken: TOKEN,
      channel: 'C0OPS',
      apiBaseUrl: local.baseUrl,
      sleep,
      maxAttempts: 3,
    });

    const error = await caught(sender.post(message));

    expect(error).toMatchObject({
      code: 'rate_limited',
      status: 429,
      permanent: false,
      attempts: 3,
      retryAfterSeconds: 2,
    });
    expect(waits).toEqual([2000, 2000]);
    expect(local.received).toHaveLength(3);
  });

  it('does not hold the function when Retry-After asks for longer than allowed', async () => {
    const local = await serve(() => json(429, { ok: false, error: 'ratelimited' }, { 'retry-after': '120' }));
    const { waits, sleep } = recordSleeps();
    const sender = createSlackSender({ botToken: TOKEN, channel: 'C0OPS', apiBaseUrl: local.baseUrl, sleep });

    const error = await caught(sender.post(message));

    expect(error).toMatchObject({
      code: 'rate_limited',
      permanent: false,
      attempts: 1,
      retryAfterSeconds: 120,
    });
    expect(waits).toEqual([]);
  });

  it('backs off and retries a 5xx, then succeeds', async () => {
    const local = await serve((i) => (i < 2 ? text(503, 'unavailable') : json(200, { ok: true, ts: '9.9' })));
    const { waits, sleep } = recordSleeps();
    const sender = createSlackSender({ botToken: TOKEN, channel: 'C0OPS', apiBaseUrl: local.baseUrl, sleep });

    expect((await sender.post(message)).ts).toBe('9.9');
    expect(waits).toEqual([500, 1000]);
  });

  it('treats a 200 with ok:false invalid_auth as a permanent error without retrying', async () => {
    const local = await serve(() => json(200, { ok: false, error: 'invalid_auth' }));
    const sender = createSlackSender({ botToken: TOKEN, channel: 'C0OPS', apiBaseUrl: local.baseUrl });

    const error = await caught(sender.post(message));

    expect(error).toMatchObject({
      name: 'SlackDeliveryError',
      code: 'invalid_auth',
      status: 200,
      permanent: true,
    });
    expect(error.message).toBe('Slack chat.postMessage failed: invalid_auth (HTTP 200) after 1 attempt(s)');
    expect(local.received).toHaveLength(1);
  });

  it('retries a transient Web API error (internal_error)', async () => {
    const local = await serve((i) =>
      i === 0 ? json(200, { ok: false, error: 'internal_error' }) : json(200, { ok: true, ts: '3.3' }),
    );
    const { sleep } = recordSleeps();
    const sender = createSlackSender({ botToken: TOKEN, channel: 'C0OPS', apiBaseUrl: local.baseUrl, sleep });

    expect((await sender.post(message)).ts).toBe('3.3');
  });

  it('reports channel_not_found on update as permanent', async () => {
    const local = await serve(() => json(200, { ok: false, error: 'channel_not_found' }));
    const sender = createSlackSender({ botToken: TOKEN, channel: 'C0OPS', apiBaseUrl: local.baseUrl });

    const error = await caught(sender.update('1.1', 'C0GONE', message));

    expect(error).toMatchObject({ code: 'channel_not_found', permanent: true });
    expect(error.message).toContain('chat.update');
  });

  it('needs a channel to post with a bot token', async () => {
    const sender = createSlackSender({ botToken: TOKEN });

    expect(await caught(sender.post(message))).toMatchObject({ code: 'channel_required', permanent: true });
  });
});

describe('posting to an incoming webhook', () => {
  it('posts the message to the webhook URL (no ts: a webhook cannot be edited)', async () => {
    const local = await serve(() => text(200, 'ok'));
    const sender = createSlackSender({ webhookUrl: `${local.baseUrl}${WEBHOOK_PATH}` });

    const posted = await sender.post(message);

    expect(posted).toEqual({});
    expect(local.received[0]?.path).toBe(WEBHOOK_PATH);
    expect(local.received[0]?.headers.authorization).toBeUndefined();
    expect(JSON.parse(local.received[0]?.body ?? '')).toMatchObject({
      text: message.text,
      blocks: message.blocks,
    });
    expect(sender.kind).toBe('webhook');
    expect(await caught(sender.update('1.1', 'C0OPS', message))).toMatchObject({
      code: 'update_needs_bot_token',
    });
  });

  it('reports a revoked webhook (404 no_service) as a permanent SlackDeliveryError with its status', async () => {
    const local = await serve(() => text(404, 'no_service'));
    const { waits, sleep } = recordSleeps();
    const sender = createSlackSender({ webhookUrl: `${local.baseUrl}${WEBHOOK_PATH}`, sleep });

    const error = await caught(sender.post(message));

    expect(error).toMatchObject({ code: 'no_service', status: 404, permanent: true, attempts: 1 });
    expect(waits).toEqual([]);
  });

  it('honours Retry-After on a webhook 429 too', async () => {
    const local = await serve((i) =>
      i === 0 ? text(429, 'rate_limited', { 'retry-after': '1' }) : text(200, 'ok'),
    );
    const { waits, sleep } = recordSleeps();
    const sender = createSlackSender({ webhookUrl: `${local.baseUrl}${WEBHOOK_PATH}`, sleep });

    await sender.post(message);

    expect(waits).toEqual([1000]);
    expect(local.received).toHaveLength(2);
  });

  it('reports 410 channel_is_archived as permanent', async () => {
    const local = await serve(() => text(410, 'channel_is_archived'));
    const sender = createSlackSender({ webhookUrl: `${local.baseUrl}${WEBHOOK_PATH}` });

    expect(await caught(sender.post(message))).toMatchObject({
      code: 'channel_is_archived',
      status: 410,
      permanent: true,
    });
  });

  it('needs a token or a webhook URL', () => {
    expect(() => createSlackSender({})).toThrow(SlackDeliveryError);
  });
});

function captureThrow(make: () => unknown): unknown {
  try {
    return make();
  } catch (error) {
    return error;
  }
}

function everythingIn(error: SlackDeliveryError): string {
  const cause = error.cause instanceof Error ? `${error.cause.message} ${error.cause.stack ?? ''}` : '';
  return [error.message, String(error), error.stack ?? '', JSON.stringify(error), cause].join('\n');
}

describe('secrets stay out of errors', () => {
  it('never puts the token or the webhook URL into any error message, cause or property', async () => {
    const replies: Reply[] = [
      text(404, `no_service ${WEBHOOK_PATH}`),
      text(400, `invalid_payload for ${TOKEN}`),
      json(200, { ok: false, error: `bad ${TOKEN}` }),
      json(200, { ok: false, error: 'invalid_auth', token: TOKEN }),
      text(500, TOKEN),
    ];
    const sleep = async () => {};
    const errors: unknown[] = [];
    for (const reply of replies) {
      const local = await serve(() => reply);
      const viaApi = createSlackSender({
        botToken: TOKEN,
        channel: 'C0OPS',
        apiBaseUrl: local.baseUrl,
        sleep,
      });
      const viaWebhook = createSlackSender({ webhookUrl: `${local.baseUrl}${WEBHOOK_PATH}`, sleep });
      errors.push(
        await viaApi.post(message).catch((error: unknown) => error),
        await viaApi.update('1', 'C', message).catch((error: unknown) => error),
      );
      // A webhook's 200 is success whatever the body says; the others are errors.
      if (reply.status !== 200) errors.push(await viaWebhook.post(message).catch((error: unknown) => error));
      await local.close();
      server = undefined;
    }
    // Nothing listening there: a network error.
    const closed = createSlackSender({
      webhookUrl: `http://127.0.0.1:9${WEBHOOK_PATH}`,
      sleep,
      maxAttempts: 1,
    });
    const refused = await closed.post(message).catch((error: unknown) => error);
    // A network error whose own message quotes the URL (fetch's may) is reduced to its name and code.
    const quoting = createSlackSender({
      webhookUrl: `https://hooks.slack.com${WEBHOOK_PATH}`,
      sleep,
      fetch: async (url) => {
        throw new TypeError(`fetch failed for ${String(url)}`, { cause: { code: 'ECONNRESET', url } });
      },
    });
    const quoted = await quoting.post(message).catch((error: unknown) => error);
    const malformed = captureThrow(() => createSlackSender({ webhookUrl: `not a url ${WEBHOOK_PATH}` }));
    errors.push(refused, quoted, malformed);

    expect(errors.filter((error) => !(error instanceof SlackDeliveryError))).toEqual([]);
    expect(refused).toMatchObject({ code: 'network_error', permanent: false, attempts: 1 });
    expect(quoted).toMatchObject({ code: 'network_error', attempts: 3 });
    expect((quoted as Error).cause).toEqual(new Error('TypeError: ECONNRESET'));
    expect(malformed).toMatchObject({ code: 'invalid_webhook_url', permanent: true });
    for (const error of errors as SlackDeliveryError[]) {
      expect(everythingIn(error)).not.toContain('PLANTEDSECRETTOKEN');
      expect(everythingIn(error)).not.toContain('PLANTEDWEBHOOKSECRET');
    }
  });
});
