/**
 * A value made on its first use and kept while the process is warm. Used to load an SDK client (or a whole
 * code path) only when an invocation needs it, so a cold start does not pay for what it may never use.
 * A failed load is not kept: the next use tries again.
 */
export function onFirstUse<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => {
    made ??= make().catch((error: unknown) => {
      made = undefined;
      throw error;
    });
    return made;
  };
}
