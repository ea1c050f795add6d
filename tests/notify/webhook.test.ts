import { afterEach, describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../shared/notify/http-delivery.js';
import { buildNotification } from '../../shared/notify/notification.js';
import {
  buildWebhookPayload,
  createWebhookSender,
  WebhookDeliveryError,
} from '../../shared/notify/webhook.js';
import { rootCause, storm } from './diagnoses.js';
import { json, type LocalServer, type Reply, startLocalServer, text } from './local-server.js';

const SECRET_PATH = '/hooks/PLANTEDWEBHOOKSECRET';
const notification = buildNotification({ diagnoses: [rootCause()], mode: 'plan', decision: 'notify' });

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

async function caught(promise: Promise<unknown>): Promise<WebhookDeliveryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error instanceof WebhookDeliveryError) return error;
  throw new Error(`expected a WebhookDeliveryError, got ${String(error)}`);
}

describe('the webhook payload', () => {
  it('is the notification document with a ready-made text', () => {
    const payload = buildWebhookPayload(notification);

    expect(payload).toMatchObject({
      kind: 's3-replication-doctor.notification',
      version: 1,
      severity: 'critical',
      mode: 'plan',
      modeLine: 'Mode: plan — nothing was changed',
      objectCount: 1,
    });
    expect(payload.causes[0]?.fix.policyStatement?.Sid).toBe('AllowReplicationToDestination');
    expect(payload.text).toContain('[CRITICAL]');
  });

  it('lists at most 100 objects and counts the rest', () => {
    const payload = buildWebhookPayload(
      buildNotification({ diagnoses: storm(250), mode: 'plan', decision: 'notify' }),
    );

    expect(payload.objects).toHaveLength(100);
    expect(payload.omittedObjects).toBe(150);
    expect(payload.diagnoses.length).toBeLessThanOrEqual(10);
    expect(payload.text).toContain('…and 150 more');
  });
});

describe('posting to a generic webhook', () => {
  it('POSTs the payload as JSON', async () => {
    const local = await serve(() => text(204, ''));
    const sender = createWebhookSender({
      url: `${local.baseUrl}${SECRET_PATH}`,
      headers: { 'x-signature': 's' },
    });

    const result = await sender.send(buildWebhookPayload(notification));

    expect(result).toEqual({ status: 204 });
    const [request] = local.received;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe(SECRET_PATH);
    expect(request?.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(request?.headers['x-signature']).toBe('s');
    expect(JSON.parse(request?.body ?? '')).toMatchObject({ title: notification.title, objectCount: 1 });
  });

  it('waits for Retry-After on 429 and then delivers', async () => {
    const local = await serve((i) =>
      i === 0 ? text(429, 'slow down', { 'retry-after': '1' }) : json(200, {}),
    );
    const { waits, sleep } = recordSleeps();
    const sender = createWebhookSender({ url: `${local.baseUrl}${SECRET_PATH}`, sleep });

    await sender.send({ a: 1 });

    expect(waits).toEqual([1000]);
    expect(local.received).toHaveLength(2);
  });

  it('gives up after maxAttempts of 429 with a retryable error', async () => {
    const local = await serve(() => text(429, 'slow down', { 'retry-after': '1' }));
    const { sleep } = recordSleeps();
    const sender = createWebhookSender({ url: `${local.baseUrl}${SECRET_PATH}`, sleep, maxAttempts: 2 });

    const error = await caught(sender.send({ a: 1 }));

    expect(error).toMatchObject({ code: 'rate_limited', status: 429, permanent: false, attempts: 2 });
    expect(local.received).toHaveLength(2);
  });

  it('retries a 502 with backoff', async () => {
    const local = await serve((i) => (i === 0 ? text(502, 'bad gateway') : text(200, 'ok')));
    const { waits, sleep } = recordSleeps();
    const sender = createWebhookSender({ url: `${local.baseUrl}${SECRET_PATH}`, sleep, backoffMs: 50 });

    await sender.send({ a: 1 });

    expect(waits).toEqual([50]);
  });

  it('reports a 404 as a permanent WebhookDeliveryError without the URL in it', async () => {
    const local = await serve(() => text(404, `no such hook ${SECRET_PATH}`));
    const sender = createWebhookSender({ url: `${local.baseUrl}${SECRET_PATH}` });

    const error = await caught(sender.send({ a: 1 }));

    expect(error).toMatchObject({
      name: 'WebhookDeliveryError',
      code: 'http_404',
      status: 404,
      permanent: true,
    });
    expect(`${error.message} ${error.stack} ${JSON.stringify(error)}`).not.toContain('PLANTEDWEBHOOKSECRET');
    expect(local.received).toHaveLength(1);
  });
});

describe('reading Retry-After', () => {
  it('reads seconds and HTTP dates, and ignores what it cannot read', () => {
    const now = Date.parse('2024-10-01T12:00:00Z');

    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('0.5', now)).toBe(500);
    expect(parseRetryAfter('Tue, 01 Oct 2024 12:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Tue, 01 Oct 2024 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
