/**
 * The checks a diagnosis can run, named as they appear in `diagnosis.checks` and `inconclusive[].check`,
 * and the data every check returns.
 */
import type { Cause, Fix } from './types.js';

export const CHECK_NAMES = [
  'replication-configuration',
  'source-versioning',
  'replication-role',
  'replication-role-policy',
  'source-bucket-policy',
  'destination-bucket',
  'destination-bucket-policy',
  'source-kms-key',
  'destination-kms-key',
  'object',
  'organization',
] as const;

export type CheckName = (typeof CHECK_NAMES)[number];

/** Why a check could not establish its facts, and, when it is known, what the fix would have to contain. */
export interface Unverified {
  why: string;
  fix?: Fix;
}

export interface CheckResult {
  check: CheckName;
  causes: Cause[];
  /** Present when part of the check could not run; a cause is never made from what could not be read. */
  inconclusive?: Unverified[];
  /** Observations worth telling a reader that are not causes (e.g. "the source is still present"). */
  notes?: string[];
}

export function checkResult(
  check: CheckName,
  causes: Cause[] = [],
  inconclusive: Unverified[] = [],
  notes: string[] = [],
): CheckResult {
  return {
    check,
    causes,
    ...(inconclusive.length > 0 ? { inconclusive } : {}),
    ...(notes.length > 0 ? { notes } : {}),
  };
}
