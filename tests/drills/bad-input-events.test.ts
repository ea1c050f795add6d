/**
 * Bad input for the event parser, beyond `tests/events/robustness.test.ts` (random JSON, random text,
 * random cuts and random field values): envelopes nested in random order, keys in random unicode and
 * encodings, a cut at EVERY byte of every real sample, and wrong types at EVERY field path of a real record.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeS3EventKey,
  EVENT_PARSE_ERROR_CODES,
  EventParseError,
  MAX_ENVELOPE_DEPTH,
  type ParsedRecord,
  parseEvents,
  parseEventText,
} from '../../shared/events/index.js';
import { listSamples, readSampleText, sampleRecord } from '../events/samples.js';
import { fieldPaths, setAt } from '../support/field-paths.js';

function expectWellFormed(parsed: ParsedRecord[]): void {
  for (const item of parsed) {
    if (item.kind === 'invalid') {
      expect(item.error).toBeInstanceOf(EventParseError);
      expect(EVENT_PARSE_ERROR_CODES).toContain(item.error.code);
    } else if (item.kind === 'failure') {
      const { failure } = item;
      // A failure is fully typed, or it is not a failure.
      expect(typeof failure.key).toBe('string');
      expect(typeof failure.sourceBucket).toBe('string');
      expect(failure.sourceBucket).not.toBe('');
      expect(typeof failure.destinationBucket).toBe('string');
      expect(typeof failure.ruleId).toBe('string');
      expect(['number', 'undefined']).toContain(typeof failure.size);
      expect(['string', 'undefined']).toContain(typeof failure.versionId);
      expect(['string', 'undefined']).toContain(typeof failure.failureReason);
    } else {
      expect(item.kind).toBe('ignored');
    }
  }
}

type Wrapper = (inner: unknown, id: string) => unknown;

/** Every envelope the system receives events in; `id` names an SQS message where there is one. */
/** `levels`: how many envelope levels the parser counts for the wrapper (an array and a payload each count). */
const WRAPPERS: Record<string, { wrap: Wrapper; sqs: boolean; levels: number }> = {
  'sqs-record': {
    wrap: (inner, id) => ({
      Records: [{ messageId: id, eventSource: 'aws:sqs', body: JSON.stringify(inner) }],
    }),
    sqs: true,
    levels: 1,
  },
  'sqs-api-message': {
    wrap: (inner, id) => ({ MessageId: id, Body: JSON.stringify(inner) }),
    sqs: true,
    levels: 1,
  },
  'sqs-receive-output': {
    wrap: (inner, id) => ({ Messages: [{ MessageId: id, Body: JSON.stringify(inner) }] }),
    sqs: true,
    levels: 2,
  },
  'sns-record': {
    wrap: (inner) => ({
      Records: [
        {
          EventSource: 'aws:sns',
          Sns: {
            Type: 'Notification',
            TopicArn: 'arn:aws:sns:us-east-1:1:t',
            Message: JSON.stringify(inner),
          },
        },
      ],
    }),
    sqs: false,
    levels: 1,
  },
  'sns-notification': {
    wrap: (inner) => ({
      Type: 'Notification',
      TopicArn: 'arn:aws:sns:us-east-1:1:t',
      Message: JSON.stringify(inner),
    }),
    sqs: false,
    levels: 1,
  },
  eventbridge: {
    wrap: (inner) => ({ 'detail-type': 'S3 Replication Event', source: 'x', detail: inner }),
    sqs: false,
    levels: 1,
  },
  'eventbridge-string-detail': {
    wrap: (inner) => ({ 'detail-type': 'x', source: 'y', detail: JSON.stringify(inner) }),
    sqs: false,
    levels: 1,
  },
  list: { wrap: (inner) => [inner], sqs: false, levels: 1 },
};
const WRAPPER_NAMES = Object.keys(WRAPPERS);

const keyText = fc.oneof(
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
  fc.string({ unit: 'grapheme-composite', minLength: 1, maxLength: 10 }),
  fc.constantFrom(
    'a b+c.jpg',
    '100%.txt',
    'été/日本/😀',
    'x%2By',
    '../../etc/passwd',
    'a\u0000b',
    '\u202Eevil',
  ),
);

describe('the parser under bad input (properties and exhaustive drills)', () => {
  it('finds the one record through envelopes nested in any order, naming the outermost SQS message', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...WRAPPER_NAMES), { maxLength: 4 }), keyText, (chain, key) => {
        const record = sampleRecord();
        record.s3.object.key = encodeURIComponent(key);
        let event: unknown = { Records: [record] };
        let outermostSqs: string | undefined;
        let levels = 0;
        chain.forEach((name, level) => {
          const wrapper = WRAPPERS[name];
          if (!wrapper) throw new Error(name);
          event = wrapper.wrap(event, `m-${level}`);
          levels += wrapper.levels;
          if (wrapper.sqs) outermostSqs = `m-${level}`;
        });
        const parsed = parseEvents(event);
        expectWellFormed(parsed);
        expect(parsed).toHaveLength(1);
        const [item] = parsed;
        expect(item?.sourceId).toBe(outermostSqs);
        if (levels > MAX_ENVELOPE_DEPTH) {
          expect(item?.kind === 'invalid' && item.error.code).toBe('too-deep');
          return;
        }
        expect(item?.kind).toBe('failure');
        if (item?.kind === 'failure') expect(item.failure.key).toBe(key);
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses envelopes nested deeper than the limit as too deep, without throwing', () => {
    fc.assert(
      fc.property(
        // Each JSON-string wrapper doubles the escaping, so chains stay short enough to build.
        fc.array(fc.constantFrom(...WRAPPER_NAMES), {
          minLength: MAX_ENVELOPE_DEPTH + 2,
          maxLength: MAX_ENVELOPE_DEPTH + 4,
        }),
        (chain) => {
          let event: unknown = { Records: [sampleRecord()] };
          chain.forEach((name, level) => {
            event = WRAPPERS[name]?.wrap(event, `m-${level}`);
          });
          const parsed = parseEvents(event);
          expectWellFormed(parsed);
          expect(parsed).toHaveLength(1);
          // Every wrapper opens at least one payload or array level, so the chain is always too deep.
          expect(parsed[0]?.kind === 'invalid' && parsed[0].error.code).toBe('too-deep');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads any raw key either as its decoded form or as an invalid key encoding', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.stringMatching(/^[%0-9A-Fa-fzZ+/]{1,20}$/)),
        (raw) => {
          const record = sampleRecord();
          record.s3.object.key = raw;
          const parsed = parseEvents({ Records: [record] });
          expectWellFormed(parsed);
          expect(parsed).toHaveLength(1);
          const decoded = decodeS3EventKey(raw);
          const [item] = parsed;
          if (raw === '') {
            // S3 has no empty key: the record is refused for that, not read.
            expect(item?.kind === 'invalid' && item.error.code).toBe('empty-field');
          } else if (decoded.ok) {
            expect(item?.kind).toBe('failure');
            if (item?.kind === 'failure') expect(item.failure.key).toBe(decoded.key);
            if (item?.kind === 'failure') expect(item.failure.rawKey).toBe(raw);
          } else {
            expect(item?.kind === 'invalid' && item.error.code).toBe('invalid-key-encoding');
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('decodes keys however they are percent-encoded (%20 or +, upper or lower case hex)', () => {
    fc.assert(
      fc.property(keyText, fc.boolean(), (key, lower) => {
        const encoded = encodeURIComponent(key).replace(/%[0-9A-F]{2}/g, (hex) =>
          lower ? hex.toLowerCase() : hex,
        );
        expect(decodeS3EventKey(encoded)).toEqual({ ok: true, key });
      }),
      { numRuns: 1000 },
    );
  });

  const samples = [
    ...listSamples('envelopes').map((file) => ({
      file: `envelopes/${file}`,
      text: readSampleText('envelopes', file),
    })),
    ...listSamples('records').map((file) => ({
      file: `records/${file}`,
      text: readSampleText('records', file),
    })),
  ];

  it.each(samples.map((sample) => [sample.file, sample]))(
    'reads every byte-truncation of %s as one invalid item',
    (_file, sample) => {
      const bytes = Buffer.from(sample.text, 'utf8');
      const whole = Buffer.from(sample.text.trimEnd(), 'utf8').length;
      for (let cut = 0; cut < whole; cut++) {
        const parsed = parseEventText(bytes.subarray(0, cut).toString('utf8'));
        if (parsed.length !== 1 || parsed[0]?.kind !== 'invalid') {
          throw new Error(`cut at byte ${cut} gave ${JSON.stringify(parsed.map((p) => p.kind))}`);
        }
        expect(EVENT_PARSE_ERROR_CODES).toContain(parsed[0].error.code);
      }
    },
  );

  const WRONG_VALUES: unknown[] = [
    null,
    0,
    -1,
    1.5,
    1e308,
    true,
    false,
    '',
    ' ',
    'x',
    '%',
    [],
    [1],
    {},
    { a: 1 },
  ];

  it('gives exactly one well-typed item for every wrong-typed value at every field path of a real record', () => {
    const paths = fieldPaths(sampleRecord());
    expect(paths.length).toBeGreaterThan(20);
    let cases = 0;
    for (const path of paths) {
      for (const value of WRONG_VALUES) {
        const record = sampleRecord();
        setAt(record, path, value);
        for (const event of [
          { Records: [record] },
          {
            Records: [
              { messageId: 'm', eventSource: 'aws:sqs', body: JSON.stringify({ Records: [record] }) },
            ],
          },
        ]) {
          const parsed = parseEvents(event);
          expectWellFormed(parsed);
          expect(parsed, `${path.join('.')} = ${JSON.stringify(value)}`).toHaveLength(1);
          cases += 1;
        }
      }
    }
    expect(cases).toBe(paths.length * WRONG_VALUES.length * 2);
  });
});
