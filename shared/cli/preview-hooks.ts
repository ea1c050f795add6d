import { readSnapshotFile } from '../aws/index.js';
import { createReplayS3Client } from '../aws/replay-s3-client.js';
import type { Diagnosis } from '../diagnosis/types.js';
import type { PlannedCopy } from '../notify/notification.js';
import { decideAction } from '../remediation/action-policy.js';
import { planCopyInPlace, readBucketAclsEnabled } from '../remediation/copy-in-place.js';
import type { NotifyPreviewDeps } from './commands/notify.js';

/**
 * The real action policy and copy planner for `notify --preview`: decisions as the act function makes them
 * (nothing is opted in for automatic copies), and copies planned against the snapshot, not live S3.
 */
export async function previewActionHooks(snapshotPath: string): Promise<NotifyPreviewDeps> {
  const s3 = createReplayS3Client(await readSnapshotFile(snapshotPath));
  return {
    decide: (diagnosis, mode) => decideAction(diagnosis, { mode, autoRetrigger: [] }).action,
    async planCopies(diagnoses: Diagnosis[]) {
      const copies: PlannedCopy[] = [];
      for (const { failure } of diagnoses) {
        const target = { bucket: failure.sourceBucket, key: failure.key, versionId: failure.versionId };
        const aclsEnabled = await readBucketAclsEnabled(s3, target.bucket).catch(() => false);
        const plan = await planCopyInPlace(s3, target, { aclsEnabled });
        copies.push({
          bucket: target.bucket,
          key: target.key,
          ...(target.versionId ? { versionId: target.versionId } : {}),
          request: plan.kind === 'copy' ? (plan.request as unknown as Record<string, unknown>) : {},
          executed: false,
          ...(plan.kind === 'refuse' ? { outcome: `would be refused: ${plan.reason}` } : {}),
        });
      }
      return copies;
    },
  };
}
