/**
 * Why an event, or one record in it, could not be read. Returned as data inside `ParsedRecord`,
 * never thrown out of the parser: one bad record must not hide the good ones beside it.
 */

export const EVENT_PARSE_ERROR_CODES = [
  'not-json',
  'not-an-object',
  'unrecognised-envelope',
  'missing-field',
  'empty-field',
  'wrong-type',
  'unsupported-event-version',
  'invalid-destination-bucket',
  'invalid-key-encoding',
  'too-deep',
  'too-large',
] as const;

export type EventParseErrorCode = (typeof EVENT_PARSE_ERROR_CODES)[number];

/** How the whole input is named in `field` (nested fields are dot paths such as `Records[0].s3.object.key`). */
export const ROOT_FIELD = '(input)';

export class EventParseError extends Error {
  override readonly name = 'EventParseError';
  readonly code: EventParseErrorCode;
  /** Dot path from the input's root to the offending field, e.g. `Records[0].body.Records[0].s3.object.key`. */
  readonly field: string;

  /** `problem` continues the sentence that starts with the field: "is missing", "must be a string, got ...". */
  constructor(code: EventParseErrorCode, field: string, problem: string, options?: { cause?: unknown }) {
    super(`${field} ${problem}`, options);
    this.code = code;
    this.field = field;
  }
}

/** A short, safe description of a JSON value's type for error messages. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'object':
      return 'an object';
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    default:
      return typeof value;
  }
}
