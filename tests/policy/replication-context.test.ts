import { describe, expect, it } from 'vitest';
import { kmsRequestContext, s3EncryptionContextArn, s3RequestContext } from '../../shared/policy/index.js';
import { DESTINATION_ACCOUNT, DESTINATION_BUCKET, ROLE_ARN, SOURCE_ACCOUNT } from './fixtures.js';

const NOW = new Date('2025-03-01T12:00:00Z');

describe('s3RequestContext', () => {
  it('supplies the keys of a TLS request by the replication role session', () => {
    const context = s3RequestContext({
      roleArn: ROLE_ARN,
      region: 'eu-west-1',
      resourceAccount: DESTINATION_ACCOUNT,
      now: NOW,
    });
    expect(context).toEqual({
      'aws:SecureTransport': true,
      'aws:PrincipalArn': ROLE_ARN,
      'aws:PrincipalAccount': SOURCE_ACCOUNT,
      'aws:PrincipalType': 'AssumedRole',
      'aws:PrincipalIsAWSService': false,
      'aws:CurrentTime': '2025-03-01T12:00:00.000Z',
      'aws:EpochTime': 1740830400,
      'aws:RequestedRegion': 'eu-west-1',
      'aws:ResourceAccount': DESTINATION_ACCOUNT,
    });
  });

  it('adds the encryption headers of an SSE-KMS replica write', () => {
    const keyArn = 'arn:aws:kms:eu-west-1:444455556666:key/9f8e7d6c';
    const context = s3RequestContext({
      roleArn: ROLE_ARN,
      serverSideEncryption: 'aws:kms',
      kmsKeyId: keyArn,
      now: NOW,
    });
    expect(context['s3:x-amz-server-side-encryption']).toBe('aws:kms');
    expect(context['s3:x-amz-server-side-encryption-aws-kms-key-id']).toBe(keyArn);
  });

  it('does not add a KMS key id header to an SSE-S3 write', () => {
    const context = s3RequestContext({
      roleArn: ROLE_ARN,
      serverSideEncryption: 'AES256',
      kmsKeyId: 'ignored',
      now: NOW,
    });
    expect(context['s3:x-amz-server-side-encryption']).toBe('AES256');
    expect(context).not.toHaveProperty('s3:x-amz-server-side-encryption-aws-kms-key-id');
  });

  it('leaves out keys not documented for replication', () => {
    const context = s3RequestContext({ roleArn: ROLE_ARN, now: NOW });
    expect(context).not.toHaveProperty('aws:PrincipalServiceName');
    expect(context).not.toHaveProperty('aws:SourceAccount');
    expect(context).not.toHaveProperty('aws:RequestedRegion');
  });

  it('passes the organization id when it is known', () => {
    expect(
      s3RequestContext({ roleArn: ROLE_ARN, principalOrgId: 'o-a1b2c3d4e5', now: NOW })['aws:PrincipalOrgID'],
    ).toBe('o-a1b2c3d4e5');
  });
});

describe('kmsRequestContext', () => {
  it('supplies kms:ViaService for the key region and the S3 encryption context', () => {
    const objectArn = `arn:aws:s3:::${DESTINATION_BUCKET}/a.pdf`;
    const context = kmsRequestContext({
      roleArn: ROLE_ARN,
      region: 'eu-west-1',
      encryptionContextArn: objectArn,
      now: NOW,
    });
    expect(context).toMatchObject({
      'aws:SecureTransport': true,
      'aws:PrincipalArn': ROLE_ARN,
      'aws:PrincipalAccount': SOURCE_ACCOUNT,
      'aws:PrincipalType': 'AssumedRole',
      'aws:ViaAWSService': true,
      'kms:ViaService': 's3.eu-west-1.amazonaws.com',
      'kms:CallerAccount': SOURCE_ACCOUNT,
      'kms:EncryptionContext:aws:s3:arn': objectArn,
      'kms:EncryptionContextKeys': ['aws:s3:arn'],
    });
  });

  it('uses the China endpoint suffix for China regions', () => {
    const context = kmsRequestContext({
      roleArn: ROLE_ARN,
      region: 'cn-north-1',
      encryptionContextArn: 'x',
      now: NOW,
    });
    expect(context['kms:ViaService']).toBe('s3.cn-north-1.amazonaws.com.cn');
  });

  it('honours an explicit role account', () => {
    const context = kmsRequestContext({
      roleArn: 'arn:aws:iam::999999999999:role/R',
      roleAccount: '111122223333',
      region: 'us-east-1',
      encryptionContextArn: 'x',
      now: NOW,
    });
    expect(context['kms:CallerAccount']).toBe('111122223333');
  });
});

describe('s3EncryptionContextArn', () => {
  it('is the object ARN without Bucket Keys and the bucket ARN with them', () => {
    expect(s3EncryptionContextArn({ bucket: 'b', key: 'a/b c.txt' })).toBe('arn:aws:s3:::b/a/b c.txt');
    expect(s3EncryptionContextArn({ bucket: 'b', key: 'a/b c.txt', bucketKeyEnabled: true })).toBe(
      'arn:aws:s3:::b',
    );
    expect(s3EncryptionContextArn({ bucket: 'b', key: 'k', partition: 'aws-cn' })).toBe(
      'arn:aws-cn:s3:::b/k',
    );
  });
});
