/**
 * Real-shaped diagnoses for the notification tests, in the seed setup (role policy lacking
 * s3:ReplicateObject is the guide's most common failure), with one helper per verdict.
 */
import type { Cause, Diagnosis, DiagnosisFailure } from '../../shared/diagnosis/types.js';
import {
  DESTINATION_BUCKET,
  OBJECT_KEY,
  OBJECT_VERSION_ID,
  ROLE_ARN,
  RULE_ID,
  SOURCE_BUCKET,
} from '../support/seed-setup.js';

export function failureFor(key = OBJECT_KEY, versionId = OBJECT_VERSION_ID): DiagnosisFailure {
  return {
    eventName: 'Replication:OperationFailedReplication',
    sourceBucket: SOURCE_BUCKET,
    key,
    versionId,
    ruleId: RULE_ID,
    destinationBucket: DESTINATION_BUCKET,
    failureReason: 'DstPutObjectNotPermitted',
  };
}

export function rolePolicyCause(missingActions = ['s3:ReplicateObject']): Cause {
  return {
    location: 'replication-role-policy',
    problem: 'action-not-allowed',
    missingActions,
    principal: ROLE_ARN,
    resource: `arn:aws:s3:::${DESTINATION_BUCKET}/*`,
    summary: `No identity policy of ${ROLE_ARN} allows ${missingActions.join(', ')} on arn:aws:s3:::${DESTINATION_BUCKET}/*.`,
    fix: {
      summary: 'Add this statement to the inline policy S3ReplicationPolicy of S3ReplicationRole.',
      policyStatement: {
        Sid: 'AllowReplicationToDestination',
        Effect: 'Allow',
        Action: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'],
        Resource: `arn:aws:s3:::${DESTINATION_BUCKET}/*`,
      },
      commands: [
        'aws iam put-role-policy --role-name S3ReplicationRole --policy-name S3ReplicationPolicy --policy-document file://policy.json',
      ],
    },
    evidence: ['identity policies read: S3ReplicationPolicy (inline)'],
  };
}

export function rootCause(
  key = OBJECT_KEY,
  versionId = OBJECT_VERSION_ID,
  cause = rolePolicyCause(),
): Diagnosis {
  return {
    failure: failureFor(key, versionId),
    verdict: 'root-cause-found',
    causes: [cause],
    inconclusive: [],
    action: 'notify',
  };
}

export function noCauseFound(key = OBJECT_KEY, versionId = OBJECT_VERSION_ID): Diagnosis {
  return {
    failure: failureFor(key, versionId),
    verdict: 'no-cause-found',
    causes: [],
    inconclusive: [],
    action: 'retrigger',
  };
}

export function inconclusive(key = OBJECT_KEY): Diagnosis {
  return {
    failure: failureFor(key),
    verdict: 'inconclusive',
    causes: [],
    inconclusive: [
      {
        check: 'destination-bucket-policy',
        why: 's3:GetBucketPolicy on my-destination-bucket-euw1 was denied to the diagnoser',
      },
    ],
    action: 'notify',
  };
}

export function alreadyReplicated(key = OBJECT_KEY): Diagnosis {
  return {
    failure: failureFor(key),
    verdict: 'no-action-needed',
    causes: [
      {
        location: 'object',
        problem: 'already-replicated',
        missingActions: [],
        resource: `arn:aws:s3:::${SOURCE_BUCKET}/${key}`,
        summary: 'The object is already replicated (ReplicationStatus COMPLETED).',
        fix: { summary: 'Nothing to do.', commands: [] },
      },
    ],
    inconclusive: [],
    action: 'ignore',
  };
}

export function throttled(key = OBJECT_KEY): Diagnosis {
  return {
    failure: failureFor(key),
    verdict: 'root-cause-found',
    causes: [
      {
        location: 'transient',
        problem: 'throttled',
        missingActions: [],
        summary: 'S3 throttled the replication (SlowDown).',
        fix: { summary: 'Retrying is the fix.', commands: [] },
      },
    ],
    inconclusive: [],
    action: 'notify',
  };
}

/** `count` objects stopped by one cause, each with its own key and version. */
export function storm(
  count: number,
  keyOf = (i: number) => `logs/2024/10/01/part-${String(i).padStart(5, '0')}.json.gz`,
): Diagnosis[] {
  return Array.from({ length: count }, (_, i) => rootCause(keyOf(i), `v${i}.Xk3J9lcpXroDTDmJrmSpXd3dIbrHY`));
}
