import { describeType, EventParseError, ROOT_FIELD } from './event-parse-error.js';

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return base === ROOT_FIELD ? `[${key}]` : `${base}[${key}]`;
  return base === ROOT_FIELD ? key : `${base}.${key}`;
}

/**
 * Reads typed fields out of one JSON object, throwing `EventParseError` with the full dot path on the first
 * field that is missing or of the wrong type. The record parser catches it at the record boundary.
 * Optional fields treat `null` as absent: SDK serialisers write unset fields as null.
 */
export class FieldReader {
  constructor(
    private readonly object: JsonObject,
    readonly path: string,
  ) {}

  pathOf(key: string): string {
    return joinPath(this.path, key);
  }

  has(key: string): boolean {
    return this.object[key] !== undefined && this.object[key] !== null;
  }

  child(key: string): FieldReader {
    const value = this.object[key];
    if (value === undefined || value === null) throw this.missing(key);
    if (!isJsonObject(value)) throw this.wrongType(key, 'an object', value);
    return new FieldReader(value, this.pathOf(key));
  }

  optionalChild(key: string): FieldReader | undefined {
    return this.has(key) ? this.child(key) : undefined;
  }

  string(key: string): string {
    const value = this.optionalString(key);
    if (value === undefined) throw this.missing(key);
    if (value === '') throw new EventParseError('empty-field', this.pathOf(key), 'is empty');
    return value;
  }

  optionalString(key: string): string | undefined {
    const value = this.object[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw this.wrongType(key, 'a string', value);
    return value;
  }

  optionalNonNegativeInteger(key: string): number | undefined {
    const value = this.object[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw this.wrongType(key, 'a non-negative integer', value);
    }
    return value;
  }

  private missing(key: string): EventParseError {
    return new EventParseError('missing-field', this.pathOf(key), 'is missing');
  }

  private wrongType(key: string, expected: string, value: unknown): EventParseError {
    const got = typeof value === 'number' ? `the number ${value}` : describeType(value);
    return new EventParseError('wrong-type', this.pathOf(key), `must be ${expected}, got ${got}`);
  }
}
