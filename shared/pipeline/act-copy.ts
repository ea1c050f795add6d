/**
 * The act function's copy in place: planning (what would be copied, shown in plan mode too) and the
 * ledger-guarded copy. Loaded by act-ports.ts the first time a diagnosis is up for a retrigger.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { AttemptLedger } from '../ledger/index.js';
import { planCopyInPlace, type RequestPacer, readBucketAclsEnabled } from '../remediation/copy-in-place.js';
import type { ActPorts } from './act-on-diagnoses.js';
import { createLedgerCopy } from './ledger-copy.js';

export interface ActCopyDependencies {
  s3: S3Client;
  /** Absent in plan-only use (the demo): a copy is then never executed. */
  ledger?: AttemptLedger;
  pacer?: RequestPacer;
  /** How long a bucket's "ACLs enabled" answer is reused. */
  aclCacheMs: number;
  now: () => number;
}

export function createActCopy(deps: ActCopyDependencies): Pick<ActPorts, 'copyOnce' | 'planCopy'> {
  const aclsEnabled = new Map<string, { value: boolean; at: number }>();
  const pacing = deps.pacer ? { pacer: deps.pacer } : {};

  async function bucketAclsEnabled(bucket: string): Promise<boolean> {
    const cached = aclsEnabled.get(bucket);
    if (cached && deps.now() - cached.at < deps.aclCacheMs) return cached.value;
    const value = await readBucketAclsEnabled(deps.s3, bucket, pacing);
    aclsEnabled.set(bucket, { value, at: deps.now() });
    return value;
  }

  // Copies need the ledger (once per version); without one (the demo) nothing is ever copied.
  const copy = deps.ledger
    ? createLedgerCopy({ s3: deps.s3, ledger: deps.ledger, ...pacing, aclsEnabled: bucketAclsEnabled })
    : undefined;

  return {
    async copyOnce(target) {
      if (!copy) throw new Error('no ledger configured: copies cannot be executed in this setup');
      return copy(target);
    },
    async planCopy(target) {
      return planCopyInPlace(deps.s3, target, {
        ...pacing,
        aclsEnabled: await bucketAclsEnabled(target.bucket),
      });
    },
  };
}
