/**
 * The policy evaluator's public shapes. Implemented in `evaluate.ts` (statements, conditions) and
 * `access.ts` (how identity, boundary, resource/key policies and grants combine).
 */
import type { KmsGrant, NamedPolicy, PolicyStatement } from './types.js';

export type ContextValue = string | boolean | number | string[];

/** One request, as AWS evaluates it: who does what to which resource, with the condition context. */
export interface RequestContext {
  /** The IAM principal ARN the policies name (for a role: `arn:aws:iam::111122223333:role/name`). */
  principalArn: string;
  principalAccount: string;
  /** `service:Action`, e.g. `s3:ReplicateObject`, `kms:GenerateDataKey`. */
  action: string;
  /** The resource ARN, e.g. `arn:aws:s3:::dst/key`, `arn:aws:kms:eu-west-1:444455556666:key/…`. */
  resource: string;
  resourceAccount: string;
  /** Condition keys (matched case-insensitively), e.g. `kms:ViaService`, `aws:SecureTransport`. */
  context: Record<string, ContextValue>;
  /**
   * The assumed-role session ARN (`arn:aws:sts::111122223333:assumed-role/name/session`), when known.
   * A resource policy or grant naming exactly this session grants to it directly.
   */
  principalSessionArn?: string;
}

export type Decision = 'allow' | 'explicit-deny' | 'implicit-deny';

export interface StatementRef {
  policy: string;
  kind: NamedPolicy['kind'];
  sid?: string;
  /** Position of the statement in its policy (0-based). */
  index: number;
  statement: PolicyStatement;
}

export interface PolicySetResult {
  decision: Decision;
  allows: StatementRef[];
  denies: StatementRef[];
  /** Condition keys a matching statement used that the context did not supply. */
  missingContextKeys: string[];
  /** Malformed statements (treated as not matching) and assumptions made; never fatal. */
  warnings?: string[];
}

export type AccessLayer = 'identity' | 'boundary' | 'resource' | 'grant';

export interface LayerFailure {
  layer: Exclude<AccessLayer, 'grant'>;
  /** `explicit-deny`: a statement denies; `no-allow`: nothing allows. */
  kind: 'explicit-deny' | 'no-allow';
  /** The denying statement, for `explicit-deny`. */
  statement?: StatementRef;
  /** The policy that would need the allow (name), for `no-allow`. */
  policy?: string;
}

export interface AccessInput {
  request: RequestContext;
  identityPolicies: NamedPolicy[];
  permissionsBoundary?: NamedPolicy;
  /** The bucket policy or KMS key policy of the resource, when it has one. */
  resourcePolicy?: NamedPolicy;
  resourceType: 's3' | 'kms';
  /** KMS only: grants on the key. */
  grants?: KmsGrant[];
}

export interface AccessResult {
  allowed: boolean;
  /** Every layer that stops the request; empty when allowed. More than one may fail at once. */
  failures: LayerFailure[];
  identity: PolicySetResult;
  boundary?: PolicySetResult;
  resource?: PolicySetResult;
  /** The grant that allowed the request, when a grant did. */
  grant?: KmsGrant;
  /** Every layer's warnings, prefixed with the policy or grant they concern. */
  warnings?: string[];
}
