/**
 * AWS inputs and outputs compared and stored as JSON: `undefined` fields vanish, `Date`s become ISO strings,
 * and key order never matters.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** The JSON form of a value, as `JSON.stringify` would write it (functions and `undefined` fields dropped). */
export function toJsonValue(value: unknown): JsonValue | undefined {
  if (value === null) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      return value.toString();
    case 'object': {
      if (Array.isArray(value)) return value.map((item) => toJsonValue(item) ?? null);
      if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
      const out: { [key: string]: JsonValue } = {};
      for (const [key, item] of Object.entries(value)) {
        const json = toJsonValue(item);
        if (json !== undefined) out[key] = json;
      }
      return out;
    }
    default:
      return undefined;
  }
}

/** Deep equality of two values' JSON forms. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  return stableStringify(a) === stableStringify(b);
}

/** JSON text with object keys sorted, so equal values give equal text (used for keys and comparisons). */
export function stableStringify(value: unknown): string {
  return JSON.stringify(sortKeys(toJsonValue(value) ?? null));
}

function sortKeys(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: { [key: string]: JsonValue } = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key] ?? null);
  return out;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
