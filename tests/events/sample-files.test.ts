import { describe, expect, it } from 'vitest';
import {
  type EventParseErrorCode,
  FAILURE_REASONS,
  isKnownFailureReason,
  type ParsedRecord,
  parseEventText,
  type ReplicationFailure,
} from '../../shared/events/index.js';
import { listSamples, readSampleText } from './samples.js';

const EVENT_FILES = ['OperationMissedThreshold', 'OperationReplicatedAfterThreshold', 'OperationNotTracked'];

function onlyFailure(file: string): ReplicationFailure {
  const parsed = parseEventText(readSampleText('records', file));
  expect(parsed).toHaveLength(1);
  const [only] = parsed;
  if (only?.kind !== 'failure') throw new Error(`${file}: ${JSON.stringify(only)}`);
  return only.failure;
}

describe('events/records', () => {
  const files = listSamples('records');

  it('holds one file per failure reason, per other event name, and one unknown reason', () => {
    const expected = [...Object.keys(FAILURE_REASONS), ...EVENT_FILES, 'unknown-reason'].map(
      (name) => `${name}.json`,
    );
    expect(files).toEqual(expected.sort());
  });

  it.each(Object.keys(FAILURE_REASONS))('%s.json is a failed replication with that reason', (reason) => {
    expect(onlyFailure(`${reason}.json`)).toMatchObject({
      eventName: 'Replication:OperationFailedReplication',
      failureReason: reason,
    });
  });

  it.each(EVENT_FILES)('%s.json carries that event and no failure reason', (name) => {
    const failure = onlyFailure(`${name}.json`);
    expect(failure.eventName).toBe(`Replication:${name}`);
    expect(failure).not.toHaveProperty('failureReason');
  });

  it('unknown-reason.json keeps a reason no list documents', () => {
    const { failureReason } = onlyFailure('unknown-reason.json');
    expect(failureReason).toBeDefined();
    expect(isKnownFailureReason(failureReason ?? '')).toBe(false);
  });

  it('all use the seed setup', () => {
    for (const file of files) {
      expect(onlyFailure(file), file).toMatchObject({
        awsRegion: 'us-east-1',
        sourceBucket: 'my-source-bucket-use1',
        sourceBucketOwner: '123456789012',
        ruleId: 'DR-Replication-Rule',
        destinationBucket: 'my-destination-bucket-euw1',
        destinationBucketArn: 'arn:aws:s3:::my-destination-bucket-euw1',
      });
    }
  });

  it('mix eventVersion 2.2 and 2.5 and exercise key decoding', () => {
    const failures = files.map(onlyFailure);
    expect(new Set(failures.map((failure) => failure.eventVersion))).toEqual(new Set(['2.2', '2.5']));
    const decodedKeys = new Set(failures.map((failure) => failure.key));
    for (const key of [
      'photos/2024/a b+c.jpg',
      'docs/été.txt',
      'invoices/100% paid.pdf',
      'logs/app/2024/09/05.log',
    ]) {
      expect(decodedKeys).toContain(key);
    }
  });
});

describe('events/invalid', () => {
  const expected: Record<string, [EventParseErrorCode, string]> = {
    'not-json.txt': ['not-json', '(input)'],
    'not-an-object.json': ['not-an-object', '(input)'],
    'unrecognised-envelope.json': ['unrecognised-envelope', '(input)'],
    'records-not-an-array.json': ['wrong-type', 'Records'],
    'missing-replication-data.json': ['missing-field', 'Records[0].replicationEventData'],
    'missing-bucket-name.json': ['missing-field', 'Records[0].s3.bucket.name'],
    'empty-bucket-name.json': ['empty-field', 'Records[0].s3.bucket.name'],
    'missing-key.json': ['missing-field', 'Records[0].s3.object.key'],
    'key-not-a-string.json': ['wrong-type', 'Records[0].s3.object.key'],
    'size-not-a-number.json': ['wrong-type', 'Records[0].s3.object.size'],
    'unsupported-event-version.json': ['unsupported-event-version', 'Records[0].eventVersion'],
    'bad-destination-arn.json': [
      'invalid-destination-bucket',
      'Records[0].replicationEventData.destinationBucket',
    ],
    'malformed-key-encoding.json': ['invalid-key-encoding', 'Records[0].s3.object.key'],
    'missing-failure-reason.json': ['missing-field', 'Records[0].replicationEventData.failureReason'],
    'too-deep.json': ['too-deep', 'body.Message.Message.Message.Message.Message'],
  };

  it('has an expectation here for every file', () => {
    expect(listSamples('invalid')).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.entries(expected))('%s is one invalid item: %j', (file, [code, field]) => {
    const parsed: ParsedRecord[] = parseEventText(readSampleText('invalid', file));
    expect(parsed).toHaveLength(1);
    const [only] = parsed;
    if (only?.kind !== 'invalid') throw new Error(`${file}: ${JSON.stringify(only)}`);
    expect({ code: only.error.code, field: only.error.field }).toEqual({ code, field });
    expect(only.error.message.startsWith(`${field} `)).toBe(true);
  });
});
