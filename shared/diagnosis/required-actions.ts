/**
 * The S3 permissions the replication role needs for one failure: the rule's features decide which
 * (reference §4.2), and the plan narrows them to the actions the failure reason implicates.
 */
import type { CheckPlan, S3Action } from './plans.js';
import type { ReplicationRule } from './reads.js';
import { ownerOverride, replicatesDeleteMarkers } from './rule-features.js';

/** Where an action applies: the source bucket itself, its objects, or the destination's objects. */
export type ActionTarget = 'source-bucket' | 'source-object' | 'destination-object';

export interface RequiredAction {
  action: S3Action;
  target: ActionTarget;
  /** Report only an explicit deny (the action is optional, another one covers it). */
  denyOnly: boolean;
  /** Why the rule needs it, for evidence. */
  reason: string;
}

/** What is known about the rule and the object; `undefined` means not known (not read, or unreadable). */
export interface ActionFeatures {
  rule?: ReplicationRule;
  objectHasTags?: boolean;
  sourceObjectLock?: boolean;
  destinationOwnershipEnforced?: boolean;
}

const TARGETS: Record<S3Action, ActionTarget> = {
  's3:GetReplicationConfiguration': 'source-bucket',
  's3:ListBucket': 'source-bucket',
  's3:GetObjectVersionForReplication': 'source-object',
  's3:GetObjectVersionAcl': 'source-object',
  's3:GetObjectVersionTagging': 'source-object',
  's3:GetObjectRetention': 'source-object',
  's3:GetObjectLegalHold': 'source-object',
  's3:ReplicateObject': 'destination-object',
  's3:ReplicateDelete': 'destination-object',
  's3:ReplicateTags': 'destination-object',
  's3:ObjectOwnerOverrideToBucketOwner': 'destination-object',
  's3:PutObjectRetention': 'destination-object',
  's3:PutObjectLegalHold': 'destination-object',
};

export const targetOf = (action: S3Action): ActionTarget => TARGETS[action];

/** Every permission the rule's features call for, with the reason (the `all` focus). */
export function featureActions(features: ActionFeatures): Array<{ action: S3Action; reason: string }> {
  const needed: Array<{ action: S3Action; reason: string }> = [
    { action: 's3:GetReplicationConfiguration', reason: 'every replication rule reads its configuration' },
    { action: 's3:ListBucket', reason: 'every replication rule lists the source (delete markers)' },
    { action: 's3:GetObjectVersionForReplication', reason: 'every replication reads the source version' },
    { action: 's3:GetObjectVersionAcl', reason: 'every replication reads the source ACL' },
  ];
  if (features.objectHasTags) {
    needed.push({ action: 's3:GetObjectVersionTagging', reason: 'the object has tags' });
  }
  if (features.sourceObjectLock) {
    needed.push(
      { action: 's3:GetObjectRetention', reason: 'the source uses Object Lock' },
      { action: 's3:GetObjectLegalHold', reason: 'the source uses Object Lock' },
    );
  }
  needed.push({ action: 's3:ReplicateObject', reason: 'every replication writes the replica' });
  const rule = features.rule;
  if (rule && replicatesDeleteMarkers(rule)) {
    needed.push({ action: 's3:ReplicateDelete', reason: 'the rule replicates delete markers' });
  }
  if (rule && ownerOverride(rule) && features.destinationOwnershipEnforced !== true) {
    needed.push({
      action: 's3:ObjectOwnerOverrideToBucketOwner',
      reason: 'the rule sets owner override (AccessControlTranslation Owner=Destination)',
    });
  }
  return needed;
}

export function requiredActions(
  actions: CheckPlan['actions'],
  features: ActionFeatures,
  failureReason?: string,
): RequiredAction[] {
  const byFeature = featureActions(features);
  const picked =
    actions === 'all'
      ? byFeature.map((need) => ({ ...need, denyOnly: false }))
      : actions.flatMap((focus) => {
          const need = byFeature.find((candidate) => candidate.action === focus.action);
          if (focus.when === 'if-needed') return need ? [{ ...need, denyOnly: focus.denyOnly === true }] : [];
          return [
            {
              action: focus.action,
              reason:
                need?.reason ??
                (failureReason
                  ? `the failure reason ${failureReason} names it`
                  : 'the failure reason names it'),
              denyOnly: focus.denyOnly === true,
            },
          ];
        });
  return picked.map((need) => ({ ...need, target: targetOf(need.action) }));
}
