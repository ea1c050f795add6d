import { type CountingReads, createReads, type ReadsOptions } from './reads.js';
import { createReplayCaller } from './replay-caller.js';
import type { Snapshot } from './snapshot.js';

/**
 * Reads that replay a snapshot. Region lookups for destination buckets are made only when some record names
 * a region, since otherwise the region cannot change the answer and would only add a round trip.
 */
export function snapshotReads(snapshot: Snapshot, options: ReadsOptions = {}): CountingReads {
  const regionScoped = snapshot.calls.some((record) => record.region !== undefined);
  return createReads(
    createReplayCaller(snapshot, options.sourceRegion === undefined ? {} : { region: options.sourceRegion }),
    { ...options, resolveBucketRegions: options.resolveBucketRegions ?? regionScoped },
  );
}
