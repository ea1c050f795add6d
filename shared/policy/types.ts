/** IAM policy documents as AWS stores them: most fields may be a string or an array. */

export type OneOrMany<T> = T | T[];

export type PrincipalValue =
  | '*'
  | { [kind in 'AWS' | 'Service' | 'Federated' | 'CanonicalUser']?: OneOrMany<string> };

/** operator (e.g. `StringLike`, `ForAnyValue:StringEquals`, `ArnLikeIfExists`) → key → value(s) */
export type ConditionBlock = Record<string, Record<string, OneOrMany<string | boolean | number>>>;

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: OneOrMany<string>;
  NotAction?: OneOrMany<string>;
  Resource?: OneOrMany<string>;
  NotResource?: OneOrMany<string>;
  Principal?: PrincipalValue;
  NotPrincipal?: PrincipalValue;
  Condition?: ConditionBlock;
}

export interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement: OneOrMany<PolicyStatement>;
}

/** A policy with the name a person would look for it by (inline name, managed policy ARN, "bucket policy of X"). */
export interface NamedPolicy {
  name: string;
  kind: 'inline' | 'managed' | 'boundary' | 'bucket' | 'key' | 'trust';
  document: PolicyDocument;
}

/** A KMS grant, as `ListGrants` returns it (the fields evaluation needs). */
export interface KmsGrant {
  GrantId?: string;
  Name?: string;
  GranteePrincipal?: string;
  Operations?: string[];
  Constraints?: {
    EncryptionContextSubset?: Record<string, string>;
    EncryptionContextEquals?: Record<string, string>;
  };
}
