import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EVENT_PARSE_ERROR_CODES,
  EventParseError,
  type ParsedRecord,
  parseEvents,
  parseEventText,
} from '../../shared/events/index.js';
import { fieldPaths, setAt } from '../support/field-paths.js';
import { listSamples, readSampleText, sampleRecord } from './samples.js';

function expectWellFormed(parsed: ParsedRecord[]): void {
  expect(Array.isArray(parsed)).toBe(true);
  for (const item of parsed) {
    if (item.kind === 'invalid') {
      expect(item.error).toBeInstanceOf(EventParseError);
      expect(EVENT_PARSE_ERROR_CODES).toContain(item.error.code);
      expect(item.error.message.startsWith(`${item.error.field} `)).toBe(true);
    } else {
      expect(['failure', 'ignored']).toContain(item.kind);
    }
  }
}

describe('the parser never throws (properties)', () => {
  it('on any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expectWellFormed(parseEvents(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('on any text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string()), (text) => {
        expectWellFormed(parseEventText(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('on any truncation of any sample envelope', () => {
    const texts = listSamples('envelopes').map((file) => readSampleText('envelopes', file));
    fc.assert(
      fc.property(
        fc.constantFrom(...texts).chain((text) => fc.tuple(fc.constant(text), fc.nat({ max: text.length }))),
        ([text, cut]) => {
          const parsed = parseEventText(text.slice(0, cut));
          expectWellFormed(parsed);
          if (cut < text.trimEnd().length) {
            expect(parsed.map((item) => item.kind)).toEqual(['invalid']);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('when any field of a record holds any JSON value', () => {
    const paths = fieldPaths(sampleRecord());
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.jsonValue(), (path, value) => {
        const record = sampleRecord();
        setAt(record, path, value);
        const parsed = parseEvents({ Records: [record] });
        expectWellFormed(parsed);
        expect(parsed).toHaveLength(1);
      }),
      { numRuns: 2000 },
    );
  });

  it('when an SQS body holds any text', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.json()), { maxLength: 10 }), (bodies) => {
        const parsed = parseEvents({
          Records: bodies.map((body, index) => ({ messageId: `m-${index}`, eventSource: 'aws:sqs', body })),
        });
        expectWellFormed(parsed);
        for (const item of parsed) expect(item.sourceId).toMatch(/^m-\d+$/);
      }),
      { numRuns: 1000 },
    );
  });
});
