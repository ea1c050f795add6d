import { evaluateAccess } from '../shared/policy/index.js';
import { kmsRequestContext, s3RequestContext } from '../shared/policy/replication-context.js';
import type { NamedPolicy } from '../shared/policy/types.js';
import type { Section } from './lib/report.js';

const ROLE = 'arn:aws:iam::123456789012:role/S3ReplicationRole';
const SRC = 'my-source-bucket-use1';
const DST = 'my-destination-bucket-euw1';
const KEY = 'arn:aws:kms:eu-west-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/** The seed guide's role policy, with the KMS statements the replication guide adds for SSE-KMS. */
const rolePolicy: NamedPolicy = {
  name: 'S3ReplicationPolicy',
  kind: 'inline',
  document: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
        Resource: `arn:aws:s3:::${SRC}`,
      },
      {
        Effect: 'Allow',
        Action: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'],
        Resource: `arn:aws:s3:::${SRC}/*`,
      },
      {
        Effect: 'Allow',
        Action: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'],
        Resource: `arn:aws:s3:::${DST}/*`,
      },
      {
        Effect: 'Allow',
        Action: ['kms:Encrypt', 'kms:GenerateDataKey'],
        Resource: KEY,
        Condition: {
          StringLike: {
            'kms:ViaService': 's3.eu-west-1.amazonaws.com',
            'kms:EncryptionContext:aws:s3:arn': [`arn:aws:s3:::${DST}/*`],
          },
        },
      },
    ],
  },
};

const bucketPolicy: NamedPolicy = {
  name: `bucket policy of ${DST}`,
  kind: 'bucket',
  document: {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DenyInsecure',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: `arn:aws:s3:::${DST}/*`,
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
      {
        Sid: 'AllowReplication',
        Effect: 'Allow',
        Principal: { AWS: ROLE },
        Action: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'],
        Resource: `arn:aws:s3:::${DST}/*`,
      },
    ],
  },
};

const keyPolicy: NamedPolicy = {
  name: `key policy of ${KEY}`,
  kind: 'key',
  document: {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'Root',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::444455556666:root' },
        Action: 'kms:*',
        Resource: '*',
      },
      {
        Sid: 'Replication',
        Effect: 'Allow',
        Principal: { AWS: ROLE },
        Action: ['kms:Encrypt', 'kms:GenerateDataKey'],
        Resource: '*',
        Condition: {
          StringLike: {
            'kms:ViaService': 's3.eu-west-1.amazonaws.com',
            'kms:EncryptionContext:aws:s3:arn': `arn:aws:s3:::${DST}/*`,
          },
        },
      },
    ],
  },
};

function measure(label: string, evaluate: () => boolean, iterations: number): string[] {
  if (!evaluate()) throw new Error(`${label}: expected the request to be allowed`);
  const started = performance.now();
  for (let i = 0; i < iterations; i++) evaluate();
  const seconds = (performance.now() - started) / 1000;
  return [label, iterations.toLocaleString('en'), Math.round(iterations / seconds).toLocaleString('en')];
}

export function benchPolicy(iterations = 50_000): Section {
  const s3Request = {
    principalArn: ROLE,
    principalAccount: '123456789012',
    action: 's3:ReplicateObject',
    resource: `arn:aws:s3:::${DST}/photos/2024/a.jpg`,
    resourceAccount: '444455556666',
    context: s3RequestContext({ roleArn: ROLE, resourceAccount: '444455556666', region: 'eu-west-1' }),
  };
  const kmsRequest = {
    principalArn: ROLE,
    principalAccount: '123456789012',
    action: 'kms:GenerateDataKey',
    resource: KEY,
    resourceAccount: '444455556666',
    context: kmsRequestContext({
      roleArn: ROLE,
      region: 'eu-west-1',
      encryptionContextArn: `arn:aws:s3:::${DST}/photos/2024/a.jpg`,
    }),
  };
  return {
    title: 'Policy evaluation',
    about:
      'Full access decisions (identity policy, resource or key policy, conditions) on realistic cross-account replication policies.',
    header: ['decision', 'evaluations', 'evaluations/s'],
    rows: [
      measure(
        's3:ReplicateObject, cross-account bucket policy',
        () =>
          evaluateAccess({
            request: s3Request,
            identityPolicies: [rolePolicy],
            resourcePolicy: bucketPolicy,
            resourceType: 's3',
          }).allowed,
        iterations,
      ),
      measure(
        'kms:GenerateDataKey, key policy with kms:ViaService + encryption context',
        () =>
          evaluateAccess({
            request: kmsRequest,
            identityPolicies: [rolePolicy],
            resourcePolicy: keyPolicy,
            resourceType: 'kms',
          }).allowed,
        iterations,
      ),
    ],
  };
}
