/**
 * One object's copy in place under the ledger, the one way both the act function and the sweep copy:
 * claimed once (a copy done before or a re-failing copy is not made again), planned (refused for an
 * outdated version, an archive, SSE-C…), executed, and recorded.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { CopyOutcome } from '../incidents/sweep.js';
import type { AttemptLedger } from '../ledger/index.js';
import {
  CopyFailedError,
  CopyPreconditionError,
  executeCopyInPlace,
  planCopyInPlace,
  type RequestPacer,
} from '../remediation/copy-in-place.js';

/** The version's copy is claimed by a live lease elsewhere: retry the record later, do not drop it. */
export class CopyInProgressError extends Error {
  override readonly name = 'CopyInProgressError';
}

export interface LedgerCopyDeps {
  s3: S3Client;
  ledger: AttemptLedger;
  pacer?: RequestPacer;
  aclsEnabled(bucket: string): Promise<boolean>;
}

export interface LedgerCopyTarget {
  bucket: string;
  key: string;
  versionId?: string;
  /** Why it is copied (the failure reason), kept with the attempt. */
  reason: string;
}

/** What happened to one object. In-progress copies elsewhere and transient errors are thrown instead. */
export type LedgerCopyResult =
  | { kind: 'copied'; request: Record<string, unknown>; newVersionId?: string; requests: number }
  /** An earlier delivery or sweep copied this version: that copy stands. */
  | { kind: 'copied-before'; newVersionId?: string }
  /** This version was written by our own copy and failed again: not copied again. */
  | { kind: 'limit-reached'; generation: number }
  /** Not copied, with the reason; `error` when S3 refused the copy request itself (the caller may retry). */
  | { kind: 'refused'; reason: string; requests: number; error?: unknown };

/** A 4xx from S3 other than throttling: retrying the same request cannot succeed. */
function isPermanent(error: unknown): boolean {
  if (!(error instanceof CopyFailedError)) return false;
  const status = error.httpStatusCode;
  return status !== undefined && status >= 400 && status < 500 && status !== 429 && error.code !== 'SlowDown';
}

export function createLedgerCopy(deps: LedgerCopyDeps) {
  const pacing = deps.pacer ? { pacer: deps.pacer } : {};
  return async (object: LedgerCopyTarget): Promise<LedgerCopyResult> => {
    const { versionId } = object;
    if (!versionId) {
      return {
        kind: 'refused',
        reason: 'no version id: a copy in place needs the failed version',
        requests: 0,
      };
    }
    const target = { bucket: object.bucket, key: object.key, versionId };
    const claim = await deps.ledger.claim({ ...target, reason: object.reason });
    if (claim.outcome === 'duplicate') {
      if (claim.attempt.status === 'done') {
        const copied = claim.attempt.newVersionId;
        return { kind: 'copied-before', ...(copied ? { newVersionId: copied } : {}) };
      }
      // Another worker's live lease, perhaps of one killed before copying: dropping the record would lose
      // it, so it is kept for a retry that finds the copy done or the lease expired.
      throw new CopyInProgressError(
        `a copy of s3://${object.bucket}/${object.key} version ${versionId} is in progress elsewhere (lease until ${claim.attempt.leaseExpiresAt ?? 'unknown'})`,
      );
    }
    if (claim.outcome === 'limit-reached') return { kind: 'limit-reached', generation: claim.generation };
    let plan: Awaited<ReturnType<typeof planCopyInPlace>>;
    try {
      plan = await planCopyInPlace(deps.s3, target, {
        ...pacing,
        aclsEnabled: await deps.aclsEnabled(object.bucket),
      });
    } catch (error) {
      // Throttled or unreachable while planning: release the claim so the next attempt may copy.
      await deps.ledger.fail({ ...target, claim: claim.attempt.claims, error });
      throw error;
    }
    if (plan.kind === 'refuse') {
      await deps.ledger.fail({ ...target, claim: claim.attempt.claims, error: plan.reason });
      return { kind: 'refused', reason: plan.reason, requests: plan.reads };
    }
    let result: Awaited<ReturnType<typeof executeCopyInPlace>>;
    try {
      result = await executeCopyInPlace(deps.s3, plan, pacing);
    } catch (error) {
      await deps.ledger.fail({ ...target, claim: claim.attempt.claims, error });
      // The object changed under us (a newer version landed): never copy over it.
      if (error instanceof CopyPreconditionError) {
        return { kind: 'refused', reason: 'the object changed; not copied', requests: plan.reads, error };
      }
      // S3 refused for good (denied, a KMS key not usable, a missing bucket): this object is not copied, with
      // the reason. Throttling and server faults are thrown, for a later retry.
      if (isPermanent(error)) {
        return {
          kind: 'refused',
          reason: error instanceof Error ? error.message : String(error),
          requests: plan.reads,
          error,
        };
      }
      throw error;
    }
    // Recorded after the copy: if this write fails, the copy stands and a retry sees the newer version.
    await deps.ledger.complete({
      ...target,
      requests: result.requests,
      ...(result.newVersionId ? { newVersionId: result.newVersionId } : {}),
    });
    return {
      kind: 'copied',
      request: plan.request as unknown as Record<string, unknown>,
      requests: plan.reads + result.requests,
      ...(result.newVersionId ? { newVersionId: result.newVersionId } : {}),
    };
  };
}

/** The sweep's view: was the object re-driven, and if not, why. */
export function copyOutcomeOf(result: LedgerCopyResult): CopyOutcome {
  switch (result.kind) {
    case 'copied':
      return {
        ok: true,
        requests: result.requests,
        ...(result.newVersionId ? { newVersionId: result.newVersionId } : {}),
      };
    case 'copied-before':
      return { ok: true, requests: 0, ...(result.newVersionId ? { newVersionId: result.newVersionId } : {}) };
    case 'limit-reached':
      return { ok: false, reason: `copied in place ${result.generation} time(s) already and failed again` };
    case 'refused':
      return { ok: false, reason: result.reason, requests: result.requests };
    default: {
      const unknown: never = result;
      throw new Error(`unknown copy result ${JSON.stringify(unknown)}`);
    }
  }
}
