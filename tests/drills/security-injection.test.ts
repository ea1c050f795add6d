/**
 * Security drill: object keys and bucket names come from outside. Whatever they hold (control
 * characters, newlines, terminal escapes, Slack markdown and mention syntax), they must not forge a line,
 * ping a channel, disguise a link or break the SNS subject in any rendering of a notification.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Diagnosis } from '../../shared/diagnosis/types.js';
import {
  buildNotification,
  buildSlackMessage,
  buildSnsPublish,
  buildWebhookPayload,
  renderNotificationText,
  SNS_MAX_SUBJECT_CHARS,
} from '../../shared/notify/index.js';
import { rootCause } from '../notify/diagnoses.js';

const HOSTILE_PIECES = [
  '\n',
  '\r\n',
  '\r',
  '\u0000',
  '\u0007',
  '\u001b[31m',
  '\u0085',
  '\u2028',
  '\u2029',
  '\t',
  '*bold*',
  '_italic_',
  '~strike~',
  '`',
  '```',
  '> quoted',
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<@U123>',
  '<#C123>',
  '<https://evil.example|click>',
  '&lt;!channel&gt;',
  '&',
  '|',
  '%0A',
];

/** A key that tries to start a line of its own with this text. */
const FORGED = 'FORGED: all clear';

const hostileText = fc
  .array(fc.oneof(fc.constantFrom(...HOSTILE_PIECES), fc.string({ unit: 'binary', maxLength: 6 })), {
    minLength: 1,
    maxLength: 10,
  })
  .map((parts) => parts.join(''));

function diagnosisFor(bucket: string, key: string): Diagnosis {
  const diagnosis = rootCause(key);
  return { ...diagnosis, failure: { ...diagnosis.failure, sourceBucket: bucket } };
}

/** Every string inside a JSON value. */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(stringsIn);
  return [];
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding raw control characters is the point
const CONTROL_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

function expectNoInjection(bucket: string, key: string): void {
  const notification = buildNotification({
    diagnoses: [diagnosisFor(bucket, key), diagnosisFor(bucket, `${key}-2`)],
    mode: 'plan',
    decision: 'notify',
  });

  // Slack: no raw `<` anywhere (no mention, no disguised link), no forged line, no raw control character.
  const slack = JSON.stringify(buildSlackMessage(notification));
  expect(slack).not.toContain('<');
  for (const piece of stringsIn(JSON.parse(slack))) {
    expect(piece).not.toMatch(CONTROL_BUT_NEWLINE);
    expect(piece.split('\n').some((line) => line.replace(/^[>*_~` ]+/, '').startsWith(FORGED))).toBe(false);
  }

  // Plain text (SNS email, webhook `text`, terminal): one line per item, nothing forged, no escapes.
  const texts = [renderNotificationText(notification), buildWebhookPayload(notification).text];
  for (const text of texts) {
    expect(text).not.toMatch(CONTROL_BUT_NEWLINE);
    expect(text.split('\n').some((line) => line.trimStart().startsWith(FORGED))).toBe(false);
  }

  // SNS: the subject is printable ASCII under the limit; the JSON message parses back.
  const publish = buildSnsPublish(notification, 'arn:aws:sns:us-east-1:123456789012:doctor');
  expect(publish.Subject).toMatch(/^[\x20-\x7e]*$/);
  expect((publish.Subject ?? '').length).toBeLessThanOrEqual(SNS_MAX_SUBJECT_CHARS);
  const message = JSON.parse(publish.Message ?? '') as Record<string, string>;
  expect(message.email).not.toMatch(CONTROL_BUT_NEWLINE);
  for (const value of Object.values(publish.MessageAttributes ?? {})) {
    expect(value.StringValue ?? '').not.toMatch(CONTROL_BUT_NEWLINE);
  }
}

describe('hostile keys and bucket names cannot inject (security drill)', () => {
  it.each(HOSTILE_PIECES.map((piece) => [JSON.stringify(piece), piece]))(
    'renders a key and bucket holding %s inertly in Slack, text and SNS',
    (_label, piece) => {
      expectNoInjection(`bucket${piece}x`, `photos/${piece}/a.jpg${'\n'}${FORGED}`);
    },
  );

  it('renders any mix of hostile pieces inertly (property)', () => {
    fc.assert(
      fc.property(hostileText, hostileText, (bucket, key) => {
        expectNoInjection(bucket, `${key}\n${FORGED}`);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps an escaped mention escaped once, so it shows as typed rather than pinging', () => {
    const slack = JSON.stringify(
      buildSlackMessage(
        buildNotification({
          diagnoses: [diagnosisFor('my-source-bucket-use1', 'x/<!channel>.txt')],
          mode: 'plan',
          decision: 'notify',
        }),
      ),
    );
    expect(slack).toContain('&lt;!channel&gt;');
  });
});
