/**
 * Builds account snapshots (the fixed `s3-replication-snapshot/v1` format) of the seed setup and its variations.
 *
 * The builder holds a small model of the two accounts (buckets, role, keys, the failed object) and renders it
 * into exactly the records a live account would answer: IAM documents URL-encoded, bucket and key policies as
 * plain JSON strings, absent configurations as the errors S3 really returns. Every read the diagnosis may make
 * is recorded unless a test denies it (`denyRead`: an AccessDenied record) or leaves it out (`omitRead`:
 * the replay answers NotRecorded).
 *
 * Order matters in one place only: `crossAccount()` must come before `sseKms()` and `ownerOverride()`, because
 * the replica key and the owner override belong to the destination account.
 */
import type { ReplicationConfiguration, ReplicationRule } from '../../shared/diagnosis/reads.js';
import type { PolicyDocument, PolicyStatement } from '../../shared/policy/types.js';
import {
  DESTINATION_ACCOUNT,
  DESTINATION_BUCKET,
  DESTINATION_BUCKET_ARN,
  DESTINATION_CANONICAL_ID,
  DESTINATION_REGION,
  defaultKeyPolicy,
  OBJECT_KEY,
  OBJECT_VERSION_ID,
  REPLICA_KEY_ID,
  ROLE_ARN,
  ROLE_NAME,
  ROLE_POLICY_NAME,
  restrictiveKeyPolicy,
  SOURCE_ACCOUNT,
  SOURCE_BUCKET,
  SOURCE_BUCKET_ARN,
  SOURCE_CANONICAL_ID,
  SOURCE_KEY_ID,
  SOURCE_REGION,
  seedCrossAccountBucketPolicy,
  seedReplicationConfiguration,
  seedRolePolicy,
  seedTrustPolicy,
} from './seed-setup.js';

export const SNAPSHOT_FORMAT = 's3-replication-snapshot/v1';

export type SnapshotService = 'S3' | 'IAM' | 'KMS' | 'STS' | 'SNS' | 'S3Control' | 'Organizations';

export interface SnapshotError {
  name: string;
  message: string;
  httpStatusCode?: number;
}

export interface SnapshotCall {
  service: SnapshotService;
  command: string;
  region?: string;
  input: Record<string, unknown>;
  output?: Record<string, unknown>;
  error?: SnapshotError;
}

export interface AccountSnapshot {
  format: typeof SNAPSHOT_FORMAT;
  description: string;
  calls: SnapshotCall[];
}

export type BucketSide = 'source' | 'destination';
export type KeyRole = 'source' | 'replica';
export type ObjectOwnership = 'BucketOwnerEnforced' | 'BucketOwnerPreferred' | 'ObjectWriter';
/** `default`: the owning account's IAM decides; `restrictive`: named roles only; `allows-role`: default plus the replication role. */
export type KeyPolicyChoice = 'default' | 'restrictive' | 'allows-role' | PolicyDocument;

export interface DefaultEncryption {
  SSEAlgorithm: 'AES256' | 'aws:kms' | 'aws:kms:dsse';
  KMSMasterKeyID?: string;
  BucketKeyEnabled?: boolean;
}

export interface ObjectHeadFields {
  ReplicationStatus?: 'PENDING' | 'COMPLETED' | 'COMPLETE' | 'FAILED' | 'REPLICA';
  StorageClass?: string;
  ServerSideEncryption?: string;
  SSEKMSKeyId?: string;
  BucketKeyEnabled?: boolean;
  SSECustomerAlgorithm?: string;
  ObjectLockMode?: 'GOVERNANCE' | 'COMPLIANCE';
  ObjectLockRetainUntilDate?: string;
  ObjectLockLegalHoldStatus?: 'ON' | 'OFF';
  ContentLength?: number;
  ContentType?: string;
  ETag?: string;
}

export interface Tag {
  Key: string;
  Value: string;
}

export interface GrantSpec {
  operations: string[];
  grantee?: string;
  constraints?: {
    EncryptionContextSubset?: Record<string, string>;
    EncryptionContextEquals?: Record<string, string>;
  };
  name?: string;
}

export interface SseKmsOptions {
  /** Objects use S3 Bucket Keys: the encryption context is the bucket ARN, and the replica key also needs kms:Decrypt. */
  bucketKeys?: boolean;
  sourceKeyPolicy?: KeyPolicyChoice;
  /** Default: `default` in the same account, `allows-role` across accounts (what a working setup has). */
  replicaKeyPolicy?: KeyPolicyChoice;
  /** `SourceSelectionCriteria.SseKmsEncryptedObjects` Enabled (default true). */
  optIn?: boolean;
  /** Whether the role's identity policy has the KMS statements (default true). */
  roleStatements?: boolean;
}

export interface ObjectLockOptions {
  source?: boolean;
  destination?: boolean;
  /** Add the lock reads (source) and writes (destination) to the role policy (default true). */
  roleActions?: boolean;
  legalHold?: boolean;
}

export interface BucketModel {
  name: string;
  region: string;
  account: string;
  canonicalId: string;
  exists: boolean;
  versioning: 'Enabled' | 'Suspended' | null;
  policy: PolicyDocument | null;
  ownership: ObjectOwnership | null;
  objectLock: boolean;
  encryption: DefaultEncryption | null;
  requestPayer: 'BucketOwner' | 'Requester';
  /** `GetBucketLocation` answers the legacy `EU` for eu-west-1 buckets. */
  legacyEuLocation: boolean;
}

interface ManagedPolicyModel {
  arn: string;
  name: string;
  document: PolicyDocument;
  versionId: string;
}

interface RoleModel {
  exists: boolean;
  trust: PolicyDocument;
  inline: { name: string; document: PolicyDocument }[];
  attached: ManagedPolicyModel[];
  boundary: ManagedPolicyModel | null;
}

interface KeyModel {
  id: string;
  account: string;
  region: string;
  exists: boolean;
  state: string;
  manager: 'AWS' | 'CUSTOMER';
  policy: PolicyDocument;
  grants: GrantSpec[];
  description: string;
}

interface ObjectModel {
  key: string;
  versionId: string;
  presence: 'present' | 'gone' | 'delete-marker';
  head: ObjectHeadFields;
  tags: Tag[];
  ownerCanonicalId: string;
}

interface ReadOverride {
  service: SnapshotService;
  command: string;
  input?: Record<string, unknown>;
  mode: 'denied' | 'unrecorded';
}

const DIAGNOSER_ARN = `arn:aws:sts::${SOURCE_ACCOUNT}:assumed-role/S3ReplicationDoctorDiagnoser/diagnose`;
const CREATED = '2024-03-18T09:12:44.000Z';
const OBJECT_LAST_MODIFIED = '2024-09-05T21:03:59.000Z';
const ORGANIZATION_ID = 'o-a1b2c3d4e5';
const MANAGEMENT_ACCOUNT = '111111111111';

/** IAM returns policy documents URL-encoded (RFC 3986); the project's readers must decode them. */
export function encodeIamDocument(document: PolicyDocument): string {
  return encodeURIComponent(JSON.stringify(document));
}

function copy<T>(value: T): T {
  return structuredClone(value);
}

function statementsOf(document: PolicyDocument): PolicyStatement[] {
  return Array.isArray(document.Statement) ? document.Statement : [document.Statement];
}

function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

export class SnapshotBuilder {
  readonly #source: BucketModel;
  readonly #destination: BucketModel;
  #replication: ReplicationConfiguration | null = seedReplicationConfiguration();
  readonly #role: RoleModel;
  readonly #keys = new Map<KeyRole, KeyModel>();
  readonly #object: ObjectModel;
  #inOrganization = false;
  readonly #overrides: ReadOverride[] = [];

  constructor() {
    this.#source = {
      name: SOURCE_BUCKET,
      region: SOURCE_REGION,
      account: SOURCE_ACCOUNT,
      canonicalId: SOURCE_CANONICAL_ID,
      exists: true,
      versioning: 'Enabled',
      policy: null,
      ownership: 'BucketOwnerEnforced',
      objectLock: false,
      encryption: { SSEAlgorithm: 'AES256', BucketKeyEnabled: false },
      requestPayer: 'BucketOwner',
      legacyEuLocation: false,
    };
    this.#destination = {
      ...this.#source,
      name: DESTINATION_BUCKET,
      region: DESTINATION_REGION,
      encryption: { SSEAlgorithm: 'AES256', BucketKeyEnabled: false },
    };
    this.#role = {
      exists: true,
      trust: seedTrustPolicy(),
      inline: [{ name: ROLE_POLICY_NAME, document: seedRolePolicy() }],
      attached: [],
      boundary: null,
    };
    this.#object = {
      key: OBJECT_KEY,
      versionId: OBJECT_VERSION_ID,
      presence: 'present',
      head: {
        ReplicationStatus: 'FAILED',
        ServerSideEncryption: 'AES256',
        ContentLength: 482113,
        ContentType: 'application/pdf',
        ETag: '"e12345ca7e88a38428305d3ff7fcb99f"',
      },
      tags: [],
      ownerCanonicalId: SOURCE_CANONICAL_ID,
    };
  }

  get destinationAccount(): string {
    return this.#destination.account;
  }

  // ---- accounts ----

  /** Destination bucket in account 444455556666; the rule names `Destination.Account`. */
  crossAccount(options: { bucketPolicy?: 'seed' | 'none' | PolicyDocument } = {}): this {
    if (this.#keys.has('replica')) throw new Error('crossAccount() must come before sseKms()');
    this.#destination.account = DESTINATION_ACCOUNT;
    this.#destination.canonicalId = DESTINATION_CANONICAL_ID;
    const choice = options.bucketPolicy ?? 'seed';
    this.#destination.policy =
      choice === 'seed' ? seedCrossAccountBucketPolicy() : choice === 'none' ? null : copy(choice);
    return this.rule((rule) => {
      rule.Destination.Account = DESTINATION_ACCOUNT;
    });
  }

  inOrganization(): this {
    this.#inOrganization = true;
    return this;
  }

  // ---- buckets ----

  bucket(side: BucketSide, edit: (bucket: Omit<BucketModel, 'name' | 'account'>) => void): this {
    edit(side === 'source' ? this.#source : this.#destination);
    return this;
  }

  versioning(side: BucketSide, status: 'Enabled' | 'Suspended' | null): this {
    return this.bucket(side, (bucket) => {
      bucket.versioning = status;
    });
  }

  bucketMissing(side: BucketSide): this {
    return this.bucket(side, (bucket) => {
      bucket.exists = false;
    });
  }

  bucketPolicy(side: BucketSide, document: PolicyDocument | null): this {
    return this.bucket(side, (bucket) => {
      bucket.policy = document === null ? null : copy(document);
    });
  }

  addBucketPolicyStatement(side: BucketSide, statement: PolicyStatement): this {
    return this.bucket(side, (bucket) => {
      bucket.policy ??= { Version: '2012-10-17', Statement: [] };
      bucket.policy.Statement = [...statementsOf(bucket.policy), copy(statement)];
    });
  }

  ownership(side: BucketSide, ownership: ObjectOwnership | null): this {
    return this.bucket(side, (bucket) => {
      bucket.ownership = ownership;
    });
  }

  defaultEncryption(side: BucketSide, encryption: DefaultEncryption | null): this {
    return this.bucket(side, (bucket) => {
      bucket.encryption = encryption === null ? null : { ...encryption };
    });
  }

  requesterPays(): this {
    return this.bucket('destination', (bucket) => {
      bucket.requestPayer = 'Requester';
    });
  }

  legacyEuLocation(): this {
    return this.bucket('destination', (bucket) => {
      bucket.legacyEuLocation = true;
    });
  }

  /** Object Lock on the buckets, the lock settings on the object, and (by default) the lock actions in the role policy. */
  objectLock(options: ObjectLockOptions = {}): this {
    this.#source.objectLock = options.source ?? true;
    this.#destination.objectLock = options.destination ?? true;
    if (this.#source.objectLock) {
      this.object({
        ObjectLockMode: 'GOVERNANCE',
        ObjectLockRetainUntilDate: '2031-09-05T00:00:00.000Z',
        ObjectLockLegalHoldStatus: options.legalHold ? 'ON' : 'OFF',
      });
    }
    if (options.roleActions ?? true) {
      this.addRoleStatement({
        Sid: 'SourceObjectLockReadAccess',
        Effect: 'Allow',
        Action: ['s3:GetObjectRetention', 's3:GetObjectLegalHold'],
        Resource: `${SOURCE_BUCKET_ARN}/*`,
      });
      this.addRoleStatement({
        Sid: 'DestinationObjectLockWriteAccess',
        Effect: 'Allow',
        Action: ['s3:PutObjectRetention', 's3:PutObjectLegalHold'],
        Resource: `${DESTINATION_BUCKET_ARN}/*`,
      });
    }
    return this;
  }

  // ---- replication configuration ----

  noReplicationConfiguration(): this {
    this.#replication = null;
    return this;
  }

  replication(edit: (configuration: ReplicationConfiguration) => void): this {
    if (this.#replication === null) throw new Error('the source has no replication configuration to edit');
    edit(this.#replication);
    return this;
  }

  /** Edits the seed rule (`DR-Replication-Rule`). */
  rule(edit: (rule: ReplicationRule) => void): this {
    return this.replication((configuration) => {
      const rule = configuration.Rules[0];
      if (rule === undefined) throw new Error('the replication configuration has no rule');
      edit(rule);
    });
  }

  ruleStatus(status: 'Enabled' | 'Disabled'): this {
    return this.rule((rule) => {
      rule.Status = status;
    });
  }

  /** A tag-filtered V2 rule; tag filters require delete marker replication off. */
  ruleTagFilter(tags: Tag[], prefix?: string): this {
    return this.rule((rule) => {
      const [first] = tags;
      rule.Filter =
        tags.length === 1 && prefix === undefined && first !== undefined
          ? { Tag: first }
          : { And: { ...(prefix === undefined ? {} : { Prefix: prefix }), Tags: tags } };
      rule.Priority = 1;
      rule.DeleteMarkerReplication = { Status: 'Disabled' };
    });
  }

  rulePrefix(prefix: string): this {
    return this.rule((rule) => {
      rule.Filter = { Prefix: prefix };
    });
  }

  /** `AccessControlTranslation.Owner = Destination`, and the role policy allows the override (as a working setup has). */
  ownerOverride(): this {
    this.rule((rule) => {
      rule.Destination.Account = this.#destination.account;
      rule.Destination.AccessControlTranslation = { Owner: 'Destination' };
    });
    return this.roleStatement('DestinationBucketWriteAccess', (statement) => {
      statement.Action = [...asList(statement.Action), 's3:ObjectOwnerOverrideToBucketOwner'];
    });
  }

  /** S3 Replication Time Control, needed for the threshold events. */
  rtc(): this {
    return this.rule((rule) => {
      rule.Destination.ReplicationTime = { Status: 'Enabled', Time: { Minutes: 15 } };
      rule.Destination.Metrics = { Status: 'Enabled', EventThreshold: { Minutes: 15 } };
    });
  }

  // ---- role ----

  roleMissing(): this {
    this.#role.exists = false;
    return this;
  }

  trustPolicy(document: PolicyDocument): this {
    this.#role.trust = copy(document);
    return this;
  }

  /** Edits the inline policy `S3ReplicationPolicy`. */
  rolePolicy(edit: (document: PolicyDocument) => PolicyDocument | undefined): this {
    const policy = this.#role.inline.find((entry) => entry.name === ROLE_POLICY_NAME);
    if (policy === undefined) throw new Error(`the role has no inline policy ${ROLE_POLICY_NAME}`);
    policy.document = edit(policy.document) ?? policy.document;
    return this;
  }

  addRoleStatement(statement: PolicyStatement): this {
    return this.rolePolicy((document) => {
      document.Statement = [...statementsOf(document), copy(statement)];
      return document;
    });
  }

  roleStatement(sid: string, edit: (statement: PolicyStatement) => void): this {
    return this.rolePolicy((document) => {
      const statement = statementsOf(document).find((candidate) => candidate.Sid === sid);
      if (statement === undefined) throw new Error(`${ROLE_POLICY_NAME} has no statement ${sid}`);
      edit(statement);
      return document;
    });
  }

  /** Removes actions from every statement of `S3ReplicationPolicy`; a statement left with none is dropped. */
  withoutRoleActions(...actions: string[]): this {
    return this.rolePolicy((document) => {
      document.Statement = statementsOf(document)
        .map((statement) => ({
          ...statement,
          Action: asList(statement.Action).filter((action) => !actions.includes(action)),
        }))
        .filter((statement) => statement.Action.length > 0);
      return document;
    });
  }

  removeInlinePolicy(name: string): this {
    const index = this.#role.inline.findIndex((entry) => entry.name === name);
    if (index < 0) throw new Error(`the role has no inline policy ${name}`);
    this.#role.inline.splice(index, 1);
    return this;
  }

  addInlinePolicy(name: string, document: PolicyDocument): this {
    this.#role.inline.push({ name, document: copy(document) });
    return this;
  }

  attachManagedPolicy(
    name: string,
    document: PolicyDocument,
    arn = `arn:aws:iam::${SOURCE_ACCOUNT}:policy/${name}`,
  ): this {
    this.#role.attached.push({ arn, name, document: copy(document), versionId: 'v3' });
    return this;
  }

  permissionsBoundary(name: string, document: PolicyDocument): this {
    this.#role.boundary = {
      arn: `arn:aws:iam::${SOURCE_ACCOUNT}:policy/${name}`,
      name,
      document: copy(document),
      versionId: 'v1',
    };
    return this;
  }

  // ---- KMS ----

  /**
   * SSE-KMS objects: the object is encrypted with the source key (us-east-1), the rule opts in and names a replica key
   * in the destination account and region, and the role policy carries the KMS statements the S3 guide gives.
   */
  sseKms(options: SseKmsOptions = {}): this {
    const bucketKeys = options.bucketKeys ?? false;
    const destinationAccount = this.#destination.account;
    const crossAccount = destinationAccount !== SOURCE_ACCOUNT;
    this.#keys.set('source', {
      id: SOURCE_KEY_ID,
      account: SOURCE_ACCOUNT,
      region: SOURCE_REGION,
      exists: true,
      state: 'Enabled',
      manager: 'CUSTOMER',
      policy: defaultKeyPolicy(SOURCE_ACCOUNT),
      grants: [],
      description: 'Encrypts finance reports in my-source-bucket-use1',
    });
    this.#keys.set('replica', {
      id: REPLICA_KEY_ID,
      account: destinationAccount,
      region: DESTINATION_REGION,
      exists: true,
      state: 'Enabled',
      manager: 'CUSTOMER',
      policy: defaultKeyPolicy(destinationAccount),
      grants: [],
      description: 'Encrypts replicas in my-destination-bucket-euw1',
    });
    this.keyPolicy('source', options.sourceKeyPolicy ?? 'default');
    this.keyPolicy(
      'replica',
      options.replicaKeyPolicy ?? (crossAccount ? 'allows-role' : 'default'),
      bucketKeys,
    );
    this.object({
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: this.keyArn('source'),
      BucketKeyEnabled: bucketKeys,
    });
    this.rule((rule) => {
      if (options.optIn ?? true)
        rule.SourceSelectionCriteria = { SseKmsEncryptedObjects: { Status: 'Enabled' } };
      rule.Destination.EncryptionConfiguration = { ReplicaKmsKeyID: this.keyArn('replica') };
    });
    if (options.roleStatements ?? true) {
      const sourceContext = bucketKeys ? SOURCE_BUCKET_ARN : `${SOURCE_BUCKET_ARN}/*`;
      const replicaContext = bucketKeys ? DESTINATION_BUCKET_ARN : `${DESTINATION_BUCKET_ARN}/*`;
      this.addRoleStatement({
        Sid: 'SourceKeyDecrypt',
        Effect: 'Allow',
        Action: ['kms:Decrypt'],
        Resource: [this.keyArn('source')],
        Condition: {
          StringLike: {
            'kms:ViaService': `s3.${SOURCE_REGION}.amazonaws.com`,
            'kms:EncryptionContext:aws:s3:arn': [sourceContext],
          },
        },
      });
      this.addRoleStatement({
        Sid: 'ReplicaKeyEncrypt',
        Effect: 'Allow',
        Action: bucketKeys
          ? ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey']
          : ['kms:Encrypt', 'kms:GenerateDataKey'],
        Resource: [this.keyArn('replica')],
        Condition: {
          StringLike: {
            'kms:ViaService': `s3.${DESTINATION_REGION}.amazonaws.com`,
            'kms:EncryptionContext:aws:s3:arn': [replicaContext],
          },
        },
      });
    }
    return this;
  }

  keyArn(which: KeyRole): string {
    const key = this.#key(which);
    return `arn:aws:kms:${key.region}:${key.account}:key/${key.id}`;
  }

  keyPolicy(which: KeyRole, choice: KeyPolicyChoice, bucketKeys = false): this {
    const key = this.#key(which);
    key.policy = this.#keyPolicyDocument(key, choice, which, bucketKeys);
    return this;
  }

  addKeyPolicyStatement(which: KeyRole, statement: PolicyStatement): this {
    const key = this.#key(which);
    key.policy.Statement = [...statementsOf(key.policy), copy(statement)];
    return this;
  }

  keyState(which: KeyRole, state: string): this {
    this.#key(which).state = state;
    return this;
  }

  /** The key named by the configuration or object does not exist (deleted, or a typo in the key ID). */
  keyMissing(which: KeyRole): this {
    this.#key(which).exists = false;
    return this;
  }

  keyGrant(which: KeyRole, grant: GrantSpec): this {
    this.#key(which).grants.push({ ...grant });
    return this;
  }

  /** Moves the key to another region; the configuration, the object and the role policy keep naming it by ARN. */
  keyRegion(which: KeyRole, region: string): this {
    return this.#rekey(which, (key) => {
      key.region = region;
    });
  }

  /** The key is the AWS managed key `aws/s3` of the given account (which cannot be used across accounts). */
  awsManagedKey(which: KeyRole, account: string): this {
    return this.#rekey(which, (key) => {
      key.account = account;
      key.manager = 'AWS';
      key.description = 'Default key that protects my S3 objects when no other key is defined';
      key.policy = awsManagedS3KeyPolicy(account, key.region);
    });
  }

  // ---- the object ----

  object(head: ObjectHeadFields): this {
    Object.assign(this.#object.head, head);
    return this;
  }

  objectTags(tags: Tag[]): this {
    this.#object.tags = tags.map((tag) => ({ ...tag }));
    return this;
  }

  objectOwner(canonicalId: string): this {
    this.#object.ownerCanonicalId = canonicalId;
    return this;
  }

  objectMissing(): this {
    this.#object.presence = 'gone';
    return this;
  }

  /** The event's version is a delete marker (HeadObject on it answers 405). */
  objectIsDeleteMarker(): this {
    this.#object.presence = 'delete-marker';
    return this;
  }

  objectKey(key: string, versionId = this.#object.versionId): this {
    this.#object.key = key;
    this.#object.versionId = versionId;
    return this;
  }

  // ---- the diagnoser's own access ----

  /** The read answers AccessDenied (the diagnoser lacks the permission). `input` narrows which call. */
  denyRead(service: SnapshotService, command: string, input?: Record<string, unknown>): this {
    this.#overrides.push({ service, command, ...(input === undefined ? {} : { input }), mode: 'denied' });
    return this;
  }

  /** The read is not in the snapshot at all (the replay answers NotRecorded). */
  omitRead(service: SnapshotService, command: string, input?: Record<string, unknown>): this {
    this.#overrides.push({ service, command, ...(input === undefined ? {} : { input }), mode: 'unrecorded' });
    return this;
  }

  // ---- output ----

  build(description: string): AccountSnapshot {
    const calls = [
      ...this.#identityCalls(),
      ...this.#sourceBucketCalls(),
      ...this.#objectCalls(),
      ...this.#bucketCalls(this.#destination),
      ...this.#roleCalls(),
      ...this.#keyCalls(),
    ];
    return { format: SNAPSHOT_FORMAT, description, calls: this.#applyOverrides(calls) };
  }

  #key(which: KeyRole): KeyModel {
    const key = this.#keys.get(which);
    if (key === undefined) throw new Error(`no ${which} key: call sseKms() first`);
    return key;
  }

  #rekey(which: KeyRole, edit: (key: KeyModel) => void): this {
    const before = this.keyArn(which);
    edit(this.#key(which));
    const after = this.keyArn(which);
    const swap = (value: string): string => (value === before ? after : value);
    if (this.#object.head.SSEKMSKeyId !== undefined)
      this.#object.head.SSEKMSKeyId = swap(this.#object.head.SSEKMSKeyId);
    this.rule((rule) => {
      const encryption = rule.Destination.EncryptionConfiguration;
      if (encryption?.ReplicaKmsKeyID !== undefined)
        encryption.ReplicaKmsKeyID = swap(encryption.ReplicaKmsKeyID);
    });
    return this.rolePolicy((document) => {
      for (const statement of statementsOf(document)) {
        if (statement.Resource !== undefined) statement.Resource = asList(statement.Resource).map(swap);
      }
      return document;
    });
  }

  #keyPolicyDocument(
    key: KeyModel,
    choice: KeyPolicyChoice,
    which: KeyRole,
    bucketKeys: boolean,
  ): PolicyDocument {
    if (typeof choice !== 'string') return copy(choice);
    switch (choice) {
      case 'default':
        return defaultKeyPolicy(key.account);
      case 'restrictive':
        return restrictiveKeyPolicy(key.account);
      case 'allows-role': {
        const actions =
          which === 'source'
            ? ['kms:Decrypt']
            : bucketKeys
              ? ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey']
              : ['kms:Encrypt', 'kms:GenerateDataKey'];
        const document = defaultKeyPolicy(key.account);
        document.Statement = [
          ...statementsOf(document),
          {
            Sid: 'AllowS3ReplicationSourceRoleToUseTheKey',
            Effect: 'Allow',
            Principal: { AWS: ROLE_ARN },
            Action: actions,
            Resource: '*',
          },
        ];
        return document;
      }
      default: {
        const unexpected: never = choice;
        throw new Error(`unknown key policy choice ${String(unexpected)}`);
      }
    }
  }

  #identityCalls(): SnapshotCall[] {
    return [
      {
        service: 'STS',
        command: 'GetCallerIdentity',
        input: {},
        output: { UserId: 'AROAZ6EXAMPLEDIAGNOSE:diagnose', Account: SOURCE_ACCOUNT, Arn: DIAGNOSER_ARN },
      },
      this.#inOrganization
        ? {
            service: 'Organizations',
            command: 'DescribeOrganization',
            input: {},
            output: {
              Organization: {
                Id: ORGANIZATION_ID,
                Arn: `arn:aws:organizations::${MANAGEMENT_ACCOUNT}:organization/${ORGANIZATION_ID}`,
                FeatureSet: 'ALL',
                MasterAccountArn: `arn:aws:organizations::${MANAGEMENT_ACCOUNT}:account/${ORGANIZATION_ID}/${MANAGEMENT_ACCOUNT}`,
                MasterAccountId: MANAGEMENT_ACCOUNT,
                MasterAccountEmail: 'aws-management@example.com',
              },
            },
          }
        : {
            service: 'Organizations',
            command: 'DescribeOrganization',
            input: {},
            error: {
              name: 'AWSOrganizationsNotInUseException',
              message: 'Your account is not a member of an organization.',
              httpStatusCode: 400,
            },
          },
    ];
  }

  #sourceBucketCalls(): SnapshotCall[] {
    const source = this.#source;
    const bucketCalls = this.#bucketCalls(source);
    const replication: SnapshotCall = !source.exists
      ? s3Call('GetBucketReplication', source.name, noSuchBucket(source.name))
      : this.#replication === null
        ? s3Call('GetBucketReplication', source.name, {
            name: 'ReplicationConfigurationNotFoundError',
            message: 'The replication configuration was not found',
            httpStatusCode: 404,
          })
        : s3Call('GetBucketReplication', source.name, { ReplicationConfiguration: copy(this.#replication) });
    // Not in the contract's list; recorded so an ownership check can name the bucket owner's canonical ID.
    const acl = s3Call(
      'GetBucketAcl',
      source.name,
      source.exists
        ? {
            Owner: { ID: source.canonicalId },
            Grants: [
              { Grantee: { ID: source.canonicalId, Type: 'CanonicalUser' }, Permission: 'FULL_CONTROL' },
            ],
          }
        : noSuchBucket(source.name),
    );
    return [replication, ...bucketCalls, acl];
  }

  #bucketCalls(bucket: BucketModel): SnapshotCall[] {
    const answer = (
      output: Record<string, unknown> | SnapshotError,
    ): Record<string, unknown> | SnapshotError => (bucket.exists ? output : noSuchBucket(bucket.name));
    const location =
      bucket.region === 'us-east-1'
        ? {}
        : {
            LocationConstraint:
              bucket.legacyEuLocation && bucket.region === 'eu-west-1' ? 'EU' : bucket.region,
          };
    return [
      s3Call(
        'GetBucketVersioning',
        bucket.name,
        answer(bucket.versioning === null ? {} : { Status: bucket.versioning }),
      ),
      s3Call('GetBucketLocation', bucket.name, answer(location)),
      s3Call(
        'GetBucketPolicy',
        bucket.name,
        answer(
          bucket.policy === null
            ? { name: 'NoSuchBucketPolicy', message: 'The bucket policy does not exist', httpStatusCode: 404 }
            : { Policy: JSON.stringify(bucket.policy) },
        ),
      ),
      s3Call(
        'GetBucketOwnershipControls',
        bucket.name,
        answer(
          bucket.ownership === null
            ? {
                name: 'OwnershipControlsNotFoundError',
                message: 'The bucket ownership controls were not found',
                httpStatusCode: 404,
              }
            : { OwnershipControls: { Rules: [{ ObjectOwnership: bucket.ownership }] } },
        ),
      ),
      s3Call(
        'GetObjectLockConfiguration',
        bucket.name,
        answer(
          bucket.objectLock
            ? {
                ObjectLockConfiguration: {
                  ObjectLockEnabled: 'Enabled',
                  Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 30 } },
                },
              }
            : {
                name: 'ObjectLockConfigurationNotFoundError',
                message: 'Object Lock configuration does not exist for this bucket',
                httpStatusCode: 404,
              },
        ),
      ),
      s3Call(
        'GetBucketEncryption',
        bucket.name,
        answer(
          bucket.encryption === null
            ? {
                name: 'ServerSideEncryptionConfigurationNotFoundError',
                message: 'The server side encryption configuration was not found',
                httpStatusCode: 404,
              }
            : {
                ServerSideEncryptionConfiguration: {
                  Rules: [
                    {
                      ApplyServerSideEncryptionByDefault: {
                        SSEAlgorithm: bucket.encryption.SSEAlgorithm,
                        ...(bucket.encryption.KMSMasterKeyID === undefined
                          ? {}
                          : { KMSMasterKeyID: bucket.encryption.KMSMasterKeyID }),
                      },
                      BucketKeyEnabled: bucket.encryption.BucketKeyEnabled ?? false,
                    },
                  ],
                },
              },
        ),
      ),
      s3Call('GetBucketRequestPayment', bucket.name, answer({ Payer: bucket.requestPayer })),
    ];
  }

  #objectCalls(): SnapshotCall[] {
    const object = this.#object;
    const input = { Bucket: this.#source.name, Key: object.key, VersionId: object.versionId };
    if (!this.#source.exists) {
      return [
        {
          service: 'S3',
          command: 'HeadObject',
          input,
          error: { name: 'NotFound', message: 'NotFound', httpStatusCode: 404 },
        },
        { service: 'S3', command: 'GetObjectTagging', input, error: noSuchBucket(this.#source.name) },
        { service: 'S3', command: 'GetObjectAcl', input, error: noSuchBucket(this.#source.name) },
      ];
    }
    switch (object.presence) {
      case 'gone': {
        const noSuchVersion = {
          name: 'NoSuchVersion',
          message: 'The specified version does not exist.',
          httpStatusCode: 404,
        };
        return [
          {
            service: 'S3',
            command: 'HeadObject',
            input,
            error: { name: 'NotFound', message: 'NotFound', httpStatusCode: 404 },
          },
          { service: 'S3', command: 'GetObjectTagging', input, error: noSuchVersion },
          { service: 'S3', command: 'GetObjectAcl', input, error: noSuchVersion },
        ];
      }
      case 'delete-marker': {
        const notAllowed = {
          name: 'MethodNotAllowed',
          message: 'The specified method is not allowed against this resource.',
          httpStatusCode: 405,
        };
        return [
          {
            service: 'S3',
            command: 'HeadObject',
            input,
            error: { name: '405', message: 'UnknownError', httpStatusCode: 405 },
          },
          { service: 'S3', command: 'GetObjectTagging', input, error: notAllowed },
          { service: 'S3', command: 'GetObjectAcl', input, error: notAllowed },
        ];
      }
      case 'present': {
        const head = {
          AcceptRanges: 'bytes',
          LastModified: OBJECT_LAST_MODIFIED,
          VersionId: object.versionId,
          Metadata: {},
          ...copy(object.head),
        };
        return [
          { service: 'S3', command: 'HeadObject', input, output: head },
          // The current version (no VersionId), as a copy in place reads it before re-triggering: the failed
          // version is still current here. Listed after the versioned record, which answers versioned reads.
          {
            service: 'S3',
            command: 'HeadObject',
            input: { Bucket: this.#source.name, Key: object.key },
            output: head,
          },
          {
            service: 'S3',
            command: 'GetObjectTagging',
            input,
            output: { VersionId: object.versionId, TagSet: object.tags.map((tag) => ({ ...tag })) },
          },
          {
            service: 'S3',
            command: 'GetObjectAcl',
            input,
            output: {
              Owner: { ID: object.ownerCanonicalId },
              Grants: [
                {
                  Grantee: { ID: object.ownerCanonicalId, Type: 'CanonicalUser' },
                  Permission: 'FULL_CONTROL',
                },
              ],
            },
          },
        ];
      }
      default: {
        const unexpected: never = object.presence;
        throw new Error(`unknown object presence ${String(unexpected)}`);
      }
    }
  }

  #roleCalls(): SnapshotCall[] {
    const role = this.#role;
    if (!role.exists) {
      const noSuchEntity = {
        name: 'NoSuchEntity',
        message: `The role with name ${ROLE_NAME} cannot be found.`,
        httpStatusCode: 404,
      };
      return ['GetRole', 'ListRolePolicies', 'ListAttachedRolePolicies'].map((command) => ({
        service: 'IAM',
        command,
        input: { RoleName: ROLE_NAME },
        error: noSuchEntity,
      }));
    }
    const calls: SnapshotCall[] = [
      {
        service: 'IAM',
        command: 'GetRole',
        input: { RoleName: ROLE_NAME },
        output: {
          Role: {
            Path: '/',
            RoleName: ROLE_NAME,
            RoleId: 'AROAZ6EXAMPLEREPLICATE',
            Arn: ROLE_ARN,
            CreateDate: CREATED,
            AssumeRolePolicyDocument: encodeIamDocument(role.trust),
            MaxSessionDuration: 3600,
            ...(role.boundary === null
              ? {}
              : {
                  PermissionsBoundary: {
                    PermissionsBoundaryType: 'Policy',
                    PermissionsBoundaryArn: role.boundary.arn,
                  },
                }),
            RoleLastUsed: {},
          },
        },
      },
      {
        service: 'IAM',
        command: 'ListRolePolicies',
        input: { RoleName: ROLE_NAME },
        output: { PolicyNames: role.inline.map((entry) => entry.name), IsTruncated: false },
      },
      ...role.inline.map(
        (entry): SnapshotCall => ({
          service: 'IAM',
          command: 'GetRolePolicy',
          input: { RoleName: ROLE_NAME, PolicyName: entry.name },
          output: {
            RoleName: ROLE_NAME,
            PolicyName: entry.name,
            PolicyDocument: encodeIamDocument(entry.document),
          },
        }),
      ),
      {
        service: 'IAM',
        command: 'ListAttachedRolePolicies',
        input: { RoleName: ROLE_NAME },
        output: {
          AttachedPolicies: role.attached.map((policy) => ({
            PolicyName: policy.name,
            PolicyArn: policy.arn,
          })),
          IsTruncated: false,
        },
      },
    ];
    const managed = role.boundary === null ? role.attached : [...role.attached, role.boundary];
    for (const policy of managed) calls.push(...managedPolicyCalls(policy, policy === role.boundary));
    return calls;
  }

  #keyCalls(): SnapshotCall[] {
    const calls: SnapshotCall[] = [];
    for (const which of ['source', 'replica'] as const) {
      const key = this.#keys.get(which);
      if (key === undefined) continue;
      const arn = this.keyArn(which);
      if (!key.exists) {
        const notFound = {
          name: 'NotFoundException',
          message: `Key '${arn}' does not exist`,
          httpStatusCode: 400,
        };
        calls.push(
          { service: 'KMS', command: 'DescribeKey', input: { KeyId: arn }, error: notFound },
          {
            service: 'KMS',
            command: 'GetKeyPolicy',
            input: { KeyId: arn, PolicyName: 'default' },
            error: notFound,
          },
          { service: 'KMS', command: 'ListGrants', input: { KeyId: arn }, error: notFound },
        );
        continue;
      }
      const pendingDeletion = key.state === 'PendingDeletion' || key.state === 'PendingReplicaDeletion';
      calls.push(
        {
          service: 'KMS',
          command: 'DescribeKey',
          input: { KeyId: arn },
          output: {
            KeyMetadata: {
              AWSAccountId: key.account,
              KeyId: key.id,
              Arn: arn,
              CreationDate: CREATED,
              Enabled: key.state === 'Enabled',
              Description: key.description,
              KeyUsage: 'ENCRYPT_DECRYPT',
              KeyState: key.state,
              ...(pendingDeletion
                ? { DeletionDate: '2024-09-12T00:00:00.000Z', PendingDeletionWindowInDays: 7 }
                : {}),
              Origin: 'AWS_KMS',
              KeyManager: key.manager,
              CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
              KeySpec: 'SYMMETRIC_DEFAULT',
              EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
              MultiRegion: false,
            },
          },
        },
        {
          service: 'KMS',
          command: 'GetKeyPolicy',
          input: { KeyId: arn, PolicyName: 'default' },
          output: { Policy: JSON.stringify(key.policy), PolicyName: 'default' },
        },
        {
          service: 'KMS',
          command: 'ListGrants',
          input: { KeyId: arn },
          output: {
            Grants: key.grants.map((grant, index) => ({
              KeyId: arn,
              GrantId: `${'0123456789abcdef'.repeat(4)}${index}`.slice(0, 64),
              Name: grant.name ?? 's3-replication',
              CreationDate: CREATED,
              GranteePrincipal: grant.grantee ?? ROLE_ARN,
              IssuingAccount: `arn:aws:iam::${key.account}:root`,
              Operations: [...grant.operations],
              ...(grant.constraints === undefined ? {} : { Constraints: copy(grant.constraints) }),
            })),
            Truncated: false,
          },
        },
      );
    }
    return calls;
  }

  #applyOverrides(calls: SnapshotCall[]): SnapshotCall[] {
    const result: SnapshotCall[] = [];
    for (const call of calls) {
      const override = this.#overrides.find(
        (candidate) =>
          candidate.service === call.service &&
          candidate.command === call.command &&
          Object.entries(candidate.input ?? {}).every(
            ([field, value]) => JSON.stringify(call.input[field]) === JSON.stringify(value),
          ),
      );
      if (override === undefined) {
        result.push(call);
      } else if (override.mode === 'denied') {
        result.push({
          service: call.service,
          command: call.command,
          input: call.input,
          error: accessDenied(call),
        });
      }
    }
    return result;
  }
}

/** A fresh seed setup: healthy, same account, SSE-S3, not in an organization. */
export function seedSnapshot(): SnapshotBuilder {
  return new SnapshotBuilder();
}

function s3Call(
  command: string,
  bucket: string,
  answer: Record<string, unknown> | SnapshotError,
): SnapshotCall {
  const input = { Bucket: bucket };
  return isError(answer)
    ? { service: 'S3', command, input, error: answer }
    : { service: 'S3', command, input, output: answer };
}

function isError(answer: Record<string, unknown> | SnapshotError): answer is SnapshotError {
  return typeof answer.name === 'string' && typeof answer.message === 'string' && 'httpStatusCode' in answer;
}

function noSuchBucket(bucket: string): SnapshotError {
  return {
    name: 'NoSuchBucket',
    message: `The specified bucket does not exist: ${bucket}`,
    httpStatusCode: 404,
  };
}

function managedPolicyCalls(policy: ManagedPolicyModel, isBoundary: boolean): SnapshotCall[] {
  return [
    {
      service: 'IAM',
      command: 'GetPolicy',
      input: { PolicyArn: policy.arn },
      output: {
        Policy: {
          PolicyName: policy.name,
          PolicyId: 'ANPAZ6EXAMPLEPOLICY01',
          Arn: policy.arn,
          Path: '/',
          DefaultVersionId: policy.versionId,
          AttachmentCount: isBoundary ? 0 : 1,
          PermissionsBoundaryUsageCount: isBoundary ? 1 : 0,
          IsAttachable: true,
          CreateDate: CREATED,
          UpdateDate: CREATED,
        },
      },
    },
    {
      service: 'IAM',
      command: 'GetPolicyVersion',
      input: { PolicyArn: policy.arn, VersionId: policy.versionId },
      output: {
        PolicyVersion: {
          Document: encodeIamDocument(policy.document),
          VersionId: policy.versionId,
          IsDefaultVersion: true,
          CreateDate: CREATED,
        },
      },
    },
  ];
}

/** The errors each service really gives a caller without the permission. */
function accessDenied(call: SnapshotCall): SnapshotError {
  switch (call.service) {
    case 'S3':
      // HeadObject responses have no body, so the SDK names the error after the status.
      return call.command === 'HeadObject'
        ? { name: '403', message: 'UnknownError', httpStatusCode: 403 }
        : { name: 'AccessDenied', message: 'Access Denied', httpStatusCode: 403 };
    case 'IAM':
    case 'STS':
      return {
        name: 'AccessDenied',
        message: `User: ${DIAGNOSER_ARN} is not authorized to perform: ${call.service.toLowerCase()}:${call.command} because no identity-based policy allows the ${call.service.toLowerCase()}:${call.command} action`,
        httpStatusCode: 403,
      };
    case 'KMS':
    case 'Organizations':
    case 'SNS':
    case 'S3Control': {
      const prefix = call.service === 'S3Control' ? 's3' : call.service.toLowerCase();
      return {
        name: 'AccessDeniedException',
        message: `User: ${DIAGNOSER_ARN} is not authorized to perform: ${prefix}:${call.command} because no identity-based policy allows the ${prefix}:${call.command} action`,
        httpStatusCode: 400,
      };
    }
    default: {
      const unexpected: never = call.service;
      throw new Error(`unknown service ${String(unexpected)}`);
    }
  }
}

/** The key policy of the AWS managed key `aws/s3`: usable only through S3, only by its own account. */
function awsManagedS3KeyPolicy(account: string, region: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Id: 'auto-s3-2',
    Statement: [
      {
        Sid: 'Allow access through S3 for all principals in the account that are authorized to use S3',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
        Resource: '*',
        Condition: {
          StringEquals: { 'kms:CallerAccount': account, 'kms:ViaService': `s3.${region}.amazonaws.com` },
        },
      },
      {
        Sid: 'Allow direct access to key metadata to the account',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${account}:root` },
        Action: ['kms:Describe*', 'kms:Get*', 'kms:List*'],
        Resource: '*',
      },
    ],
  };
}
