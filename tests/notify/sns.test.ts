import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Diagnosis } from '../../shared/diagnosis/types.js';
import { buildNotification } from '../../shared/notify/notification.js';
import type { NotificationDocument } from '../../shared/notify/notification-document.js';
import {
  buildSnsPublish,
  publishToSns,
  SNS_MAX_BYTES,
  SnsPublishError,
  snsPublishBytes,
  snsSubject,
} from '../../shared/notify/sns.js';
import { SOURCE_BUCKET } from '../support/seed-setup.js';
import { rolePolicyCause, rootCause, storm } from './diagnoses.js';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:replication-doctor';
const sns = mockClient(SNSClient);

function notify(diagnoses: Diagnosis[]) {
  return buildNotification({ diagnoses, mode: 'plan', decision: 'notify' });
}

function messageOf(input: { Message?: string }): Record<string, string> {
  return JSON.parse(input.Message ?? '') as Record<string, string>;
}

function documentOf(input: { Message?: string }, protocol = 'sqs'): NotificationDocument {
  return JSON.parse(messageOf(input)[protocol] ?? '') as NotificationDocument;
}

describe('the SNS publish', () => {
  it('is a JSON message structure with readable text for email and the full document for programs', () => {
    const input = buildSnsPublish(notify([rootCause()]), TOPIC);

    expect(input.TopicArn).toBe(TOPIC);
    expect(input.MessageStructure).toBe('json');
    const message = messageOf(input);
    expect(Object.keys(message).sort()).toEqual([
      'default',
      'email',
      'firehose',
      'http',
      'https',
      'lambda',
      'sqs',
    ]);
    expect(message.email).toContain('Cause 1: replication-role-policy / action-not-allowed');
    expect(message.default).toBe(message.email);
    for (const protocol of ['sqs', 'lambda', 'http', 'https', 'firehose']) {
      const document = documentOf(input, protocol);
      expect(document.kind).toBe('s3-replication-doctor.notification');
      expect(document.diagnoses[0]?.causes[0]?.missingActions).toEqual(['s3:ReplicateObject']);
      expect(document.objectCount).toBe(1);
    }
  });

  it('carries message attributes that subscription filter policies can match', () => {
    const input = buildSnsPublish(notify([rootCause()]), TOPIC);

    const attributes = Object.fromEntries(
      Object.entries(input.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        [value.DataType, value.StringValue],
      ]),
    );
    expect(attributes).toEqual({
      bucket: ['String', SOURCE_BUCKET],
      location: ['String', 'replication-role-policy'],
      problem: ['String', 'action-not-allowed'],
      action: ['String', 'notify'],
      severity: ['String', 'critical'],
      mode: ['String', 'plan'],
      verdict: ['String', 'root-cause-found'],
    });
  });

  it('has an ASCII subject of at most 100 characters without control characters', () => {
    const long = notify([
      { ...rootCause(), failure: { ...rootCause().failure, sourceBucket: `a${'b'.repeat(62)}` } },
    ]);
    const withNewline = { ...long, title: 'Line one\nLine\ttwo\u0007 → done…' };

    const subject = snsSubject(long);
    const cleaned = snsSubject(withNewline);

    expect(subject.length).toBeLessThanOrEqual(100);
    expect(subject.endsWith('...')).toBe(true);
    expect(subject).toMatch(/^\[CRITICAL\] Replication blocked/);
    expect(cleaned).toBe('[CRITICAL] Line one Line two -> done...');
    for (const s of [subject, cleaned]) expect(s).toMatch(/^[\x20-\x7e]+$/);
  });

  it('keeps a 5,000-object notification under 256 KiB by listing fewer objects with "…and N more"', () => {
    const input = buildSnsPublish(notify(storm(5000)), TOPIC);

    expect(snsPublishBytes(input)).toBeLessThanOrEqual(SNS_MAX_BYTES);
    expect(snsPublishBytes(input)).toBeGreaterThan(Buffer.byteLength(input.Message ?? ''));
    const document = documentOf(input);
    expect(document.objectCount).toBe(5000);
    expect(document.objects.length).toBeGreaterThan(10);
    expect(document.omittedObjects).toBe(5000 - document.objects.length);
    expect(document.evidenceOmitted).toBe(false);
    expect(messageOf(input).email).toContain(`…and ${document.omittedObjects} more`);
  });

  it('lists every object when they fit', () => {
    const input = buildSnsPublish(notify(storm(20)), TOPIC);

    expect(documentOf(input).objects).toHaveLength(20);
    expect(messageOf(input).email).not.toContain('…and');
  });

  it('drops the evidence once the object list alone cannot make the message fit', () => {
    const cause = {
      ...rolePolicyCause(),
      evidence: Array.from({ length: 400 }, (_, i) => `statement ${i}: ${'x'.repeat(60)}`),
    };
    const diagnoses = storm(50).map((d) => ({ ...d, causes: [cause] }));

    const input = buildSnsPublish(notify(diagnoses), TOPIC);

    expect(snsPublishBytes(input)).toBeLessThanOrEqual(SNS_MAX_BYTES);
    const document = documentOf(input);
    expect(document.evidenceOmitted).toBe(true);
    expect(document.causes[0]?.evidence).toEqual([]);
    expect(messageOf(input).email).toContain('Evidence left out to fit the message size limit');
  });

  it('never fails for size: a cause too big to send even alone still yields a message with the headline', () => {
    const huge = rolePolicyCause();
    huge.fix = { ...huge.fix, commands: [`aws s3api put-bucket-policy --policy '${'y'.repeat(300_000)}'`] };
    const n = notify([rootCause('k', 'v', huge)]);

    const input = buildSnsPublish(n, TOPIC);

    expect(snsPublishBytes(input)).toBeLessThanOrEqual(SNS_MAX_BYTES);
    expect(messageOf(input).email).toContain('[CRITICAL] Replication blocked');
    expect(messageOf(input).email).toContain('too large for one SNS message');
    expect(documentOf(input).objectCount).toBe(1);
  });

  it('counts bytes, not characters, so multi-byte keys cannot push it over the limit', () => {
    const input = buildSnsPublish(
      notify(storm(3000, (i) => `写真/二〇二四/画像-${i}-${'é'.repeat(200)}.jpg`)),
      TOPIC,
    );

    expect(snsPublishBytes(input)).toBeLessThanOrEqual(SNS_MAX_BYTES);
    expect(documentOf(input).omittedObjects).toBeGreaterThan(0);
  });
});

describe('publishing to SNS', () => {
  beforeEach(() => sns.reset());

  it('sends the built input and returns the message id', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const input = buildSnsPublish(notify([rootCause()]), TOPIC);

    const result = await publishToSns(new SNSClient({ region: 'us-east-1' }), input);

    expect(result).toEqual({ messageId: 'm-1' });
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input).toEqual(input);
  });

  it('throws SnsPublishError with the SDK error as cause when SNS refuses', async () => {
    const denied = Object.assign(new Error('not authorized'), { name: 'AuthorizationErrorException' });
    sns.on(PublishCommand).rejects(denied);

    const publish = publishToSns(
      new SNSClient({ region: 'us-east-1' }),
      buildSnsPublish(notify([rootCause()]), TOPIC),
    );

    await expect(publish).rejects.toBeInstanceOf(SnsPublishError);
    await expect(publish).rejects.toMatchObject({ cause: denied });
  });
});
