/**
 * Every diagnosis scenario shipped in `events/scenarios/`: the seed setup of the AWS CRR guide with one thing
 * broken, one scenario per failure reason where a root cause can be shown, and the benign, no-cause,
 * inconclusive and organization-policy outcomes. The demo and the README use these as sample data.
 */
import type { Location, Problem } from '../../shared/diagnosis/types.js';
import type { PolicyStatement } from '../../shared/policy/types.js';
import type { ExpectedCause, Scenario } from './scenario-types.js';
import {
  DESTINATION_ACCOUNT,
  DESTINATION_BUCKET,
  DESTINATION_BUCKET_ARN,
  OBJECT_KEY,
  PARTNER_CANONICAL_ID,
  REPLICA_KEY_ID,
  ROLE_ARN,
  ROLE_NAME,
  SOURCE_ACCOUNT,
  SOURCE_BUCKET_ARN,
  SOURCE_KEY_ARN,
  seedCrossAccountStatement,
} from './seed-setup.js';
import { seedSnapshot } from './snapshot-builder.js';

const SOURCE_OBJECTS = `${SOURCE_BUCKET_ARN}/*`;
const DESTINATION_OBJECTS = `${DESTINATION_BUCKET_ARN}/*`;
const SAME_ACCOUNT_REPLICA_KEY = `arn:aws:kms:eu-west-1:${SOURCE_ACCOUNT}:key/${REPLICA_KEY_ID}`;
const CROSS_ACCOUNT_REPLICA_KEY = `arn:aws:kms:eu-west-1:${DESTINATION_ACCOUNT}:key/${REPLICA_KEY_ID}`;
const DELETE_MARKER_VERSION_ID = 'Wq8cRg1t2Yl5HpUuN0bTf3o9sJvXkE7a';
const LARGE_OBJECT_SIZE = 6_871_947_674;

/** A permission the replication role lacks somewhere. */
function permission(
  location: Location,
  problem: 'action-not-allowed' | 'explicit-deny',
  actions: string[],
  resource: string,
  extra: Pick<ExpectedCause, 'fixMentions' | 'mentions'> = {},
): ExpectedCause {
  return { location, problem, missingActions: [...actions].sort(), principal: ROLE_ARN, resource, ...extra };
}

/** A problem that is not a permission (a setting, a key state, the object itself). */
function finding(
  location: Location,
  problem: Problem,
  extra: Pick<ExpectedCause, 'fixMentions' | 'mentions' | 'resource'> = {},
): ExpectedCause {
  return { location, problem, missingActions: [], ...extra };
}

const NOTIFY = { verdict: 'root-cause-found', action: 'notify' } as const;

const crossAccountPolicyWithout = (...actions: string[]): PolicyStatement => {
  const statement = seedCrossAccountStatement();
  const granted = Array.isArray(statement.Action) ? statement.Action : [];
  return { ...statement, Action: granted.filter((action) => !actions.includes(action)) };
};

export const SCENARIOS: Scenario[] = [
  // ---- the three seed cases of the issue ----
  {
    name: 'cross-account-destination-bucket-policy-missing',
    title: 'Cross-account destination bucket has no bucket policy',
    description:
      'The seed setup replicating into my-destination-bucket-euw1 owned by account 444455556666. The role ' +
      'policy is right, but nobody added the destination bucket policy the guide asks for, so account ' +
      '444455556666 never lets S3ReplicationRole write replicas (DstPutObjectNotPermitted).',
    event: { failureReason: 'DstPutObjectNotPermitted' },
    snapshot: seedSnapshot().crossAccount({ bucketPolicy: 'none' }),
    expect: {
      ...NOTIFY,
      causes: [
        permission(
          'destination-bucket-policy',
          'action-not-allowed',
          ['s3:ReplicateObject'],
          DESTINATION_OBJECTS,
          {
            fixMentions: [ROLE_ARN, DESTINATION_OBJECTS, 'put-bucket-policy', DESTINATION_BUCKET],
          },
        ),
      ],
    },
  },
  {
    name: 'sse-kms-role-policy-lacks-source-key-decrypt',
    title: 'SSE-KMS object: the role policy has no kms:Decrypt for the source key',
    description:
      'SSE-KMS replication in one account. The source key keeps its default key policy, which leaves access to ' +
      'IAM, and the role policy was given the replica-key statement but not kms:Decrypt on the source key, so ' +
      'S3 cannot read the encrypted object (SrcGetObjectNotPermitted).',
    event: { failureReason: 'SrcGetObjectNotPermitted' },
    snapshot: seedSnapshot().sseKms().withoutRoleActions('kms:Decrypt'),
    expect: {
      ...NOTIFY,
      causes: [
        permission('replication-role-policy', 'action-not-allowed', ['kms:Decrypt'], SOURCE_KEY_ARN, {
          fixMentions: [SOURCE_KEY_ARN, ROLE_NAME, 'kms:Decrypt', 'put-role-policy'],
        }),
      ],
    },
  },
  {
    name: 'sse-kms-destination-key-policy-lacks-role',
    title: 'SSE-KMS cross-account: the replica key policy does not name the replication role',
    description:
      'SSE-KMS replication into account 444455556666. The destination bucket policy and the role policy are ' +
      'right, but the replica key in eu-west-1 still has its default key policy, which trusts only account ' +
      '444455556666 itself, so S3ReplicationRole cannot encrypt the replica (DstPutObjectNotPermitted).',
    event: { failureReason: 'DstPutObjectNotPermitted' },
    snapshot: seedSnapshot().crossAccount().sseKms({ replicaKeyPolicy: 'default' }),
    expect: {
      ...NOTIFY,
      causes: [
        permission(
          'destination-kms-key',
          'action-not-allowed',
          ['kms:Encrypt', 'kms:GenerateDataKey'],
          CROSS_ACCOUNT_REPLICA_KEY,
          { fixMentions: [ROLE_ARN, CROSS_ACCOUNT_REPLICA_KEY, 'put-key-policy'] },
        ),
      ],
    },
  },
  {
    name: 'destination-versioning-suspended',
    title: 'Versioning was suspended on the destination bucket',
    description:
      'The seed setup after someone suspended versioning on my-destination-bucket-euw1 to save storage. ' +
      'Replication needs versioning enabled on both buckets (DstBucketUnversioned).',
    event: { failureReason: 'DstBucketUnversioned' },
    snapshot: seedSnapshot().versioning('destination', 'Suspended'),
    expect: {
      ...NOTIFY,
      causes: [
        finding('destination-bucket-configuration', 'versioning-not-enabled', {
          fixMentions: ['put-bucket-versioning', DESTINATION_BUCKET, 'Status=Enabled'],
        }),
      ],
    },
  },

  // ---- the role ----
  {
    name: 'assume-role-trust-policy-without-s3',
    title: 'The replication role trusts EC2, not S3',
    description:
      'S3ReplicationRole was created from the EC2 role template: its trust policy lets ec2.amazonaws.com ' +
      'assume it, but not s3.amazonaws.com, so S3 cannot assume the role (AssumeRoleNotPermitted).',
    event: { failureReason: 'AssumeRoleNotPermitted' },
    snapshot: seedSnapshot().trustPolicy({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    }),
    expect: {
      ...NOTIFY,
      causes: [
        finding('replication-role', 'trust-policy-does-not-allow-s3', {
          fixMentions: ['update-assume-role-policy', ROLE_NAME, 's3.amazonaws.com'],
        }),
      ],
    },
  },
  {
    name: 'role-policy-resource-on-bucket-arn',
    title: 'The role policy grants s3:ReplicateObject on the bucket ARN instead of bucket/*',
    description:
      'The classic mistake: the DestinationBucketWriteAccess statement of S3ReplicationPolicy names ' +
      'arn:aws:s3:::my-destination-bucket-euw1 instead of arn:aws:s3:::my-destination-bucket-euw1/*, so it ' +
      'matches no object. A 6.4 GB object fails when S3 starts its multipart upload (DstMultipartInitNotPermitted).',
    event: { failureReason: 'DstMultipartInitNotPermitted', size: LARGE_OBJECT_SIZE },
    snapshot: seedSnapshot().roleStatement('DestinationBucketWriteAccess', (statement) => {
      statement.Resource = DESTINATION_BUCKET_ARN;
    }),
    expect: {
      ...NOTIFY,
      causes: [
        permission(
          'replication-role-policy',
          'action-not-allowed',
          ['s3:ReplicateObject'],
          DESTINATION_OBJECTS,
          {
            fixMentions: [DESTINATION_OBJECTS, ROLE_NAME, 'put-role-policy'],
          },
        ),
      ],
    },
  },
  {
    name: 'permissions-boundary-lacks-replicate-object',
    title: 'A permissions boundary on the role allows reads only',
    description:
      'The platform team put the permissions boundary StorageReadOnlyBoundary on every role; it allows s3:Get*, ' +
      's3:List* and kms:Decrypt. The role policy grants s3:ReplicateObject, but the boundary caps it, so the ' +
      'upload of the parts of a large object fails (DstMultipartUploadNotPermitted).',
    event: { failureReason: 'DstMultipartUploadNotPermitted', size: LARGE_OBJECT_SIZE },
    snapshot: seedSnapshot().permissionsBoundary('StorageReadOnlyBoundary', {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ReadOnlyStorage',
          Effect: 'Allow',
          Action: ['s3:Get*', 's3:List*', 'kms:Decrypt'],
          Resource: '*',
        },
      ],
    }),
    expect: {
      ...NOTIFY,
      causes: [
        permission(
          'replication-role-permissions-boundary',
          'action-not-allowed',
          ['s3:ReplicateObject'],
          DESTINATION_OBJECTS,
          { mentions: ['StorageReadOnlyBoundary'] },
        ),
      ],
    },
  },
  {
    name: 'guardrail-policy-denies-replication-outside-us',
    title: 'An attached guardrail policy denies writes to buckets outside the US',
    description:
      'A managed policy DataResidencyGuardrail, attached to the role, denies s3:PutObject and s3:Replicate* on ' +
      'every bucket whose name does not end in -use1. The eu-west-1 destination is caught by it: the explicit ' +
      'deny wins over the allow in S3ReplicationPolicy (DstMultipartPartUploadNotPermitted, the older spelling).',
    event: { failureReason: 'DstMultipartPartUploadNotPermitted', size: LARGE_OBJECT_SIZE },
    snapshot: seedSnapshot().attachManagedPolicy('DataResidencyGuardrail', {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DenyWritesOutsideUsBuckets',
          Effect: 'Deny',
          Action: ['s3:PutObject', 's3:Replicate*'],
          NotResource: ['arn:aws:s3:::*-use1', 'arn:aws:s3:::*-use1/*'],
        },
      ],
    }),
    expect: {
      ...NOTIFY,
      causes: [
        permission('replication-role-policy', 'explicit-deny', ['s3:ReplicateObject'], DESTINATION_OBJECTS, {
          mentions: ['DataResidencyGuardrail', 'DenyWritesOutsideUsBuckets'],
        }),
      ],
    },
  },
  {
    name: 'delete-marker-role-policy-lacks-replicate-delete',
    title: 'Delete markers cannot be replicated: s3:ReplicateDelete is missing',
    description:
      'The rule replicates delete markers (DeleteMarkerReplication Enabled), but s3:ReplicateDelete was trimmed ' +
      'from S3ReplicationPolicy during a least-privilege review, so the delete marker of the report stays ' +
      'behind (DstDelObjNotPermitted).',
    event: { failureReason: 'DstDelObjNotPermitted', versionId: DELETE_MARKER_VERSION_ID, size: 0 },
    snapshot: seedSnapshot()
      .withoutRoleActions('s3:ReplicateDelete')
      .objectKey(OBJECT_KEY, DELETE_MARKER_VERSION_ID)
      .objectIsDeleteMarker(),
    expect: {
      ...NOTIFY,
      causes: [
        permission(
          'replication-role-policy',
          'action-not-allowed',
          ['s3:ReplicateDelete'],
          DESTINATION_OBJECTS,
          {
            fixMentions: [DESTINATION_OBJECTS, ROLE_NAME],
          },
        ),
      ],
    },
  },
  {
    name: 'source-role-policy-grants-get-object-version',
    title: 'The role policy grants s3:GetObjectVersion, not s3:GetObjectVersionForReplication',
    description:
      'S3ReplicationPolicy was hand-written with s3:GetObjectVersion on the source objects. Replication reads ' +
      'through s3:GetObjectVersionForReplication, which the policy does not grant (SrcHeadObjectNotPermitted).',
    event: { failureReason: 'SrcHeadObjectNotPermitted' },
    snapshot: seedSnapshot().roleStatement('SourceObjectReadAccess', (statement) => {
      statement.Action = ['s3:GetObjectVersion', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'];
    }),
    expect: {
      ...NOTIFY,
      causes: [
        permission(
          'replication-role-policy',
          'action-not-allowed',
          ['s3:GetObjectVersionForReplication'],
          SOURCE_OBJECTS,
          { fixMentions: [SOURCE_OBJECTS, ROLE_NAME] },
        ),
      ],
    },
  },
  {
    name: 'source-tagging-read-not-allowed',
    title: 'Tagged object: the role may not read the source tags',
    description:
      'The object carries the tag classification=internal, and s3:GetObjectVersionTagging was removed from ' +
      'S3ReplicationPolicy, so S3 cannot read the tags it must replicate (SrcGetTaggingNotPermitted).',
    event: { failureReason: 'SrcGetTaggingNotPermitted' },
    snapshot: seedSnapshot()
      .withoutRoleActions('s3:GetObjectVersionTagging')
      .objectTags([{ Key: 'classification', Value: 'internal' }]),
    expect: {
      ...NOTIFY,
      causes: [
        permission(
          'replication-role-policy',
          'action-not-allowed',
          ['s3:GetObjectVersionTagging'],
          SOURCE_OBJECTS,
          {
            fixMentions: [SOURCE_OBJECTS, ROLE_NAME],
          },
        ),
      ],
    },
  },
  {
    name: 'source-legal-hold-read-not-allowed',
    title: 'Object Lock: the role may read retention but not legal holds',
    description:
      'Both buckets use Object Lock and the report is under a legal hold. The role policy was extended with ' +
      's3:GetObjectRetention but not s3:GetObjectLegalHold, so S3 cannot read the hold to copy it ' +
      '(SrcGetLegalHoldNotPermitted).',
    event: { failureReason: 'SrcGetLegalHoldNotPermitted' },
    snapshot: seedSnapshot().objectLock({ legalHold: true }).withoutRoleActions('s3:GetObjectLegalHold'),
    expect: {
      ...NOTIFY,
      causes: [
        permission(
          'replication-role-policy',
          'action-not-allowed',
          ['s3:GetObjectLegalHold'],
          SOURCE_OBJECTS,
          {
            fixMentions: [SOURCE_OBJECTS, ROLE_NAME],
          },
        ),
      ],
    },
  },
  {
    name: 'destination-legal-hold-write-not-allowed',
    title: 'Object Lock: the role may not set legal holds on replicas',
    description:
      'Both buckets use Object Lock and the report is under a legal hold. The role policy lacks ' +
      's3:PutObjectLegalHold on the destination objects, so the replica cannot carry the hold ' +
      '(DstPutLegalHoldNotPermitted).',
    event: { failureReason: 'DstPutLegalHoldNotPermitted' },
    snapshot: seedSnapshot().objectLock({ legalHold: true }).withoutRoleActions('s3:PutObjectLegalHold'),
    expect: {
      ...NOTIFY,
      causes: [
        permission(
          'replication-role-policy',
          'action-not-allowed',
          ['s3:PutObjectLegalHold'],
          DESTINATION_OBJECTS,
          {
            fixMentions: [DESTINATION_OBJECTS, ROLE_NAME],
          },
        ),
      ],
    },
  },

  // ---- bucket policies ----
  {
    name: 'source-bucket-policy-denies-retention-reads',
    title: 'The source bucket policy denies retention reads to everyone but compliance admins',
    description:
      'The source bucket policy protects Object Lock settings with a Deny on s3:GetObjectRetention for every ' +
      'principal not named ComplianceAdmin*. S3ReplicationRole is caught by it and cannot read the retention ' +
      'period of the object (SrcGetRetentionNotPermitted).',
    event: { failureReason: 'SrcGetRetentionNotPermitted' },
    snapshot: seedSnapshot()
      .objectLock()
      .addBucketPolicyStatement('source', {
        Sid: 'ProtectRetentionSettings',
        Effect: 'Deny',
        Principal: '*',
        Action: ['s3:GetObjectRetention', 's3:PutObjectRetention', 's3:BypassGovernanceRetention'],
        Resource: SOURCE_OBJECTS,
        Condition: {
          StringNotLike: { 'aws:PrincipalArn': `arn:aws:iam::${SOURCE_ACCOUNT}:role/ComplianceAdmin*` },
        },
      }),
    expect: {
      ...NOTIFY,
      causes: [
        permission('source-bucket-policy', 'explicit-deny', ['s3:GetObjectRetention'], SOURCE_OBJECTS, {
          mentions: ['ProtectRetentionSettings'],
        }),
      ],
    },
  },
  {
    name: 'destination-policy-grants-put-object-instead-of-replicate',
    title: 'Cross-account bucket policy grants s3:PutObject and s3:PutObjectAcl, not s3:ReplicateObject',
    description:
      'The owner of account 444455556666 wrote the destination bucket policy from an upload template: it grants ' +
      'S3ReplicationRole s3:PutObject and s3:PutObjectAcl, but replication writes with s3:ReplicateObject, so the ' +
      'replica and its ACL cannot be written (DstPutAclNotPermitted).',
    event: { failureReason: 'DstPutAclNotPermitted' },
    snapshot: seedSnapshot().crossAccount({
      bucketPolicy: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'AllowUploadsFromProduction',
            Effect: 'Allow',
            Principal: { AWS: ROLE_ARN },
            Action: ['s3:PutObject', 's3:PutObjectAcl', 's3:ReplicateDelete', 's3:ReplicateTags'],
            Resource: DESTINATION_OBJECTS,
          },
        ],
      },
    }),
    expect: {
      ...NOTIFY,
      causes: [
        permission(
          'destination-bucket-policy',
          'action-not-allowed',
          ['s3:ReplicateObject'],
          DESTINATION_OBJECTS,
          {
            fixMentions: [ROLE_ARN, DESTINATION_OBJECTS, 'put-bucket-policy'],
          },
        ),
      ],
    },
  },
  {
    name: 'cross-account-owner-override-not-allowed',
    title: 'Owner override is on, but the destination bucket policy does not allow it',
    description:
      'The rule hands replicas to account 444455556666 (AccessControlTranslation Owner=Destination) and the ' +
      'destination bucket uses BucketOwnerPreferred. Its bucket policy grants the replication actions but not ' +
      's3:ObjectOwnerOverrideToBucketOwner, so the replica cannot be written (DstPutObjectNotPermitted).',
    event: { failureReason: 'DstPutObjectNotPermitted' },
    snapshot: seedSnapshot()
      .crossAccount({
        bucketPolicy: {
          Version: '2012-10-17',
          Statement: [crossAccountPolicyWithout('s3:ObjectOwnerOverrideToBucketOwner')],
        },
      })
      .ownerOverride()
      .ownership('destination', 'BucketOwnerPreferred'),
    expect: {
      ...NOTIFY,
      causes: [
        permission(
          'destination-bucket-policy',
          'action-not-allowed',
          ['s3:ObjectOwnerOverrideToBucketOwner'],
          DESTINATION_OBJECTS,
          { fixMentions: [ROLE_ARN, DESTINATION_OBJECTS] },
        ),
      ],
    },
  },
  {
    name: 'cross-account-destination-policy-lacks-put-retention',
    title: 'Object Lock cross-account: the destination bucket policy does not allow s3:PutObjectRetention',
    description:
      'Both buckets use Object Lock and the destination belongs to account 444455556666. The role policy ' +
      'allows s3:PutObjectRetention, but the destination bucket policy is still the one from the guide, which ' +
      'does not, so the replica cannot get its retention period (DstPutRetentionNotPermitted).',
    event: { failureReason: 'DstPutRetentionNotPermitted' },
    snapshot: seedSnapshot().crossAccount().objectLock(),
    expect: {
      ...NOTIFY,
      causes: [
        permission(
          'destination-bucket-policy',
          'action-not-allowed',
          ['s3:PutObjectRetention'],
          DESTINATION_OBJECTS,
          {
            fixMentions: [ROLE_ARN, DESTINATION_OBJECTS],
          },
        ),
      ],
    },
  },
  {
    name: 'destination-policy-refuses-replicated-tags',
    title: 'The destination account refuses replicated tags with an explicit deny',
    description:
      'Account 444455556666 does not accept tags from the source: its bucket policy denies s3:ReplicateTags to ' +
      'S3ReplicationRole (statement RefuseReplicatedTags). The object carries tags, so its tags cannot be ' +
      'replicated (DstPutTaggingNotPermitted).',
    event: { failureReason: 'DstPutTaggingNotPermitted' },
    snapshot: seedSnapshot()
      .crossAccount()
      .addBucketPolicyStatement('destination', {
        Sid: 'RefuseReplicatedTags',
        Effect: 'Deny',
        Principal: { AWS: ROLE_ARN },
        Action: 's3:ReplicateTags',
        Resource: DESTINATION_OBJECTS,
      })
      .objectTags([
        { Key: 'classification', Value: 'internal' },
        { Key: 'cost-center', Value: 'fin-042' },
      ]),
    expect: {
      ...NOTIFY,
      causes: [
        permission('destination-bucket-policy', 'explicit-deny', ['s3:ReplicateTags'], DESTINATION_OBJECTS, {
          mentions: ['RefuseReplicatedTags'],
        }),
      ],
    },
  },
  {
    name: 'destination-policy-notprincipal-deny',
    title: 'A NotPrincipal deny on the destination bucket locks out the replication role',
    description:
      'Account 444455556666 locked its backup bucket down with a Deny on s3:PutObject and s3:ReplicateObject for ' +
      'every principal except its own root (NotPrincipal). The replication role is not that principal, so the ' +
      'deny applies to it despite the allow above it (DstMultipartCompleteNotPermitted).',
    event: { failureReason: 'DstMultipartCompleteNotPermitted', size: LARGE_OBJECT_SIZE },
    snapshot: seedSnapshot()
      .crossAccount()
      .addBucketPolicyStatement('destination', {
        Sid: 'DenyWritesFromOutsideTheBackupAccount',
        Effect: 'Deny',
        NotPrincipal: { AWS: `arn:aws:iam::${DESTINATION_ACCOUNT}:root` },
        Action: ['s3:PutObject', 's3:ReplicateObject'],
        Resource: DESTINATION_OBJECTS,
      }),
    expect: {
      ...NOTIFY,
      causes: [
        permission(
          'destination-bucket-policy',
          'explicit-deny',
          ['s3:ReplicateObject'],
          DESTINATION_OBJECTS,
          {
            mentions: ['DenyWritesFromOutsideTheBackupAccount'],
          },
        ),
      ],
    },
  },

  // ---- buckets and the replication configuration ----
  {
    name: 'destination-bucket-deleted',
    title: 'The destination bucket was deleted',
    description:
      'my-destination-bucket-euw1 was deleted during a clean-up of unused buckets; the replication rule still ' +
      'points at it (DstBucketNotFound).',
    event: { failureReason: 'DstBucketNotFound' },
    snapshot: seedSnapshot().bucketMissing('destination'),
    expect: {
      ...NOTIFY,
      causes: [
        finding('destination-bucket-configuration', 'bucket-not-found', {
          fixMentions: [DESTINATION_BUCKET],
        }),
      ],
    },
  },
  {
    name: 'destination-object-lock-missing',
    title: 'The source uses Object Lock, the destination does not',
    description:
      'Object Lock was turned on for my-source-bucket-use1 for compliance, but not for the destination. ' +
      'Locked objects can only replicate into a bucket with Object Lock (DstBucketObjectLockConfigMissing).',
    event: { failureReason: 'DstBucketObjectLockConfigMissing' },
    snapshot: seedSnapshot().objectLock({ destination: false }),
    expect: {
      ...NOTIFY,
      causes: [
        finding('destination-bucket-configuration', 'object-lock-not-enabled', {
          fixMentions: ['put-object-lock-configuration', DESTINATION_BUCKET],
        }),
      ],
    },
  },
  {
    name: 'source-bucket-deleted',
    title: 'The source bucket no longer exists',
    description:
      'The event names my-source-bucket-use1, which has since been deleted; there is nothing left to replicate ' +
      'from (SrcBucketNotFound).',
    event: { failureReason: 'SrcBucketNotFound' },
    snapshot: seedSnapshot().bucketMissing('source'),
    expect: { ...NOTIFY, causes: [finding('source-bucket-configuration', 'bucket-not-found')] },
  },
  {
    name: 'replication-configuration-deleted',
    title: 'The replication configuration was removed from the source bucket',
    description:
      'Someone ran delete-bucket-replication on my-source-bucket-use1; objects still in flight fail because the ' +
      'configuration is gone (SrcBucketReplicationConfigMissing).',
    event: { failureReason: 'SrcBucketReplicationConfigMissing' },
    snapshot: seedSnapshot().noReplicationConfiguration(),
    expect: {
      ...NOTIFY,
      causes: [finding('source-bucket-configuration', 'replication-configuration-missing')],
    },
  },

  // ---- KMS ----
  {
    name: 'destination-kms-key-pending-deletion',
    title: 'The replica KMS key is scheduled for deletion',
    description:
      'SSE-KMS replication in one account. The replica key in eu-west-1 was scheduled for deletion by a ' +
      'clean-up script, so it cannot encrypt replicas (DstKmsKeyInvalidState).',
    event: { failureReason: 'DstKmsKeyInvalidState' },
    snapshot: seedSnapshot().sseKms().keyState('replica', 'PendingDeletion'),
    expect: {
      ...NOTIFY,
      causes: [
        finding('destination-kms-key', 'key-pending-deletion', {
          resource: SAME_ACCOUNT_REPLICA_KEY,
          fixMentions: ['cancel-key-deletion', SAME_ACCOUNT_REPLICA_KEY],
        }),
      ],
    },
  },
  {
    name: 'destination-kms-key-not-found',
    title: 'The replica KMS key named in the rule does not exist',
    description:
      'ReplicaKmsKeyID names a key that was deleted from account 123456789012 in eu-west-1. ' +
      'PutBucketReplication does not check the key, so the rule was accepted and every SSE-KMS object fails ' +
      '(DstKmsKeyNotFound).',
    event: { failureReason: 'DstKmsKeyNotFound' },
    snapshot: seedSnapshot().sseKms().keyMissing('replica'),
    expect: {
      ...NOTIFY,
      causes: [finding('destination-kms-key', 'key-not-found', { resource: SAME_ACCOUNT_REPLICA_KEY })],
    },
  },
  {
    name: 'source-kms-key-disabled',
    title: 'The source object’s KMS key was disabled',
    description:
      'The report is encrypted with a customer managed key in us-east-1 that was disabled during a key ' +
      'rotation, so S3 cannot decrypt the object to replicate it (SrcKmsKeyInvalidState).',
    event: { failureReason: 'SrcKmsKeyInvalidState' },
    snapshot: seedSnapshot().sseKms().keyState('source', 'Disabled'),
    expect: {
      ...NOTIFY,
      causes: [
        finding('source-kms-key', 'key-disabled', {
          resource: SOURCE_KEY_ARN,
          fixMentions: ['enable-key', SOURCE_KEY_ARN],
        }),
      ],
    },
  },

  // ---- the object ----
  {
    name: 'source-object-owned-by-partner-account',
    title: 'The object was uploaded by another account and is not owned by the bucket owner',
    description:
      'A partner account uploads into my-source-bucket-use1, whose Object Ownership is ObjectWriter, without the ' +
      'bucket-owner-full-control ACL. The partner owns the object, so the bucket owner’s replication role cannot ' +
      'read its ACL (SrcGetAclNotPermitted).',
    event: { failureReason: 'SrcGetAclNotPermitted' },
    snapshot: seedSnapshot().ownership('source', 'ObjectWriter').objectOwner(PARTNER_CANONICAL_ID),
    expect: { ...NOTIFY, causes: [finding('object', 'object-owned-by-other-account')] },
  },
  {
    name: 'source-object-in-glacier',
    title: 'The object was written straight to S3 Glacier Flexible Retrieval',
    description:
      'The uploading job sets StorageClass GLACIER. Objects in Glacier Flexible Retrieval or Deep Archive are ' +
      'not replicated (SrcObjectNotEligible).',
    event: { failureReason: 'SrcObjectNotEligible' },
    snapshot: seedSnapshot().object({ StorageClass: 'GLACIER' }),
    expect: { ...NOTIFY, causes: [finding('object', 'object-not-eligible')] },
  },
  {
    name: 'tag-filter-object-missing-tag',
    title: 'The rule replicates tagged objects only, and the object lacks the tag',
    description:
      'The rule was narrowed to objects tagged replicate=true. The report was uploaded with only ' +
      'classification=internal, so it does not match the rule (SrcObjectNotEligible).',
    event: { failureReason: 'SrcObjectNotEligible' },
    snapshot: seedSnapshot()
      .ruleTagFilter([{ Key: 'replicate', Value: 'true' }])
      .objectTags([{ Key: 'classification', Value: 'internal' }]),
    expect: { ...NOTIFY, causes: [finding('object', 'object-not-eligible')] },
  },
  {
    name: 'source-object-deleted-before-replication',
    title: 'The object version was deleted before it could be replicated',
    description:
      'A clean-up job deleted the version seconds after upload, before replication read it (SrcKeyNotFound). ' +
      'There is nothing to fix in the setup; whoever owns the data should know it never reached the replica.',
    event: { failureReason: 'SrcKeyNotFound' },
    snapshot: seedSnapshot().objectMissing(),
    expect: { verdict: 'no-action-needed', action: 'ignore', causes: [finding('object', 'object-gone')] },
  },
  {
    name: 'source-object-not-found',
    title: 'The source object no longer exists',
    description: 'The object was removed before replication reached it (SrcObjectNotFound).',
    event: { failureReason: 'SrcObjectNotFound' },
    snapshot: seedSnapshot().objectMissing(),
    expect: { verdict: 'no-action-needed', action: 'ignore', causes: [finding('object', 'object-gone')] },
  },
  {
    name: 'source-version-not-found',
    title: 'The source object version no longer exists',
    description:
      'The version named by the event was deleted by version ID before replication finished (SrcVersionNotFound).',
    event: { failureReason: 'SrcVersionNotFound' },
    snapshot: seedSnapshot().objectMissing(),
    expect: { verdict: 'no-action-needed', action: 'ignore', causes: [finding('object', 'object-gone')] },
  },
  {
    name: 'destination-version-hard-deleted',
    title: 'The replica version was deleted by version ID; the source is intact',
    description:
      'Someone deleted the replica version in my-destination-bucket-euw1 by version ID (DstObjectHardDeleted). ' +
      'Batch Replication cannot bring it back, but copying the source object in place creates a new version ' +
      'that live replication picks up.',
    event: { failureReason: 'DstObjectHardDeleted' },
    snapshot: seedSnapshot(),
    expect: { verdict: 'no-cause-found', action: 'retrigger', causes: [] },
  },
  {
    name: 'destination-replica-version-missing',
    title: 'The replica version to update is missing; the source is intact',
    description:
      'A metadata change could not be replicated because the replica version no longer exists in the ' +
      'destination (DstVersionNotFound). The source object is intact, so copying it in place replicates it again.',
    event: { failureReason: 'DstVersionNotFound' },
    snapshot: seedSnapshot(),
    expect: { verdict: 'no-cause-found', action: 'retrigger', causes: [] },
  },

  // ---- Batch Replication only ----
  {
    name: 'batch-job-lacks-initiate-replication',
    title: 'Batch Replication job role lacks s3:InitiateReplication',
    description:
      'A Batch Replication job was started to back-fill old reports with a role that lacks ' +
      's3:InitiateReplication on the source objects (InitiateReplicationNotPermitted). It is a job setting, ' +
      'not a problem of the live replication setup.',
    event: { failureReason: 'InitiateReplicationNotPermitted' },
    snapshot: seedSnapshot(),
    expect: {
      ...NOTIFY,
      causes: [finding('source-bucket-configuration', 'unknown', { mentions: ['s3:InitiateReplication'] })],
    },
  },
  {
    name: 'batch-job-destination-region-mismatch',
    title: 'Batch Replication job expects the destination in another Region',
    description:
      'A Batch Replication job was set up for the wrong destination Region (DstBucketInvalidRegion).',
    event: { failureReason: 'DstBucketInvalidRegion' },
    snapshot: seedSnapshot(),
    expect: { ...NOTIFY, causes: [finding('source-bucket-configuration', 'unknown')] },
  },
  {
    name: 'batch-job-source-region-mismatch',
    title: 'Batch Replication job created outside the source bucket’s Region',
    description:
      'A Batch Replication job was created in eu-west-1, but jobs must run in the source bucket’s Region, ' +
      'us-east-1 (SrcBucketInvalidRegion).',
    event: { failureReason: 'SrcBucketInvalidRegion' },
    snapshot: seedSnapshot(),
    expect: { ...NOTIFY, causes: [finding('source-bucket-configuration', 'unknown')] },
  },

  // ---- benign, no cause, inconclusive, organization ----
  {
    name: 'already-replicated-not-pending',
    title: 'Already replicated: the object is no longer pending',
    description:
      'A duplicate delivery for an object that replicated on a later attempt; HeadObject says COMPLETED ' +
      '(SrcReplicationNotPending). Nothing to do.',
    event: { failureReason: 'SrcReplicationNotPending' },
    snapshot: seedSnapshot().object({ ReplicationStatus: 'COMPLETED' }),
    expect: { verdict: 'no-action-needed', action: 'ignore', causes: [] },
  },
  {
    name: 'rtc-replicated-after-threshold',
    title: 'Replication Time Control: replicated, but after 15 minutes',
    description:
      'The rule uses S3 Replication Time Control. The object replicated after the 15-minute threshold ' +
      '(OperationReplicatedAfterThreshold): late, but done.',
    event: { eventName: 'Replication:OperationReplicatedAfterThreshold' },
    snapshot: seedSnapshot().rtc().object({ ReplicationStatus: 'COMPLETED' }),
    expect: { verdict: 'no-action-needed', action: 'ignore', causes: [] },
  },
  {
    name: 'rtc-missed-threshold-still-pending',
    title: 'Replication Time Control: past 15 minutes and still pending',
    description:
      'The rule uses S3 Replication Time Control and the object missed the 15-minute threshold ' +
      '(OperationMissedThreshold). HeadObject still says PENDING: replication is slow, not failed.',
    event: { eventName: 'Replication:OperationMissedThreshold' },
    snapshot: seedSnapshot().rtc().object({ ReplicationStatus: 'PENDING' }),
    expect: { verdict: 'no-action-needed', action: 'ignore', causes: [] },
  },
  {
    name: 'fixed-since-no-cause-found',
    title: 'Cross-account replication that works now: the cause is gone',
    description:
      'The failure happened while the destination bucket policy of account 444455556666 was being rolled out. ' +
      'Every check passes now and the account is not in an organization, so the object just needs ' +
      'replicating again (DstPutObjectNotPermitted).',
    event: { failureReason: 'DstPutObjectNotPermitted' },
    snapshot: seedSnapshot().crossAccount(),
    expect: { verdict: 'no-cause-found', action: 'retrigger', causes: [] },
  },
  {
    name: 'organization-scp-suspected',
    title: 'Every readable policy allows the write: an SCP or RCP is the suspect',
    description:
      'Cross-account replication where the role policy and the destination bucket policy both allow ' +
      's3:ReplicateObject, yet it was denied (DstPutObjectNotPermitted). The account is in an AWS Organization, ' +
      'so a service or resource control policy is the remaining explanation.',
    event: { failureReason: 'DstPutObjectNotPermitted' },
    snapshot: seedSnapshot().crossAccount().inOrganization(),
    expect: {
      ...NOTIFY,
      causes: [
        {
          location: 'organization-policy',
          problem: 'organization-policy-suspected',
          missingActions: ['s3:ReplicateObject'],
          fixMentions: ['list-policies-for-target'],
        },
      ],
    },
  },
  {
    name: 'destination-policy-unreadable-inconclusive',
    title: 'The diagnoser may not read the cross-account destination bucket policy',
    description:
      'Cross-account replication (DstPutObjectNotPermitted) where the diagnoser has no read role in account ' +
      '444455556666: s3:GetBucketPolicy on the destination is denied. The rest checks out, so the diagnosis ' +
      'says what it could not verify and what the destination policy must contain.',
    event: { failureReason: 'DstPutObjectNotPermitted' },
    snapshot: seedSnapshot().crossAccount().denyRead('S3', 'GetBucketPolicy', { Bucket: DESTINATION_BUCKET }),
    expect: {
      verdict: 'inconclusive',
      action: 'notify',
      causes: [],
      inconclusive: ['destination-bucket-policy'],
    },
  },
];
