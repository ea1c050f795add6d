/**
 * Which incident a diagnosis belongs to, and how broad its cause is. The id is derived from the cause
 * signature alone, so every batch, every Lambda and the CLI compute the same id without a lookup.
 */
import { createHash } from 'node:crypto';
import type { Diagnosis, Location } from '../diagnosis/types.js';
import { causeSignature } from '../notify/notification.js';

export { isRuleLevel, RULE_LEVEL_LOCATIONS } from '../diagnosis/rule-level.js';

/** Causes about one object or none found for sure: what a rule-level incident explains away. */
const NARROW_LOCATIONS: ReadonlySet<Location> = new Set<Location>(['object', 'transient', 'unknown']);

/** 16 hex characters of sha256 of the cause signature: short enough to type, 64 bits against collisions. */
export function incidentIdOf(diagnosis: Diagnosis): string {
  return createHash('sha256').update(causeSignature(diagnosis), 'utf8').digest('hex').slice(0, 16);
}

/** Only a found or suspected cause makes an incident; a cause already gone or nothing to do does not. */
export function opensIncident(diagnosis: Diagnosis): boolean {
  return diagnosis.verdict === 'root-cause-found' || diagnosis.verdict === 'inconclusive';
}

/** Inconclusive, or every cause is about the object itself (or transient/unknown). */
export function isObjectLevel(diagnosis: Diagnosis): boolean {
  if (diagnosis.verdict === 'inconclusive') return true;
  return (
    diagnosis.verdict === 'root-cause-found' &&
    diagnosis.causes.every((cause) => NARROW_LOCATIONS.has(cause.location))
  );
}
