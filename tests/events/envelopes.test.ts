import { describe, expect, it } from 'vitest';
import {
  MAX_ENVELOPE_DEPTH,
  MAX_RECORDS,
  MAX_TEXT_CHARS,
  type ParsedRecord,
  parseEvents,
  parseEventText,
  sourceIdsToRetry,
} from '../../shared/events/index.js';
import { listSamples, readSampleJson, readSampleText, sampleRecord } from './samples.js';

/** One line per parsed item: what it is, and the SQS message it came from. */
function summarise(records: ParsedRecord[]): string[] {
  return records.map((record) => {
    const from = record.sourceId === undefined ? '' : ` <- ${record.sourceId}`;
    switch (record.kind) {
      case 'failure':
        return `failure ${record.failure.failureReason ?? record.failure.eventName} ${record.failure.key}${from}`;
      case 'ignored':
        return `ignored ${record.reason}${from}`;
      case 'invalid':
        return `invalid ${record.error.code} ${record.error.field}${from}`;
      default: {
        const unreachable: never = record;
        return unreachable;
      }
    }
  });
}

function messageIds(file: string): string[] {
  const event = readSampleJson('envelopes', file) as { Records: { messageId: string }[] };
  return event.Records.map((record) => record.messageId);
}

const TEST_EVENT = 'ignored s3:TestEvent: S3 sends it when a notification configuration is saved';

describe('every sample envelope', () => {
  const expected: Record<string, () => string[]> = {
    'sqs-batch.json': () => {
      const [a, b, c] = messageIds('sqs-batch.json');
      return [
        `failure DstPutObjectNotPermitted backups/db-2024-09-05.sql.gz <- ${a}`,
        `failure SrcGetObjectNotPermitted docs/été.txt <- ${b}`,
        `failure DstKmsKeyNotFound logs/app/2024/09/05.log <- ${c}`,
      ];
    },
    'sqs-message.json': () => {
      const { messageId } = readSampleJson('envelopes', 'sqs-message.json') as { messageId: string };
      return [`failure DstBucketUnversioned invoices/100% paid.pdf <- ${messageId}`];
    },
    'sns-lambda.json': () => ['failure AssumeRoleNotPermitted photos/2024/a b+c.jpg'],
    'sns-in-sqs.json': () => [
      `failure DstPutTaggingNotPermitted 日本/写真.png <- ${messageIds('sns-in-sqs.json')[0]}`,
    ],
    'eventbridge.json': () => ['failure SrcKmsKeyInvalidState media/video(1).mp4'],
    'eventbridge-in-sqs.json': () => {
      const [a, b] = messageIds('eventbridge-in-sqs.json');
      return [
        `failure DstMultipartUploadNotPermitted archive/2023/readme.md <- ${a}`,
        `failure SrcObjectNotEligible logs/app/2024/09/05.log <- ${b}`,
      ];
    },
    'eventbridge-pipes.json': () => {
      const { detail } = readSampleJson('envelopes', 'eventbridge-pipes.json') as {
        detail: { messageId: string };
      };
      return [`failure DstPutAclNotPermitted docs/été.txt <- ${detail.messageId}`];
    },
    'list.json': () => {
      const [, apiMessage] = readSampleJson('envelopes', 'list.json') as [unknown, { MessageId: string }];
      return [
        'failure DstObjectHardDeleted photos/2024/a b+c.jpg',
        `failure SrcReplicationNotPending uploads/résumé (final).docx <- ${apiMessage.MessageId}`,
        'failure DstVersionNotFound media/video(1).mp4',
      ];
    },
    's3-test-event.json': () => [TEST_EVENT],
    'sqs-batch-mixed.json': () => {
      const [a, b, c, d, e] = messageIds('sqs-batch-mixed.json');
      return [
        `failure DstDelObjNotPermitted 日本/写真.png <- ${a}`,
        `invalid not-json Records[1].body <- ${b}`,
        `invalid invalid-key-encoding Records[2].body.Records[0].s3.object.key <- ${c}`,
        `${TEST_EVENT} <- ${d}`,
        `failure SrcVersionNotFound archive/2023/readme.md <- ${e}`,
      ];
    },
  };

  it('has an expectation here, so a new sample cannot go untested', () => {
    expect(listSamples('envelopes')).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.keys(expected))('reads %s', (file) => {
    expect(summarise(parseEventText(readSampleText('envelopes', file)))).toEqual(expected[file]?.());
  });

  it('parses the same from text and from already-parsed JSON', () => {
    for (const file of listSamples('envelopes')) {
      expect(parseEvents(readSampleJson('envelopes', file))).toEqual(
        parseEventText(readSampleText('envelopes', file)),
      );
    }
  });
});

describe('batches', () => {
  it('keeps the good records of a batch and names the messages of the bad ones for retry', () => {
    const parsed = parseEventText(readSampleText('envelopes', 'sqs-batch-mixed.json'));
    const [, bad1, bad2] = messageIds('sqs-batch-mixed.json');
    expect(parsed.filter((record) => record.kind === 'failure')).toHaveLength(2);
    expect(sourceIdsToRetry(parsed)).toEqual([bad1, bad2]);
  });

  it('retries nothing when every message was read', () => {
    expect(sourceIdsToRetry(parseEventText(readSampleText('envelopes', 'sqs-batch.json')))).toEqual([]);
  });

  it('names a message once even when several of its records are invalid', () => {
    const record = sampleRecord();
    record.s3.object.key = '%';
    const body = JSON.stringify({ Records: [record, record] });
    const parsed = parseEvents({ Records: [{ messageId: 'm-1', eventSource: 'aws:sqs', body }] });
    expect(parsed.map((item) => item.kind)).toEqual(['invalid', 'invalid']);
    expect(sourceIdsToRetry(parsed)).toEqual(['m-1']);
  });

  it('attributes a record to the outermost SQS message it came through', () => {
    const inner = { messageId: 'inner', body: JSON.stringify({ Records: [sampleRecord()] }) };
    const bus = { version: '0', 'detail-type': 'S3 Replication Event', source: 'x', detail: inner };
    const [parsed] = parseEvents({
      Records: [{ messageId: 'outer', eventSource: 'aws:sqs', body: JSON.stringify(bus) }],
    });
    expect(parsed?.sourceId).toBe('outer');
  });

  it('yields nothing for an empty batch', () => {
    expect(parseEvents({ Records: [] })).toEqual([]);
    expect(parseEvents([])).toEqual([]);
  });
});

describe('other envelope spellings', () => {
  const notification = () => ({ Records: [sampleRecord()] });

  it('reads a single SQS message in the SQS API spelling', () => {
    const parsed = parseEvents({
      MessageId: 'api-1',
      ReceiptHandle: 'AQEB',
      Body: JSON.stringify(notification()),
    });
    expect(summarise(parsed)).toEqual([
      'failure DstPutObjectNotPermitted backups/db-2024-09-05.sql.gz <- api-1',
    ]);
  });

  it('reads `aws sqs receive-message` output', () => {
    const parsed = parseEvents({
      Messages: [
        { MessageId: 'api-1', Body: JSON.stringify(notification()) },
        { MessageId: 'api-2', Body: JSON.stringify(readSampleJson('envelopes', 's3-test-event.json')) },
      ],
    });
    expect(summarise(parsed)).toEqual([
      'failure DstPutObjectNotPermitted backups/db-2024-09-05.sql.gz <- api-1',
      `${TEST_EVENT} <- api-2`,
    ]);
  });

  it('reads an SQS body a relay already parsed into an object', () => {
    const parsed = parseEvents({
      Records: [{ messageId: 'm', eventSource: 'aws:sqs', body: notification() }],
    });
    expect(parsed.map((item) => item.kind)).toEqual(['failure']);
  });

  it('reads an EventBridge detail given as a JSON string', () => {
    const parsed = parseEvents({ 'detail-type': 'x', source: 'y', detail: JSON.stringify(notification()) });
    expect(parsed.map((item) => item.kind)).toEqual(['failure']);
  });

  it('reads an EventBridge event whatever its source and detail-type', () => {
    const parsed = parseEvents({
      source: 'custom.s3-replication',
      'detail-type': 'Anything',
      detail: notification(),
    });
    expect(parsed.map((item) => item.kind)).toEqual(['failure']);
  });

  it('reads a lone notification record outside any Records array', () => {
    const parsed = parseEvents(sampleRecord());
    expect(summarise(parsed)).toEqual(['failure DstPutObjectNotPermitted backups/db-2024-09-05.sql.gz']);
  });

  it('ignores an SNS subscription confirmation that reached the queue', () => {
    const parsed = parseEvents({
      Records: [
        {
          messageId: 'm-9',
          eventSource: 'aws:sqs',
          body: JSON.stringify({
            Type: 'SubscriptionConfirmation',
            TopicArn: 'arn:aws:sns:us-east-1:1:t',
            Message: 'x',
          }),
        },
      ],
    });
    expect(summarise(parsed)).toEqual([
      'ignored SNS SubscriptionConfirmation message carries no event <- m-9',
    ]);
  });

  it('ignores a test event inside SQS, keeping its message id', () => {
    const body = readSampleText('envelopes', 's3-test-event.json');
    const parsed = parseEvents({ Records: [{ messageId: 'm-t', eventSource: 'aws:sqs', body }] });
    expect(summarise(parsed)).toEqual([`${TEST_EVENT} <- m-t`]);
  });

  it('strips a byte-order mark before the JSON', () => {
    const parsed = parseEventText(`\uFEFF${readSampleText('records', 'DstPutObjectNotPermitted.json')}`);
    expect(parsed.map((item) => item.kind)).toEqual(['failure']);
  });
});

describe('unreadable envelopes', () => {
  it.each([
    ['', 'not-json', '(input)'],
    ['   \n', 'not-json', '(input)'],
    ['{"Records": [', 'not-json', '(input)'],
    ['null', 'not-an-object', '(input)'],
    ['"text"', 'not-an-object', '(input)'],
    ['[1]', 'not-an-object', '[0]'],
    ['{}', 'unrecognised-envelope', '(input)'],
    ['{"Records": "x"}', 'wrong-type', 'Records'],
    ['{"Records": [7]}', 'not-an-object', 'Records[0]'],
    ['{"Records": [{"eventSource": "aws:dynamodb"}]}', 'unrecognised-envelope', 'Records[0].eventSource'],
    ['{"Records": [{"eventSource": "aws:sqs", "messageId": "m"}]}', 'missing-field', 'Records[0].body'],
    [
      '{"Records": [{"eventSource": "aws:sqs", "messageId": "m", "body": 5}]}',
      'wrong-type',
      'Records[0].body',
    ],
    ['{"Records": [{"EventSource": "aws:sns"}]}', 'missing-field', 'Records[0].Sns'],
    [
      '{"Records": [{"EventSource": "aws:sns", "Sns": {"Type": "Notification"}}]}',
      'missing-field',
      'Records[0].Sns.Message',
    ],
    ['{"Type": "Notification", "Message": "not json"}', 'not-json', 'Message'],
    ['{"detail-type": "x", "detail": null}', 'missing-field', 'detail'],
  ])('refuses %j as %s at %s', (text, code, field) => {
    const parsed = parseEventText(text);
    expect(parsed).toHaveLength(1);
    const [only] = parsed;
    expect(only?.kind).toBe('invalid');
    if (only?.kind === 'invalid')
      expect({ code: only.error.code, field: only.error.field }).toEqual({ code, field });
  });

  it('says what is wrong with text that is not JSON', () => {
    const [only] = parseEventText('{"Records": [');
    expect(only?.kind === 'invalid' && only.error.message).toMatch(/^\(input\) is not valid JSON \(.+\)$/);
  });

  it('keeps the message id of an SQS message whose body is not JSON', () => {
    const parsed = parseEvents({ Records: [{ messageId: 'm-1', eventSource: 'aws:sqs', body: '<xml/>' }] });
    expect(summarise(parsed)).toEqual(['invalid not-json Records[0].body <- m-1']);
  });
});

describe('limits', () => {
  function wrapInSns(value: unknown, times: number): unknown {
    let event = value;
    for (let i = 0; i < times; i += 1) event = { Type: 'Notification', Message: JSON.stringify(event) };
    return event;
  }

  it(`reads envelopes nested ${MAX_ENVELOPE_DEPTH} deep`, () => {
    const parsed = parseEvents(wrapInSns({ Records: [sampleRecord()] }, MAX_ENVELOPE_DEPTH));
    expect(parsed.map((item) => item.kind)).toEqual(['failure']);
  });

  it(`refuses envelopes nested deeper than ${MAX_ENVELOPE_DEPTH}`, () => {
    const parsed = parseEvents(wrapInSns({ Records: [sampleRecord()] }, MAX_ENVELOPE_DEPTH + 1));
    expect(summarise(parsed)).toEqual([
      `invalid too-deep ${Array(MAX_ENVELOPE_DEPTH + 1)
        .fill('Message')
        .join('.')}`,
    ]);
  });

  it('refuses a self-referencing object instead of overflowing the stack', () => {
    const event: Record<string, unknown> = { 'detail-type': 'x', source: 'y' };
    event.detail = event;
    const path = Array(MAX_ENVELOPE_DEPTH + 1)
      .fill('detail')
      .join('.');
    expect(summarise(parseEvents(event))).toEqual([`invalid too-deep ${path}`]);
  });

  it('refuses deeply nested arrays instead of overflowing the stack', () => {
    let nested: unknown = [];
    for (let i = 0; i < 100_000; i += 1) nested = [nested];
    expect(parseEvents(nested).map((item) => item.kind === 'invalid' && item.error.code)).toEqual([
      'too-deep',
    ]);
  });

  it(`refuses text longer than ${MAX_TEXT_CHARS} characters`, () => {
    const parsed = parseEventText(`[${' '.repeat(MAX_TEXT_CHARS)}]`);
    expect(summarise(parsed)).toEqual(['invalid too-large (input)']);
  });

  it(`stops after ${MAX_RECORDS} records with one clear error`, () => {
    const records = Array.from({ length: MAX_RECORDS + 5 }, () => ({
      eventSource: 'aws:s3',
      eventName: 'ObjectCreated:Put',
    }));
    const parsed = parseEvents({ Records: records });
    expect(parsed).toHaveLength(MAX_RECORDS + 1);
    expect(summarise(parsed.slice(-1))).toEqual([`invalid too-large Records[${MAX_RECORDS}]`]);
  });
});
