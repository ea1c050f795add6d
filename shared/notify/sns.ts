/**
 * One SNS message per notification: readable text for email, the full JSON document for programs, and
 * message attributes so a subscription can filter (e.g. only `severity = critical`, only one bucket).
 */
import {
  type MessageAttributeValue,
  PublishCommand,
  type PublishCommandInput,
  type SNSClient,
} from '@aws-sdk/client-sns';
import { clip } from './clip.js';
import type { RenderLimits } from './limits.js';
import type { Notification } from './notification.js';
import { notificationDocument } from './notification-document.js';
import { renderNotificationText } from './notification-text.js';
import { safeText } from './safe-text.js';

/** SNS rejects a publish whose message plus attributes exceed 256 KiB. */
export const SNS_MAX_BYTES = 256 * 1024;
/** SNS: a subject is ASCII, with no line breaks or control characters, "less than 100 characters". */
export const SNS_MAX_SUBJECT_CHARS = 99;
/** Objects kept listed (with evidence) before evidence is dropped to make room. */
const MIN_OBJECTS_WITH_EVIDENCE = 10;
/** The last-resort message cuts every free text to this length. */
const MINIMAL_TEXT_CHARS = 500;

/** Subscribers that get the JSON document; email and `default` (SMS, apps) get the text. */
const JSON_PROTOCOLS = ['sqs', 'lambda', 'http', 'https', 'firehose'] as const;

export class SnsPublishError extends Error {
  override readonly name = 'SnsPublishError';
}

const ASCII_LOOKALIKES: Record<string, string> = { '→': '->', '—': '-', '–': '-', '…': '...' };

export function snsSubject(notification: Notification): string {
  const raw = `[${notification.severity.toUpperCase()}] ${notification.title}`;
  const ascii = [...raw]
    .map((ch) => {
      const code = ch.codePointAt(0) ?? 0;
      if (code >= 0x20 && code <= 0x7e) return ch;
      if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || ch === '\u2028' || ch === '\u2029') return ' ';
      return ASCII_LOOKALIKES[ch] ?? '?';
    })
    .join('')
    .replace(/ {2,}/g, ' ')
    .trim();
  return clip(ascii, SNS_MAX_SUBJECT_CHARS, '...');
}

/**
 * Attribute values come from the event (a forged one may hold any bucket name); SQS subscriptions refuse
 * most control characters in attributes, so they are shown escaped like everywhere else.
 */
function attribute(value: string): MessageAttributeValue {
  return { DataType: 'String', StringValue: safeText(value) };
}

export function snsMessageAttributes(notification: Notification): Record<string, MessageAttributeValue> {
  const [first] = notification.causes;
  return {
    bucket: attribute(notification.sourceBucket),
    location: attribute(first?.location ?? 'none'),
    problem: attribute(first?.problem ?? 'none'),
    action: attribute(notification.decision),
    severity: attribute(notification.severity),
    mode: attribute(notification.mode),
    verdict: attribute(notification.verdict),
    ...(notification.incident
      ? {
          incident: attribute(notification.incident.id),
          incidentState: attribute(notification.incident.state),
        }
      : {}),
  };
}

function messageOf(text: string, json: string): string {
  const message: Record<string, string> = { default: text, email: text };
  for (const protocol of JSON_PROTOCOLS) message[protocol] = json;
  return JSON.stringify(message);
}

function publishOf(notification: Notification, topicArn: string, message: string): PublishCommandInput {
  return {
    TopicArn: topicArn,
    Subject: snsSubject(notification),
    MessageStructure: 'json',
    Message: message,
    MessageAttributes: snsMessageAttributes(notification),
  };
}

/** What SNS counts against its limit: the message, the subject and every attribute's name, type and value. */
export function snsPublishBytes(input: PublishCommandInput): number {
  let bytes = Buffer.byteLength(input.Message ?? '') + Buffer.byteLength(input.Subject ?? '');
  for (const [name, value] of Object.entries(input.MessageAttributes ?? {})) {
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value.DataType ?? '');
    bytes += Buffer.byteLength(value.StringValue ?? '');
  }
  return bytes;
}

function limitedMessage(notification: Notification, limits: RenderLimits): string {
  return messageOf(
    renderNotificationText(notification, limits),
    JSON.stringify(notificationDocument(notification, limits)),
  );
}

/** The largest object count in [low, high] whose message fits, or undefined when even `low` does not. */
function largestFitting(fits: (count: number) => boolean, low: number, high: number): number | undefined {
  if (!fits(low)) return undefined;
  let best = low;
  let top = high;
  while (best < top) {
    const middle = Math.ceil((best + top) / 2);
    if (fits(middle)) best = middle;
    else top = middle - 1;
  }
  return best;
}

/** When even one cause with no objects and no evidence is too big (huge statements): headline facts only. */
function minimalMessage(notification: Notification): string {
  const n = notification;
  const text = [
    `[${n.severity.toUpperCase()}] ${clip(n.title, MINIMAL_TEXT_CHARS)}`,
    n.modeLine,
    ...n.causes
      .slice(0, 20)
      .map((cause) => `${cause.location} / ${cause.problem}: ${clip(cause.summary, MINIMAL_TEXT_CHARS)}`),
    `${n.objects.length} affected objects. The full report was too large for one SNS message; the diagnosis events carry it.`,
  ].join('\n');
  const base = notificationDocument(n, { maxObjects: 0, evidence: false });
  const document = {
    ...base,
    title: clip(base.title, MINIMAL_TEXT_CHARS),
    signature: clip(base.signature, MINIMAL_TEXT_CHARS),
    causes: n.causes.slice(0, 20).map((cause) => ({
      location: cause.location,
      problem: cause.problem,
      missingActions: cause.missingActions.slice(0, 20),
      summary: clip(cause.summary, MINIMAL_TEXT_CHARS),
      evidence: [],
      fix: { summary: clip(cause.fix.summary, MINIMAL_TEXT_CHARS), commands: [] },
    })),
    inconclusive: [],
    notes: [],
    failureReasons: base.failureReasons.slice(0, 20),
    plannedCopies: [],
    omittedPlannedCopies: n.plannedCopies.length,
    evidenceOmitted: true,
    truncated: true,
  };
  return messageOf(text, JSON.stringify(document));
}

/**
 * A publish that always fits SNS's limit: first fewer objects are listed ("…and N more"), then evidence is
 * dropped, and as a last resort only the headline facts are sent. Size never makes a notification fail.
 */
export function buildSnsPublish(notification: Notification, topicArn: string): PublishCommandInput {
  const total = Math.max(notification.objects.length, notification.plannedCopies.length);
  const fitsWith = (evidence: boolean) => (maxObjects: number) =>
    snsPublishBytes(
      publishOf(notification, topicArn, limitedMessage(notification, { maxObjects, evidence })),
    ) <= SNS_MAX_BYTES;

  const withEvidence = largestFitting(fitsWith(true), Math.min(MIN_OBJECTS_WITH_EVIDENCE, total), total);
  if (withEvidence !== undefined) {
    return publishOf(
      notification,
      topicArn,
      limitedMessage(notification, { maxObjects: withEvidence, evidence: true }),
    );
  }
  const withoutEvidence = largestFitting(fitsWith(false), 0, total);
  if (withoutEvidence !== undefined) {
    return publishOf(
      notification,
      topicArn,
      limitedMessage(notification, { maxObjects: withoutEvidence, evidence: false }),
    );
  }
  return publishOf(notification, topicArn, minimalMessage(notification));
}

export async function publishToSns(
  client: SNSClient,
  input: PublishCommandInput,
): Promise<{ messageId?: string }> {
  try {
    const output = await client.send(new PublishCommand(input));
    return output.MessageId ? { messageId: output.MessageId } : {};
  } catch (error) {
    throw new SnsPublishError(`SNS Publish to ${input.TopicArn ?? '(no topic)'} failed`, { cause: error });
  }
}
