/**
 * Typed reads of the fields of a stored DynamoDB item. A field of the wrong type means the item was not
 * written by this code (or by an incompatible version): the error names the item and the field.
 */
export type RawItem = Record<string, unknown>;

export function itemFieldReaders(malformed: (field: string, raw: RawItem) => Error) {
  const text = (raw: RawItem, field: string): string => {
    const value = raw[field];
    if (typeof value !== 'string') throw malformed(field, raw);
    return value;
  };
  const optionalText = (raw: RawItem, field: string): string | undefined =>
    raw[field] === undefined ? undefined : text(raw, field);
  const count = (raw: RawItem, field: string, fallback?: number): number => {
    const value = raw[field] ?? fallback;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw malformed(field, raw);
    return value;
  };
  const optionalCount = (raw: RawItem, field: string): number | undefined =>
    raw[field] === undefined ? undefined : count(raw, field);
  return { text, optionalText, count, optionalCount };
}
