/**
 * The narrow port through which the diagnosis reads an account. Live AWS and a replayed account
 * snapshot are two implementations (`shared/aws/`); the diagnosis never imports the SDK.
 *
 * Every read answers with a `Read<T>`: expected outcomes are data. A read the diagnoser may not make
 * (AccessDenied, a snapshot with no record) is `denied` and makes its check inconclusive. Throttling
 * and 5xx are retried by the implementation and then thrown as `TransientReadError`, so the record is
 * retried from its queue instead of being turned into a verdict.
 */
import type { KmsGrant, NamedPolicy, PolicyDocument } from '../policy/types.js';

export type Read<T> =
  | { status: 'ok'; value: T }
  /** The thing read does not exist (bucket, role, key, object version). */
  | { status: 'not-found'; error: string }
  /** The diagnoser could not read it: access denied, or not recorded in the snapshot. */
  | { status: 'denied'; error: string };

/** Which account's credentials a read uses: the source account, or the destination account's read role. */
export type Side = 'source' | 'destination';

export class TransientReadError extends Error {
  override readonly name = 'TransientReadError';
  constructor(
    message: string,
    readonly call: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

// ---- Domain shapes: the subset of the S3/IAM/KMS API outputs the diagnosis uses (SDK field names). ----

export interface ReplicationRule {
  ID?: string;
  Priority?: number;
  Prefix?: string;
  Filter?: {
    Prefix?: string;
    Tag?: { Key: string; Value: string };
    And?: { Prefix?: string; Tags?: { Key: string; Value: string }[] };
  };
  Status: 'Enabled' | 'Disabled' | string;
  SourceSelectionCriteria?: {
    SseKmsEncryptedObjects?: { Status: string };
    ReplicaModifications?: { Status: string };
  };
  ExistingObjectReplication?: { Status: string };
  DeleteMarkerReplication?: { Status?: string };
  Destination: {
    Bucket: string;
    Account?: string;
    StorageClass?: string;
    AccessControlTranslation?: { Owner: string };
    EncryptionConfiguration?: { ReplicaKmsKeyID?: string };
    ReplicationTime?: { Status: string; Time?: { Minutes?: number } };
    Metrics?: { Status: string; EventThreshold?: { Minutes?: number } };
  };
}

export interface ReplicationConfiguration {
  Role: string;
  Rules: ReplicationRule[];
}

export interface ObjectHead {
  ReplicationStatus?: string;
  ServerSideEncryption?: string;
  SSEKMSKeyId?: string;
  BucketKeyEnabled?: boolean;
  StorageClass?: string;
  ObjectLockMode?: string;
  ObjectLockRetainUntilDate?: string;
  ObjectLockLegalHoldStatus?: string;
  SSECustomerAlgorithm?: string;
  /** Intelligent-Tiering archive tier (`ARCHIVE_ACCESS`, `DEEP_ARCHIVE_ACCESS`), when HeadObject reports one. */
  ArchiveStatus?: string;
  DeleteMarker?: boolean;
  VersionId?: string;
  ETag?: string;
  ContentLength?: number;
}

export interface ObjectAcl {
  Owner?: { ID?: string; DisplayName?: string };
  Grants?: { Grantee?: { ID?: string; Type?: string; URI?: string }; Permission?: string }[];
}

export interface BucketOwnershipControls {
  Rules: { ObjectOwnership: 'BucketOwnerEnforced' | 'BucketOwnerPreferred' | 'ObjectWriter' | string }[];
}

export interface ObjectLockConfiguration {
  ObjectLockEnabled?: string;
  Rule?: unknown;
}

export interface BucketEncryption {
  Rules: {
    ApplyServerSideEncryptionByDefault?: { SSEAlgorithm: string; KMSMasterKeyID?: string };
    BucketKeyEnabled?: boolean;
  }[];
}

export interface Role {
  Arn: string;
  RoleName: string;
  /** Decoded from the URL-encoded JSON IAM returns. */
  AssumeRolePolicyDocument?: PolicyDocument;
  PermissionsBoundaryArn?: string;
}

export interface KeyMetadata {
  KeyId: string;
  Arn: string;
  AWSAccountId?: string;
  KeyState?: string;
  Enabled?: boolean;
  KeyManager?: 'AWS' | 'CUSTOMER' | string;
  KeySpec?: string;
  KeyUsage?: string;
  MultiRegion?: boolean;
  DeletionDate?: string;
}

export interface CallerIdentity {
  Account: string;
  Arn: string;
}

export interface DiagnosisReads {
  getCallerIdentity(): Promise<Read<CallerIdentity>>;
  describeOrganization(): Promise<Read<{ Id: string; MasterAccountId?: string }>>;

  /** `null` value: the bucket has no replication configuration. */
  getBucketReplication(bucket: string): Promise<Read<ReplicationConfiguration | null>>;
  /** `null` value: versioning was never enabled. */
  getBucketVersioning(bucket: string, side: Side): Promise<Read<'Enabled' | 'Suspended' | null>>;
  /** The bucket's region, normalised (`us-east-1` for an empty constraint, `eu-west-1` for `EU`). */
  getBucketRegion(bucket: string, side: Side): Promise<Read<string>>;
  /** `null` value: the bucket has no policy. */
  getBucketPolicy(bucket: string, side: Side): Promise<Read<PolicyDocument | null>>;
  /** `null` value: no ownership controls (ObjectWriter behaviour). */
  getBucketOwnershipControls(bucket: string, side: Side): Promise<Read<BucketOwnershipControls | null>>;
  /** `null` value: Object Lock not configured. */
  getObjectLockConfiguration(bucket: string, side: Side): Promise<Read<ObjectLockConfiguration | null>>;
  /** `null` value: no default encryption configuration. */
  getBucketEncryption(bucket: string, side: Side): Promise<Read<BucketEncryption | null>>;
  getBucketRequestPayment(bucket: string, side: Side): Promise<Read<'Requester' | 'BucketOwner'>>;

  headObject(bucket: string, key: string, versionId?: string): Promise<Read<ObjectHead>>;
  getObjectTagging(
    bucket: string,
    key: string,
    versionId?: string,
  ): Promise<Read<{ Key: string; Value: string }[]>>;
  getObjectAcl(bucket: string, key: string, versionId?: string): Promise<Read<ObjectAcl>>;
  /**
   * The bucket's ACL, for its owner's canonical ID (compared with an object's owner). Optional: it is not in
   * the snapshot contract's list, and without it a diagnosis notes that the owners could not be compared.
   */
  getBucketAcl?(bucket: string, side: Side): Promise<Read<ObjectAcl>>;

  getRole(roleName: string): Promise<Read<Role>>;
  /** Inline policies, each read with GetRolePolicy (documents decoded). */
  getRoleInlinePolicies(roleName: string): Promise<Read<NamedPolicy[]>>;
  /** Attached managed policies, each at its default version (documents decoded). */
  getRoleAttachedPolicies(roleName: string): Promise<Read<NamedPolicy[]>>;
  /** A managed policy at its default version (used for permissions boundaries). */
  getManagedPolicy(policyArn: string): Promise<Read<NamedPolicy>>;

  /** `keyId` exactly as the configuration or `HeadObject` names it (id, ARN, alias). */
  describeKey(keyId: string, region?: string): Promise<Read<KeyMetadata>>;
  getKeyPolicy(keyArn: string): Promise<Read<PolicyDocument>>;
  listGrants(keyArn: string): Promise<Read<KmsGrant[]>>;
}
