/** The SDK's response bookkeeping is not part of the document S3 stores. */
export function withoutMetadata<T extends object>(output: T & { $metadata?: unknown }): T {
  const { $metadata: _metadata, ...document } = output;
  return document as T;
}

/**
 * Paths (`Rules[1].Destination.Metrics`) where two documents differ, ignoring key order and `undefined`
 * fields: S3 returns fields in its own order.
 */
export function differingPaths(expected: unknown, actual: unknown, path = ''): string[] {
  if (isRecord(expected) && isRecord(actual)) {
    const keys = new Set([...definedKeys(expected), ...definedKeys(actual)]);
    return [...keys].sort().flatMap((key) => differingPaths(expected[key], actual[key], join(path, key)));
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length) return [path || '(root)'];
    return expected.flatMap((item, index) => differingPaths(item, actual[index], `${path}[${index}]`));
  }
  return Object.is(expected, actual) ? [] : [path || '(root)'];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function definedKeys(record: Record<string, unknown>): string[] {
  return Object.keys(record).filter((key) => record[key] !== undefined);
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}
