import { describeType, EventParseError, ROOT_FIELD } from './event-parse-error.js';
import { isJsonObject, type JsonObject, joinPath } from './field-reader.js';
import { parseS3Record } from './parse-s3-record.js';
import { type ParsedRecord, type RecordOutcome, withSourceId } from './parsed-record.js';

/**
 * How many envelopes may wrap one another. The deepest real chain is about four
 * (a list of SQS events whose bodies are bus events whose detail is a Pipes SQS record holding the notification).
 */
export const MAX_ENVELOPE_DEPTH = 5;
/** Largest JSON text read, at the top or inside a `body`/`Message`; Lambda payloads stop at 6 MB. */
export const MAX_TEXT_CHARS = 10 * 1024 * 1024;
/** Records read from one input before the rest is refused. */
export const MAX_RECORDS = 100_000;

const S3_TEST_EVENT = 's3:TestEvent';
const SNS_CONTROL_TYPES = new Set(['SubscriptionConfirmation', 'UnsubscribeConfirmation']);

interface Walk {
  readonly path: string;
  readonly depth: number;
  readonly sourceId: string | undefined;
}

/**
 * Every replication record in an event of any form S3 replication events reach this system in, already
 * JSON-parsed: a raw S3 notification, an SQS Lambda event or a single SQS message, an SNS Lambda event or an
 * SNS notification, an EventBridge event (whose `detail` is the notification, or a Pipes SQS record holding it),
 * or an array of any of these, nested up to `MAX_ENVELOPE_DEPTH`. Never throws: what cannot be read is an
 * `invalid` item naming the field.
 */
export function parseEvents(input: unknown): ParsedRecord[] {
  const out: ParsedRecord[] = [];
  let refused = false;

  const emit = (walk: Walk, outcome: RecordOutcome): void => {
    if (refused) return;
    if (out.length >= MAX_RECORDS) {
      refused = true;
      const problem = `holds more than ${MAX_RECORDS} records; the rest were not read`;
      out.push(withSourceId(invalid('too-large', walk.path, problem), walk.sourceId));
      return;
    }
    out.push(withSourceId(outcome, walk.sourceId));
  };

  const visit = (value: unknown, walk: Walk): void => {
    if (refused) return;
    if (walk.depth > MAX_ENVELOPE_DEPTH) {
      emit(walk, invalid('too-deep', walk.path, `nests envelopes deeper than ${MAX_ENVELOPE_DEPTH} levels`));
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        visit(item, { ...walk, path: joinPath(walk.path, index), depth: walk.depth + 1 });
      });
      return;
    }
    if (!isJsonObject(value)) {
      emit(walk, invalid('not-an-object', walk.path, `must be an event object, got ${describeType(value)}`));
      return;
    }
    visitObject(value, walk);
  };

  const visitObject = (event: JsonObject, walk: Walk): void => {
    if (event.Event === S3_TEST_EVENT) {
      emit(walk, {
        kind: 'ignored',
        reason: 's3:TestEvent: S3 sends it when a notification configuration is saved',
      });
    } else if ('Records' in event) {
      visitRecords(event.Records, { ...walk, path: joinPath(walk.path, 'Records') });
    } else if (isSqsMessage(event)) {
      visitSqsMessage(event, walk);
    } else if (typeof event.Type === 'string' && ('Message' in event || 'TopicArn' in event)) {
      visitSnsNotification(event, walk);
    } else if ('detail-type' in event && 'detail' in event) {
      openPayload(event.detail, walk, 'detail');
    } else if (Array.isArray(event.Messages)) {
      // `aws sqs receive-message` output: { "Messages": [ { "MessageId", "Body", ... } ] }.
      visit(event.Messages, { ...walk, path: joinPath(walk.path, 'Messages') });
    } else if (event.eventSource === 'aws:s3' || (isJsonObject(event.s3) && 'eventName' in event)) {
      // A lone notification record, as some relays forward it.
      emit(walk, parseS3Record(event, walk.path));
    } else {
      const problem =
        'is not a recognised event: expected an S3 notification ("Records"), an SQS or SNS message, or an EventBridge event';
      emit(walk, invalid('unrecognised-envelope', walk.path, problem));
    }
  };

  const visitRecords = (records: unknown, walk: Walk): void => {
    if (!Array.isArray(records)) {
      emit(walk, invalid('wrong-type', walk.path, `must be an array, got ${describeType(records)}`));
      return;
    }
    records.forEach((record, index) => {
      const at: Walk = { ...walk, path: joinPath(walk.path, index) };
      if (!isJsonObject(record)) {
        emit(at, invalid('not-an-object', at.path, `must be a record object, got ${describeType(record)}`));
      } else if (record.eventSource === 'aws:sqs' || isSqsMessage(record)) {
        visitSqsMessage(record, at);
      } else if (record.EventSource === 'aws:sns' || isJsonObject(record.Sns)) {
        visitSnsRecord(record, at);
      } else if (typeof record.eventSource === 'string' && record.eventSource !== 'aws:s3') {
        const problem = `is "${record.eventSource}", not an event source this parser reads (aws:s3, aws:sqs, aws:sns)`;
        emit(at, invalid('unrecognised-envelope', joinPath(at.path, 'eventSource'), problem));
      } else {
        emit(at, parseS3Record(record, at.path));
      }
    });
  };

  const visitSqsMessage = (message: JsonObject, walk: Walk): void => {
    const messageId = stringOf(message.messageId) ?? stringOf(message.MessageId);
    // The outermost message is the one the invoking Lambda must name in its batch item failures.
    const inner: Walk = { ...walk, sourceId: walk.sourceId ?? messageId };
    const field = 'body' in message || !('Body' in message) ? 'body' : 'Body';
    openPayload(message[field], inner, field);
  };

  const visitSnsRecord = (record: JsonObject, walk: Walk): void => {
    const at: Walk = { ...walk, path: joinPath(walk.path, 'Sns') };
    if (!isJsonObject(record.Sns)) {
      const problem =
        record.Sns == null ? 'is missing' : `must be an object, got ${describeType(record.Sns)}`;
      emit(at, invalid(record.Sns == null ? 'missing-field' : 'wrong-type', at.path, problem));
      return;
    }
    visitSnsNotification(record.Sns, at);
  };

  const visitSnsNotification = (notification: JsonObject, walk: Walk): void => {
    if (typeof notification.Type === 'string' && SNS_CONTROL_TYPES.has(notification.Type)) {
      emit(walk, { kind: 'ignored', reason: `SNS ${notification.Type} message carries no event` });
      return;
    }
    openPayload(notification.Message, walk, 'Message');
  };

  /** A wrapped payload: a JSON string as SQS and SNS carry it, or an object where a relay already parsed it. */
  const openPayload = (payload: unknown, walk: Walk, field: string): void => {
    const at: Walk = { ...walk, path: joinPath(walk.path, field), depth: walk.depth + 1 };
    if (payload === undefined || payload === null) {
      emit(at, invalid('missing-field', at.path, 'is missing'));
    } else if (typeof payload === 'string') {
      const parsed = parseJson(payload, at.path);
      if (parsed.ok) visit(parsed.value, at);
      else emit(at, { kind: 'invalid', error: parsed.error });
    } else if (typeof payload === 'object') {
      visit(payload, at);
    } else {
      emit(
        at,
        invalid('wrong-type', at.path, `must be a JSON string or an object, got ${describeType(payload)}`),
      );
    }
  };

  visit(input, { path: ROOT_FIELD, depth: 0, sourceId: undefined });
  return out;
}

/** Like `parseEvents`, from text: text that is not JSON gives one `invalid` item naming the problem. */
export function parseEventText(text: string): ParsedRecord[] {
  const parsed = parseJson(text, ROOT_FIELD);
  return parsed.ok ? parseEvents(parsed.value) : [{ kind: 'invalid', error: parsed.error }];
}

/**
 * The SQS message ids to report as batch item failures: those whose message held an invalid record.
 * Reporting them (instead of dropping them) lets the queue's redrive policy move them to the dead-letter
 * queue for a person to look at. Ids are unique, in first-seen order.
 */
export function sourceIdsToRetry(records: readonly ParsedRecord[]): string[] {
  const ids = new Set<string>();
  for (const record of records) {
    if (record.kind === 'invalid' && record.sourceId !== undefined) ids.add(record.sourceId);
  }
  return [...ids];
}

type JsonParse = { ok: true; value: unknown } | { ok: false; error: EventParseError };

function parseJson(text: string, field: string): JsonParse {
  if (text.length > MAX_TEXT_CHARS) {
    const problem = `is ${text.length} characters long; at most ${MAX_TEXT_CHARS} are read`;
    return { ok: false, error: new EventParseError('too-large', field, problem) };
  }
  // Editors on Windows save JSON with a byte-order mark, which JSON.parse rejects.
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (body.trim() === '') {
    return { ok: false, error: new EventParseError('not-json', field, 'is empty, expected JSON') };
  }
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    return {
      ok: false,
      error: new EventParseError('not-json', field, `is not valid JSON (${reason})`, { cause }),
    };
  }
}

function isSqsMessage(event: JsonObject): boolean {
  return (
    (typeof event.messageId === 'string' && 'body' in event) ||
    (typeof event.MessageId === 'string' && 'Body' in event)
  );
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function invalid(code: EventParseError['code'], field: string, problem: string): RecordOutcome {
  return { kind: 'invalid', error: new EventParseError(code, field, problem) };
}
