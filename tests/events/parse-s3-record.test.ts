import { describe, expect, it } from 'vitest';
import {
  EventParseError,
  type EventParseErrorCode,
  type ParsedRecord,
  parseEvents,
  REPLICATION_EVENT_NAMES,
  type ReplicationFailure,
} from '../../shared/events/index.js';
import { type SampleRecord, sampleRecord } from './samples.js';

function parseOne(record: unknown): ParsedRecord {
  const parsed = parseEvents({ Records: [record] });
  expect(parsed).toHaveLength(1);
  const [only] = parsed;
  if (!only) throw new Error('no record parsed');
  return only;
}

function failureOf(record: unknown): ReplicationFailure {
  const parsed = parseOne(record);
  if (parsed.kind !== 'failure') throw new Error(`expected a failure, got ${JSON.stringify(parsed)}`);
  return parsed.failure;
}

function errorOf(record: unknown): EventParseError {
  const parsed = parseOne(record);
  if (parsed.kind !== 'invalid') throw new Error(`expected invalid, got ${JSON.stringify(parsed)}`);
  return parsed.error;
}

function expectInvalid(record: unknown, code: EventParseErrorCode, field: string): EventParseError {
  const error = errorOf(record);
  expect(error).toBeInstanceOf(EventParseError);
  expect({ code: error.code, field: error.field }).toEqual({ code, field });
  expect(error.message.startsWith(`${field} `)).toBe(true);
  return error;
}

function without<T extends object>(object: T, field: keyof T): T {
  const copy = { ...object };
  delete copy[field];
  return copy;
}

describe('a replication record', () => {
  it('maps every field of the AWS-shaped sample onto the failure', () => {
    expect(failureOf(sampleRecord('AssumeRoleNotPermitted.json'))).toEqual({
      eventName: 'Replication:OperationFailedReplication',
      eventVersion: '2.2',
      eventTime: '2024-09-05T21:05:38.301Z',
      awsRegion: 'us-east-1',
      sourceBucket: 'my-source-bucket-use1',
      sourceBucketOwner: '123456789012',
      key: 'photos/2024/a b+c.jpg',
      rawKey: 'photos/2024/a+b%2Bc.jpg',
      versionId: 'hivfvcxgZK.cKnl1Hd5FyUsjiHn8ayII',
      size: 865187,
      eTag: '529b0570ed5f16c38b5b3f1ab3a10917',
      sequencer: '75A3E342B162AC26EA',
      ruleId: 'DR-Replication-Rule',
      destinationBucket: 'my-destination-bucket-euw1',
      destinationBucketArn: 'arn:aws:s3:::my-destination-bucket-euw1',
      s3Operation: 'OBJECT_PUT',
      requestTime: '2024-09-05T21:04:45.562Z',
      failureReason: 'AssumeRoleNotPermitted',
    });
  });

  it('reads threshold and replicationTime when S3 sends them', () => {
    const record = sampleRecord('OperationMissedThreshold.json');
    record.replicationEventData.threshold = '15';
    record.replicationEventData.replicationTime = '2024-09-05T21:20:00.000Z';
    expect(failureOf(record)).toMatchObject({ threshold: '15', replicationTime: '2024-09-05T21:20:00.000Z' });
  });

  it('leaves optional fields off the failure when absent or null', () => {
    const record = sampleRecord('OperationNotTracked.json');
    record.s3.object = { key: 'a+b', versionId: null, size: null };
    record.s3.bucket = { name: 'my-source-bucket-use1' };
    record.replicationEventData = {
      replicationRuleId: 'DR-Replication-Rule',
      destinationBucket: 'arn:aws:s3:::my-destination-bucket-euw1',
    };
    expect(Object.keys(failureOf(record)).sort()).toEqual([
      'awsRegion',
      'destinationBucket',
      'destinationBucketArn',
      'eventName',
      'eventTime',
      'eventVersion',
      'key',
      'rawKey',
      'ruleId',
      'sourceBucket',
    ]);
  });

  it('ignores fields it does not know, at any level', () => {
    const plain = failureOf(sampleRecord());
    const record = sampleRecord();
    record.glacierEventData = { restoreEventData: {} };
    record.newTopLevelField = [1, 2, 3];
    record.s3.object.checksumAlgorithm = 'CRC64NVME';
    record.s3.bucket.region = 'us-east-1';
    record.replicationEventData.destinationAccount = '444455556666';
    expect(failureOf(record)).toEqual(plain);
  });
});

describe('event names', () => {
  it.each(REPLICATION_EVENT_NAMES.flatMap((name) => [name, `s3:${name}`]))('accepts %s', (sent) => {
    const record = sampleRecord();
    record.eventName = sent;
    expect(failureOf(record).eventName).toBe(sent.replace(/^s3:/, ''));
  });

  it.each([
    'Replication:OperationMissedThreshold',
    'Replication:OperationReplicatedAfterThreshold',
    'Replication:OperationNotTracked',
  ])('does not require a failureReason on %s', (eventName) => {
    const record = sampleRecord();
    record.eventName = eventName;
    record.replicationEventData = without(record.replicationEventData, 'failureReason');
    const failure = failureOf(record);
    expect(failure.eventName).toBe(eventName);
    expect(failure).not.toHaveProperty('failureReason');
  });

  it('requires a failureReason on OperationFailedReplication', () => {
    const record = sampleRecord();
    record.replicationEventData = without(record.replicationEventData, 'failureReason');
    expectInvalid(record, 'missing-field', 'Records[0].replicationEventData.failureReason');
  });

  it('keeps a failure reason this version does not know', () => {
    const record = sampleRecord();
    record.replicationEventData.failureReason = 'DstStorageClassNotSupported';
    expect(failureOf(record).failureReason).toBe('DstStorageClassNotSupported');
  });

  it.each([
    'ObjectCreated:Put',
    's3:ObjectRemoved:Delete',
    'LifecycleExpiration:Delete',
    'Replication:SomethingNew',
  ])('ignores the non-replication event %s, saying why', (eventName) => {
    const record = sampleRecord();
    record.eventName = eventName;
    expect(parseOne(record)).toEqual({
      kind: 'ignored',
      reason: `eventName "${eventName}" is not a replication event`,
    });
  });

  it('refuses a record without an eventName', () => {
    expectInvalid(without(sampleRecord(), 'eventName'), 'missing-field', 'Records[0].eventName');
  });
});

describe('eventVersion', () => {
  it.each(['2.1', '2.2', '2.5', '2.9', '2.10', '2.11'])('accepts %s and keeps it as sent', (version) => {
    const record = sampleRecord();
    record.eventVersion = version;
    expect(failureOf(record).eventVersion).toBe(version);
  });

  it.each(['3.0', '1.0', '10.2', '2', '2.x', 'v2.2', ''])('refuses %j', (version) => {
    const record = sampleRecord();
    record.eventVersion = version;
    const code = version === '' ? 'empty-field' : 'unsupported-event-version';
    expectInvalid(record, code, 'Records[0].eventVersion');
  });

  it('says which major version it refused', () => {
    const record = sampleRecord();
    record.eventVersion = '3.0';
    expect(errorOf(record).message).toBe(
      'Records[0].eventVersion is "3.0": major version 3 is not supported (only 2.x)',
    );
  });

  it('refuses a number where the version string belongs', () => {
    const record = sampleRecord();
    record.eventVersion = 2.2;
    expectInvalid(record, 'wrong-type', 'Records[0].eventVersion');
  });
});

describe('destination bucket', () => {
  it('turns the ARN into the bucket name', () => {
    const failure = failureOf(sampleRecord());
    expect(failure.destinationBucket).toBe('my-destination-bucket-euw1');
    expect(failure.destinationBucketArn).toBe('arn:aws:s3:::my-destination-bucket-euw1');
  });

  it('accepts a bare bucket name and builds its ARN', () => {
    const record = sampleRecord();
    record.replicationEventData.destinationBucket = 'my-destination-bucket-euw1';
    expect(failureOf(record)).toMatchObject({
      destinationBucket: 'my-destination-bucket-euw1',
      destinationBucketArn: 'arn:aws:s3:::my-destination-bucket-euw1',
    });
  });

  it('builds the ARN in the source Region partition for a bare name', () => {
    const record = sampleRecord();
    record.awsRegion = 'cn-north-1';
    record.replicationEventData.destinationBucket = 'replicas-cn';
    expect(failureOf(record).destinationBucketArn).toBe('arn:aws-cn:s3:::replicas-cn');
  });

  it('accepts bucket ARNs of other partitions', () => {
    const record = sampleRecord();
    record.replicationEventData.destinationBucket = 'arn:aws-us-gov:s3:::gov-replicas';
    expect(failureOf(record)).toMatchObject({
      destinationBucket: 'gov-replicas',
      destinationBucketArn: 'arn:aws-us-gov:s3:::gov-replicas',
    });
  });

  it.each([
    'arn:aws:s3:::my-destination-bucket-euw1/replicas/*',
    'arn:aws:s3:us-east-1:444455556666:accesspoint/replicas',
    'arn:aws:sqs:eu-west-1:444455556666:replicas',
    'arn:aws:s3:::',
    'not a bucket!',
    's3://my-destination-bucket-euw1',
    'x',
  ])('refuses %j', (value) => {
    const record = sampleRecord();
    record.replicationEventData.destinationBucket = value;
    const error = expectInvalid(
      record,
      'invalid-destination-bucket',
      'Records[0].replicationEventData.destinationBucket',
    );
    expect(error.message).toContain(JSON.stringify(value));
  });
});

describe('invalid records name the field', () => {
  it('when replicationEventData is missing', () => {
    const error = expectInvalid(
      without(sampleRecord(), 'replicationEventData'),
      'missing-field',
      'Records[0].replicationEventData',
    );
    expect(error.message).toBe(
      'Records[0].replicationEventData is missing (S3 adds it to every replication event)',
    );
  });

  it('when replicationEventData is not an object', () => {
    const record = sampleRecord();
    record.replicationEventData = 'DstPutObjectNotPermitted' as never;
    expectInvalid(record, 'wrong-type', 'Records[0].replicationEventData');
  });

  it('when the bucket name is missing or empty', () => {
    const missing = sampleRecord();
    missing.s3.bucket = without(missing.s3.bucket, 'name');
    expectInvalid(missing, 'missing-field', 'Records[0].s3.bucket.name');
    const empty = sampleRecord();
    empty.s3.bucket.name = '';
    expectInvalid(empty, 'empty-field', 'Records[0].s3.bucket.name');
  });

  it('when the key is missing, empty or not a string', () => {
    const missing = sampleRecord();
    missing.s3.object = without(missing.s3.object, 'key');
    expectInvalid(missing, 'missing-field', 'Records[0].s3.object.key');
    const empty = sampleRecord();
    empty.s3.object.key = '';
    expectInvalid(empty, 'empty-field', 'Records[0].s3.object.key');
    const numeric = sampleRecord();
    numeric.s3.object.key = 12345;
    const error = expectInvalid(numeric, 'wrong-type', 'Records[0].s3.object.key');
    expect(error.message).toBe('Records[0].s3.object.key must be a string, got the number 12345');
  });

  it('when the key is not valid percent-encoding', () => {
    const record = sampleRecord();
    record.s3.object.key = 'reports/%E0%A4.txt';
    const error = expectInvalid(record, 'invalid-key-encoding', 'Records[0].s3.object.key');
    expect(error.message).toBe(
      'Records[0].s3.object.key is malformed: %E0%A4 at offset 8 is not valid UTF-8',
    );
    expect(error.cause).toBeInstanceOf(URIError);
  });

  it.each([
    ['a string', '520080'],
    ['negative', -1],
    ['fractional', 1.5],
    ['a boolean', true],
  ])('when the size is %s', (_, size) => {
    const record = sampleRecord();
    record.s3.object.size = size;
    expectInvalid(record, 'wrong-type', 'Records[0].s3.object.size');
  });

  it.each([
    ['s3.object.versionId', (r: SampleRecord) => (r.s3.object.versionId = 42)],
    ['s3.object.eTag', (r: SampleRecord) => (r.s3.object.eTag = {})],
    ['s3.object.sequencer', (r: SampleRecord) => (r.s3.object.sequencer = [])],
    ['s3.bucket.ownerIdentity', (r: SampleRecord) => (r.s3.bucket.ownerIdentity = '123456789012')],
    ['replicationEventData.failureReason', (r: SampleRecord) => (r.replicationEventData.failureReason = 7)],
    [
      'replicationEventData.replicationRuleId',
      (r: SampleRecord) => (r.replicationEventData.replicationRuleId = 1),
    ],
    ['s3.object', (r: SampleRecord) => Object.assign(r.s3, { object: 'key' })],
    ['s3', (r: SampleRecord) => Object.assign(r, { s3: null })],
  ])('when %s has the wrong type or is absent', (field, mutate) => {
    const record = sampleRecord();
    mutate(record);
    const error = errorOf(record);
    expect(error.field).toBe(`Records[0].${field}`);
    expect(['wrong-type', 'missing-field']).toContain(error.code);
  });

  it.each(['eventTime', 'awsRegion'])('when %s is missing', (field) => {
    expectInvalid(without(sampleRecord(), field), 'missing-field', `Records[0].${field}`);
  });

  it('when the rule id is missing', () => {
    const record = sampleRecord();
    record.replicationEventData = without(record.replicationEventData, 'replicationRuleId');
    expectInvalid(record, 'missing-field', 'Records[0].replicationEventData.replicationRuleId');
  });
});
