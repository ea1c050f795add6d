import { parseDestinationBucket } from './destination-bucket.js';
import { EventParseError } from './event-parse-error.js';
import { FieldReader, type JsonObject } from './field-reader.js';
import type { RecordOutcome } from './parsed-record.js';
import { decodeS3EventKey } from './s3-key-encoding.js';
import { REPLICATION_EVENT_NAMES, type ReplicationEventName, type ReplicationFailure } from './types.js';

const EVENT_VERSION = /^(\d+)\.(\d+)$/;
const SUPPORTED_MAJOR_VERSION = 2;

/** One S3 event notification record (an element of `Records`) → a failure, an ignored record, or why it is invalid. */
export function parseS3Record(record: JsonObject, path: string): RecordOutcome {
  try {
    return readRecord(new FieldReader(record, path));
  } catch (error) {
    // Field readers throw to stop at the first bad field; past this boundary the outcome is data.
    if (error instanceof EventParseError) return { kind: 'invalid', error };
    throw error;
  }
}

function readRecord(record: FieldReader): RecordOutcome {
  const sentName = record.string('eventName');
  const eventName = toReplicationEventName(sentName);
  if (eventName === undefined) {
    return { kind: 'ignored', reason: `eventName "${sentName}" is not a replication event` };
  }
  const eventVersion = readEventVersion(record);
  const data = readReplicationData(record);
  const awsRegion = record.string('awsRegion');
  const s3 = record.child('s3');
  const bucket = s3.child('bucket');
  const object = s3.child('object');
  const rawKey = object.string('key');
  const decoded = decodeS3EventKey(rawKey);
  if (!decoded.ok) {
    throw new EventParseError(
      'invalid-key-encoding',
      object.pathOf('key'),
      `is malformed: ${decoded.problem}`,
      {
        cause: decoded.cause,
      },
    );
  }
  const destinationValue = data.string('destinationBucket');
  const destination = parseDestinationBucket(destinationValue, awsRegion);
  if (!destination.ok) {
    throw new EventParseError(
      'invalid-destination-bucket',
      data.pathOf('destinationBucket'),
      destination.problem,
    );
  }
  const failureReason =
    eventName === 'Replication:OperationFailedReplication'
      ? data.string('failureReason')
      : data.optionalString('failureReason');

  const failure: ReplicationFailure = {
    eventName,
    eventVersion,
    eventTime: record.string('eventTime'),
    awsRegion,
    sourceBucket: bucket.string('name'),
    key: decoded.key,
    rawKey,
    ruleId: data.string('replicationRuleId'),
    destinationBucket: destination.name,
    destinationBucketArn: destination.arn,
  };
  assignDefined(failure, {
    sourceBucketOwner: bucket.optionalChild('ownerIdentity')?.optionalString('principalId'),
    versionId: object.optionalString('versionId'),
    size: object.optionalNonNegativeInteger('size'),
    eTag: object.optionalString('eTag'),
    sequencer: object.optionalString('sequencer'),
    s3Operation: data.optionalString('s3Operation'),
    requestTime: data.optionalString('requestTime'),
    failureReason,
    threshold: data.optionalString('threshold'),
    replicationTime: data.optionalString('replicationTime'),
  });
  return { kind: 'failure', failure };
}

/** Notification configurations name events with an `s3:` prefix, records without one; accept both. */
function toReplicationEventName(sent: string): ReplicationEventName | undefined {
  const name = sent.startsWith('s3:') ? sent.slice('s3:'.length) : sent;
  return REPLICATION_EVENT_NAMES.find((known) => known === name);
}

/** S3's rule: a new major version is breaking, a new minor only adds fields (which are ignored). */
function readEventVersion(record: FieldReader): string {
  const version = record.string('eventVersion');
  const match = EVENT_VERSION.exec(version);
  if (!match) {
    throw new EventParseError(
      'unsupported-event-version',
      record.pathOf('eventVersion'),
      `is "${version}", not a major.minor version`,
    );
  }
  if (Number(match[1]) !== SUPPORTED_MAJOR_VERSION) {
    throw new EventParseError(
      'unsupported-event-version',
      record.pathOf('eventVersion'),
      `is "${version}": major version ${match[1]} is not supported (only ${SUPPORTED_MAJOR_VERSION}.x)`,
    );
  }
  return version;
}

function readReplicationData(record: FieldReader): FieldReader {
  if (!record.has('replicationEventData')) {
    throw new EventParseError(
      'missing-field',
      record.pathOf('replicationEventData'),
      'is missing (S3 adds it to every replication event)',
    );
  }
  return record.child('replicationEventData');
}

function assignDefined<T extends object>(target: T, values: Partial<T>): void {
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined) Object.assign(target, { [name]: value });
  }
}
