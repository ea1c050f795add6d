import { describe, expect, it } from 'vitest';
import {
  bucketPolicyAllowFix,
  denyFix,
  keyPolicyAllowFix,
  roleAllowFix,
  versioningFix,
} from '../../../shared/diagnosis/fixes.js';
import type { RoleRef } from '../../../shared/diagnosis/rule-state.js';
import { cli, shellQuote } from '../../../shared/diagnosis/shell.js';
import type { RequestContext, StatementRef } from '../../../shared/policy/api.js';

const role: RoleRef = {
  roleArn: 'arn:aws:iam::123456789012:role/S3ReplicationRole',
  roleName: 'S3ReplicationRole',
  roleAccount: '123456789012',
};

function request(action: string, resource: string): RequestContext {
  return {
    principalArn: role.roleArn,
    principalAccount: role.roleAccount,
    action,
    resource,
    resourceAccount: '123456789012',
    context: { 'aws:SecureTransport': true, 'aws:PrincipalArn': role.roleArn },
  };
}

describe('shell quoting', () => {
  it('leaves plain words alone', () => {
    expect(shellQuote('my-bucket')).toBe('my-bucket');
    expect(shellQuote('arn:aws:s3:::my-bucket/*')).toBe("'arn:aws:s3:::my-bucket/*'");
    expect(shellQuote('Status=Enabled')).toBe('Status=Enabled');
  });

  it('single-quotes spaces, globs and quotes, escaping single quotes', () => {
    expect(shellQuote('a b.txt')).toBe("'a b.txt'");
    expect(shellQuote("it's $HOME")).toBe("'it'\\''s $HOME'");
    expect(shellQuote('')).toBe("''");
  });

  it('attaches a value starting with a dash to its flag so the CLI cannot read it as an option', () => {
    expect(cli('aws s3api head-object', ['--bucket', 'b'], ['--key', '-draft.txt'])).toBe(
      'aws s3api head-object --bucket b --key=-draft.txt',
    );
  });

  it('quotes a key with quotes and spaces in a fix command', () => {
    expect(versioningFix("odd 'bucket'").commands[0]).toBe(
      "aws s3api put-bucket-versioning --bucket 'odd '\\''bucket'\\''' --versioning-configuration Status=Enabled",
    );
  });
});

describe('fix statements', () => {
  it('scopes a role statement to the destination objects', () => {
    const fix = roleAllowFix(role, ['s3:ReplicateObject'], {
      kind: 's3',
      side: 'destination',
      bucket: 'dst',
      pattern: 'arn:aws:s3:::dst/*',
      bucketLevel: false,
    });
    expect(fix.policyStatement).toEqual({
      Sid: 'AllowReplicationDestinationObjects',
      Effect: 'Allow',
      Action: ['s3:ReplicateObject'],
      Resource: ['arn:aws:s3:::dst/*'],
    });
    expect(fix.summary).toContain('inline policy s3-replication-doctor-destination-objects');
  });

  it('names the role as principal in a bucket policy statement', () => {
    const fix = bucketPolicyAllowFix(
      role,
      ['s3:ReplicateObject'],
      { kind: 's3', side: 'destination', bucket: 'dst', pattern: 'arn:aws:s3:::dst/*', bucketLevel: false },
      '444455556666',
      true,
    );
    expect(fix.policyStatement).toEqual({
      Sid: 'AllowReplicationFrom123456789012',
      Effect: 'Allow',
      Principal: { AWS: role.roleArn },
      Action: ['s3:ReplicateObject'],
      Resource: 'arn:aws:s3:::dst/*',
    });
    expect(fix.summary).toContain('dst (account 444455556666)');
    expect(fix.summary).toContain('merge it into the current policy');
  });

  it('writes a key policy statement with the conditions S3 sends and the key’s region on the commands', () => {
    const keyArn = 'arn:aws:kms:eu-west-1:444455556666:key/abc';
    const fix = keyPolicyAllowFix(role, ['kms:Encrypt', 'kms:GenerateDataKey'], {
      kind: 'kms',
      side: 'destination',
      keyArn,
      viaRegion: 'eu-west-1',
      contextPattern: 'arn:aws:s3:::dst/*',
    });
    expect(fix.policyStatement).toEqual({
      Sid: 'AllowReplicationReplicaKeyForS3ReplicationRole',
      Effect: 'Allow',
      Principal: { AWS: role.roleArn },
      Action: ['kms:Encrypt', 'kms:GenerateDataKey'],
      Resource: '*',
      Condition: {
        StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' },
        StringLike: { 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::dst/*' },
      },
    });
    expect(fix.commands).toEqual([
      `aws kms get-key-policy --key-id ${keyArn} --policy-name default --query Policy --output text --region eu-west-1 > key-policy.json`,
      `aws kms put-key-policy --key-id ${keyArn} --policy-name default --policy file://key-policy.json --region eu-west-1`,
    ]);
  });
});

describe('fixes for explicit denies', () => {
  const ref = (
    statement: StatementRef['statement'],
    kind: StatementRef['kind'] = 'inline',
  ): StatementRef => ({
    policy: kind === 'bucket' ? 'bucket policy of dst' : 'S3ReplicationPolicy',
    kind,
    sid: statement.Sid,
    index: 2,
    statement,
  });
  const home = { kind: 'inline' as const, role, policyName: 'S3ReplicationPolicy' };

  it('drops the denied action from an identity statement that lists it', () => {
    const statement = {
      Sid: 'NoDeletes',
      Effect: 'Deny' as const,
      Action: ['s3:ReplicateDelete', 's3:DeleteObject'],
      Resource: '*',
    };
    const fix = denyFix(
      ref(statement),
      [],
      ['s3:ReplicateDelete'],
      [request('s3:ReplicateDelete', 'arn:aws:s3:::dst/k')],
      home,
      role.roleArn,
    );
    expect(fix.policyStatement).toEqual({ ...statement, Action: ['s3:DeleteObject'] });
    expect(fix.summary).toContain(
      'statement "NoDeletes" (index 2) of S3ReplicationPolicy denies s3:ReplicateDelete',
    );
    expect(fix.commands[0]).toBe(
      'aws iam get-role-policy --role-name S3ReplicationRole --policy-name S3ReplicationPolicy --query PolicyDocument --output json > policy.json',
    );
  });

  it('says to remove a statement that denies nothing but the action', () => {
    const statement = { Effect: 'Deny' as const, Action: 's3:ReplicateObject', Resource: '*' };
    const fix = denyFix(
      ref(statement),
      [],
      ['s3:ReplicateObject'],
      [request('s3:ReplicateObject', 'arn:aws:s3:::dst/k')],
      home,
      role.roleArn,
    );
    expect(fix.policyStatement).toBeUndefined();
    expect(fix.summary).toContain('statement 2 of S3ReplicationPolicy denies s3:ReplicateObject: remove it');
  });

  it('adds the action to NotAction of a deny-everything-else statement', () => {
    const statement = { Effect: 'Deny' as const, NotAction: ['s3:GetObject'], Resource: '*' };
    const fix = denyFix(
      ref(statement),
      [],
      ['s3:ReplicateObject'],
      [request('s3:ReplicateObject', 'arn:aws:s3:::dst/k')],
      home,
      role.roleArn,
    );
    expect(fix.policyStatement).toEqual({ ...statement, NotAction: ['s3:GetObject', 's3:ReplicateObject'] });
  });

  it('exempts the role from a bucket policy deny, keeping it for everyone else', () => {
    const statement = {
      Effect: 'Deny' as const,
      Principal: '*' as const,
      Action: 's3:*',
      Resource: 'arn:aws:s3:::dst/*',
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': 'arn:aws:iam::444455556666:role/Admin' } },
    };
    const fix = denyFix(
      ref(statement, 'bucket'),
      [],
      ['s3:ReplicateObject'],
      [request('s3:ReplicateObject', 'arn:aws:s3:::dst/k')],
      { kind: 'bucket', bucket: 'dst' },
      role.roleArn,
    );
    expect(fix.policyStatement?.Condition).toEqual({
      ArnNotEquals: { 'aws:PrincipalArn': ['arn:aws:iam::444455556666:role/Admin', role.roleArn] },
    });
    expect(fix.commands).toEqual([
      'aws s3api get-bucket-policy --bucket dst --query Policy --output text > policy.json',
      'aws s3api put-bucket-policy --bucket dst --policy file://policy.json',
    ]);
  });

  it('edits a managed policy through a new default version', () => {
    const arn = 'arn:aws:iam::123456789012:policy/Guardrail';
    const statement = { Effect: 'Deny' as const, Action: 's3:Replicate*', Resource: '*' };
    const fix = denyFix(
      { policy: arn, kind: 'managed', index: 0, statement },
      [],
      ['s3:ReplicateObject'],
      [request('s3:ReplicateObject', 'arn:aws:s3:::dst/k')],
      { kind: 'managed', policyArn: arn },
      role.roleArn,
    );
    expect(fix.commands).toEqual([
      `aws iam get-policy-version --policy-arn ${arn} --version-id "$(aws iam get-policy --policy-arn ${arn} --query Policy.DefaultVersionId --output text)" --query PolicyVersion.Document --output json > policy.json`,
      `aws iam create-policy-version --policy-arn ${arn} --policy-document file://policy.json --set-as-default`,
    ]);
  });
});
