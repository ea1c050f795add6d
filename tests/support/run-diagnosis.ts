/**
 * Runs the real pipeline a user runs with `diagnose --event FILE --snapshot FILE`: parse the event,
 * validate the snapshot, replay it through `snapshotReads`, diagnose. Tests use it for scenario files and
 * for snapshots made with the builder alike.
 */
import { parseSnapshot, snapshotReads } from '../../shared/aws/index.js';
import { diagnose } from '../../shared/diagnosis/index.js';
import type { Cause, Diagnosis } from '../../shared/diagnosis/types.js';
import type { ReplicationFailure } from '../../shared/events/types.js';
import { validateDiagnosis } from './diagnosis-contract.js';
import { failureFrom } from './event-failure.js';
import { type SeedEventOptions, seedEvent } from './seed-event.js';
import type { SnapshotBuilder } from './snapshot-builder.js';

export function diagnoseFixture(event: unknown, snapshot: unknown): Promise<Diagnosis> {
  return diagnoseFailure(failureFrom(event), snapshot);
}

/** Diagnoses a failure made by hand (e.g. one the event parser would not produce) against a snapshot. */
export function diagnoseFailure(failure: ReplicationFailure, snapshot: unknown): Promise<Diagnosis> {
  // Through JSON, as a file would be: a snapshot may hold nothing JSON cannot carry.
  const reads = snapshotReads(parseSnapshot(JSON.parse(JSON.stringify(snapshot))));
  return diagnose(failure, reads);
}

/**
 * Diagnoses the seed event (`options` changes it) against the builder's snapshot. Every diagnosis a test
 * makes this way is also held to the output contract: a violation fails the test that produced it.
 */
export async function diagnoseSeed(
  builder: SnapshotBuilder,
  options: SeedEventOptions = {},
): Promise<Diagnosis> {
  const diagnosis = await diagnoseFixture(seedEvent(options), builder.build('test snapshot'));
  const violations = validateDiagnosis(diagnosis);
  if (violations.length > 0) {
    throw new Error(`the diagnosis breaks the output contract:\n${violations.join('\n')}`);
  }
  return diagnosis;
}

/** The contract fields a scenario pins, in the order the diagnosis lists them. */
export function causeShapes(
  diagnosis: Diagnosis,
): Array<Pick<Cause, 'location' | 'problem' | 'missingActions'>> {
  return diagnosis.causes.map(({ location, problem, missingActions }) => ({
    location,
    problem,
    missingActions,
  }));
}

export function inconclusiveChecks(diagnosis: Diagnosis): string[] {
  return diagnosis.inconclusive.map((entry) => entry.check).sort();
}
