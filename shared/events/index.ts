export {
  EVENT_PARSE_ERROR_CODES,
  EventParseError,
  type EventParseErrorCode,
  ROOT_FIELD,
} from './event-parse-error.js';
export {
  categoriesOf,
  FAILURE_REASONS,
  type FailureCategory,
  type FailureReasonInfo,
  isKnownFailureReason,
  type KnownFailureReason,
} from './failure-reasons.js';
export {
  MAX_ENVELOPE_DEPTH,
  MAX_RECORDS,
  MAX_TEXT_CHARS,
  parseEvents,
  parseEventText,
  sourceIdsToRetry,
} from './parse-events.js';
export type { ParsedRecord } from './parsed-record.js';
export { decodeS3EventKey, encodeS3EventKey, type KeyDecoding } from './s3-key-encoding.js';
export { REPLICATION_EVENT_NAMES, type ReplicationEventName, type ReplicationFailure } from './types.js';
