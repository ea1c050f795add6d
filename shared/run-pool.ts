/**
 * Runs `work` over every input with at most `concurrency` in flight. After the first failure no new work
 * starts, and that failure is thrown only once everything in flight has settled: nothing keeps running
 * behind the caller's back (a multipart part landing after its upload was aborted, a diagnosis still
 * reading while the batch is retried).
 */
export async function runPool<T>(
  inputs: readonly T[],
  concurrency: number,
  work: (input: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  let failure: unknown;
  const worker = async (): Promise<void> => {
    while (!failed && next < inputs.length) {
      const input = inputs[next++] as T;
      try {
        await work(input);
      } catch (error) {
        if (!failed) {
          failed = true;
          failure = error;
        }
      }
    }
  };
  const workers = Math.max(1, Math.min(Math.floor(concurrency), inputs.length));
  await Promise.all(Array.from({ length: workers }, worker));
  if (failed) throw failure;
}
