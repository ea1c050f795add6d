import type { EventParseError } from './event-parse-error.js';
import type { ReplicationFailure } from './types.js';

/**
 * One item found in an event. `sourceId` is the `messageId` of the outermost SQS message the item came from,
 * so a Lambda can report batch item failures; undefined when the item did not arrive through SQS.
 */
export type ParsedRecord =
  | { kind: 'failure'; failure: ReplicationFailure; sourceId?: string }
  | { kind: 'ignored'; reason: string; sourceId?: string }
  | { kind: 'invalid'; error: EventParseError; sourceId?: string };

export type RecordOutcome =
  | { kind: 'failure'; failure: ReplicationFailure }
  | { kind: 'ignored'; reason: string }
  | { kind: 'invalid'; error: EventParseError };

export function withSourceId(outcome: RecordOutcome, sourceId: string | undefined): ParsedRecord {
  return sourceId === undefined ? outcome : { ...outcome, sourceId };
}
