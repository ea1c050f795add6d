import type { Diagnosis, Location } from './types.js';

/**
 * Where a cause stops every object of a rule alike (the role, its policies, a bucket policy or setting, an
 * organization policy), as opposed to causes that may differ per object (the object itself, a KMS key).
 * A batch shares such a diagnosis across a rule's failures; an incident with such a cause inhibits
 * narrower incidents on its route.
 */
export const RULE_LEVEL_LOCATIONS: ReadonlySet<Location> = new Set<Location>([
  'replication-role',
  'replication-role-policy',
  'replication-role-permissions-boundary',
  'source-bucket-policy',
  'destination-bucket-policy',
  'source-bucket-configuration',
  'destination-bucket-configuration',
  'organization-policy',
]);

/** A root cause was found, and every cause sits at rule level: it explains every failure of the rule alike. */
export function isRuleLevel(diagnosis: Pick<Diagnosis, 'verdict' | 'causes'>): boolean {
  return (
    diagnosis.verdict === 'root-cause-found' &&
    diagnosis.causes.length > 0 &&
    diagnosis.causes.every((cause) => RULE_LEVEL_LOCATIONS.has(cause.location))
  );
}
