import type { AwsCaller } from '../../shared/aws/caller.js';

export interface LatencyStats {
  calls: number;
  /** The longest chain of reads that had to wait for one another (the critical path, in round trips). */
  rounds: number;
}

/**
 * Wraps a caller so that every call takes `latencyMs`, as a real AWS round trip would, and measures the
 * critical path: a call that starts after reads of depth d have finished has depth d + 1. Calls started
 * together (in parallel) share a depth, so `rounds` counts sequential round trips.
 */
export function withLatency(inner: AwsCaller, latencyMs: number): AwsCaller & { stats(): LatencyStats } {
  let calls = 0;
  let finishedDepth = 0;
  let rounds = 0;
  return {
    async send(service, command, input, options) {
      calls += 1;
      const depth = finishedDepth + 1;
      rounds = Math.max(rounds, depth);
      await new Promise((resolve) => setTimeout(resolve, latencyMs));
      try {
        return await inner.send(service, command, input, options);
      } finally {
        finishedDepth = Math.max(finishedDepth, depth);
      }
    },
    stats: () => ({ calls, rounds }),
  };
}
