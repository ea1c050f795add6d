import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AssumeRoleError, createAssumeRoleCredentials } from '../../shared/aws/assume-role-credentials.js';
import { assumeRoleSender } from '../../shared/aws/live/sts.js';
import { DESTINATION_ACCOUNT } from './seed.js';

const sts = mockClient(STSClient);
const ROLE = `arn:aws:iam::${DESTINATION_ACCOUNT}:role/ReplicationDoctorRead`;
const HOUR = 60 * 60_000;

function issued(id: string, expiresAt: number) {
  return {
    Credentials: {
      AccessKeyId: id,
      SecretAccessKey: 'secret',
      SessionToken: 'token',
      Expiration: new Date(expiresAt),
    },
  };
}

beforeEach(() => sts.reset());

describe('createAssumeRoleCredentials', () => {
  it('keeps the credentials until five minutes before they expire, then assumes the role again', async () => {
    let clock = 0;
    sts
      .on(AssumeRoleCommand)
      .resolvesOnce(issued('ASIA1', HOUR))
      .resolves(issued('ASIA2', 2 * HOUR));
    const provide = createAssumeRoleCredentials({
      assumeRole: assumeRoleSender({ region: 'us-east-1', maxAttempts: 1 }),
      roleArn: ROLE,
      sessionName: 's',
      now: () => clock,
    });

    const first = await provide();
    clock = HOUR - 5 * 60_000 - 1;
    const stillFirst = await provide();
    clock = HOUR - 5 * 60_000;
    const renewed = await provide();

    expect([first, stillFirst, renewed].map((credentials) => credentials.accessKeyId)).toEqual([
      'ASIA1',
      'ASIA1',
      'ASIA2',
    ]);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });

  it('shares one AssumeRole between concurrent first uses', async () => {
    sts.on(AssumeRoleCommand).resolves(issued('ASIA1', Date.now() + HOUR));
    const provide = createAssumeRoleCredentials({
      assumeRole: assumeRoleSender({ region: 'us-east-1', maxAttempts: 1 }),
      roleArn: ROLE,
      sessionName: 's',
    });

    await Promise.all([provide(), provide(), provide()]);

    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);
  });

  it('fails with AssumeRoleError when STS answers without credentials', async () => {
    sts.on(AssumeRoleCommand).resolves({});
    const provide = createAssumeRoleCredentials({
      assumeRole: assumeRoleSender({ region: 'us-east-1', maxAttempts: 1 }),
      roleArn: ROLE,
      sessionName: 's',
    });

    await expect(provide()).rejects.toBeInstanceOf(AssumeRoleError);
  });

  it('sends no ExternalId when none is configured', async () => {
    sts.on(AssumeRoleCommand).resolves(issued('ASIA1', Date.now() + HOUR));
    const provide = createAssumeRoleCredentials({
      assumeRole: assumeRoleSender({ region: 'us-east-1', maxAttempts: 1 }),
      roleArn: ROLE,
      sessionName: 'doctor',
    });

    await provide();

    expect(sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input).toEqual({
      RoleArn: ROLE,
      RoleSessionName: 'doctor',
    });
  });
});
