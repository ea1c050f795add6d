/** Paths into plain JSON objects, for tests that replace one field at a time. */
export type Path = string[];

/** The path of every field, nested objects included (replacing one replaces its subtree); arrays are leaves. */
export function fieldPaths(value: unknown, prefix: Path = []): Path[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([key, child]) => [
    [...prefix, key],
    ...fieldPaths(child, [...prefix, key]),
  ]);
}

/** Sets the field at `path` (its parents must exist). */
export function setAt(target: Record<string, unknown>, path: Path, value: unknown): void {
  const last = path.at(-1);
  let node: unknown = target;
  for (const key of path.slice(0, -1)) node = (node as Record<string, unknown>)[key];
  if (last !== undefined) (node as Record<string, unknown>)[last] = value;
}
