/**
 * One object's copy in place under the ledger: claimed once (a duplicate or a re-failing copy is refused),
 * planned (refused for an outdated version, an archive, SSE-C…), executed, and recorded. Used by the sweep
 * to re-drive an incident's objects one by one.
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
import { CopyInProgressError } from './act-ports.js';

export interface LedgerCopyDeps {
  s3: S3Client;
  ledger: AttemptLedger;
  pacer?: RequestPacer;
  aclsEnabled(bucket: string): Promise<boolean>;
}

/** A 4xx from S3 other than throttling: retrying the same request cannot succeed. */
function isPermanent(error: unknown): boolean {
  if (!(error instanceof CopyFailedError)) return false;
  const status = error.httpStatusCode;
  return status !== undefined && status >= 400 && status < 500 && status !== 429 && error.code !== 'SlowDown';
}

export function createLedgerCopy(deps: LedgerCopyDeps) {
  const pacing = deps.pacer ? { pacer: deps.pacer } : {};
  return async (object: {
    bucket: string;
    key: string;
    versionId?: string;
    reason: string;
  }): Promise<CopyOutcome> => {
    const { versionId } = object;
    if (!versionId) return { ok: false, reason: 'no version id: a copy in place needs the failed version' };
    const target = { bucket: object.bucket, key: object.key, versionId };
    const claim = await deps.ledger.claim({ ...target, reason: object.reason });
    if (claim.outcome === 'duplicate') {
      // Done before (a redelivery, an earlier sweep): that copy stands. Still running elsewhere: try again later.
      if (claim.attempt.status === 'done') {
        const copied = claim.attempt.newVersionId;
        return { ok: true, requests: 0, ...(copied ? { newVersionId: copied } : {}) };
      }
      throw new CopyInProgressError(
        `a copy of ${object.bucket}/${object.key} (${versionId}) is in progress elsewhere`,
      );
    }
    if (claim.outcome === 'limit-reached') {
      return { ok: false, reason: `copied in place ${claim.generation} time(s) already and failed again` };
    }
    let plan: Awaited<ReturnType<typeof planCopyInPlace>>;
    try {
      plan = await planCopyInPlace(deps.s3, target, {
        ...pacing,
        aclsEnabled: await deps.aclsEnabled(object.bucket),
      });
    } catch (error) {
      // Throttled or unreachable while planning: release the claim so the next attempt may copy.
      await deps.ledger.fail({ ...target, error });
      throw error;
    }
    if (plan.kind === 'refuse') {
      await deps.ledger.fail({ ...target, error: plan.reason });
      return { ok: false, reason: plan.reason, requests: plan.reads };
    }
    let result: Awaited<ReturnType<typeof executeCopyInPlace>>;
    try {
      result = await executeCopyInPlace(deps.s3, plan, pacing);
    } catch (error) {
      await deps.ledger.fail({ ...target, error });
      // The object changed under us (a newer version landed): never copy over it.
      if (error instanceof CopyPreconditionError)
        return { ok: false, reason: 'the object changed; not copied' };
      // S3 refused for good (denied, a KMS key not usable, a missing bucket): this object fails with the reason,
      // and the re-drive goes on with the others. Throttling and server faults are thrown, for a later retry.
      if (isPermanent(error))
        return { ok: false, reason: error instanceof Error ? error.message : String(error) };
      throw error;
    }
    // Recorded after the copy: if this write fails, the copy stands and a retry sees the newer version.
    await deps.ledger.complete({
      ...target,
      requests: result.requests,
      ...(result.newVersionId ? { newVersionId: result.newVersionId } : {}),
    });
    return {
      ok: true,
      requests: plan.reads + result.requests,
      ...(result.newVersionId ? { newVersionId: result.newVersionId } : {}),
    };
  };
}
