import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  HeadObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createLiveCaller, createReads, UnsupportedCallError } from '../../shared/aws/index.js';
import { LIVE_COMMANDS, LIVE_SERVICES } from '../../shared/aws/live-commands.js';
import {
  DESTINATION_ACCOUNT,
  DESTINATION_BUCKET,
  DESTINATION_KEY_ARN,
  DESTINATION_REGION,
  ROLE_NAME,
  SOURCE_ACCOUNT,
  SOURCE_BUCKET,
  SOURCE_REGION,
  sdkError,
} from './seed.js';

const s3 = mockClient(S3Client);
const sts = mockClient(STSClient);
const kms = mockClient(KMSClient);
const iam = mockClient(IAMClient);

const READ_ROLE_ARN = `arn:aws:iam::${DESTINATION_ACCOUNT}:role/ReplicationDoctorRead`;
const SOURCE_CREDENTIALS = { accessKeyId: 'AKIASOURCE', secretAccessKey: 'source-secret' };

interface ConfiguredClient {
  config: {
    region: () => Promise<string>;
    credentials: () => Promise<{ accessKeyId: string; sessionToken?: string }>;
    maxAttempts: () => Promise<number>;
    followRegionRedirects?: boolean;
  };
}

function assumedCredentials(expiresInMs: number, id = 'ASIADESTINATION') {
  return {
    Credentials: {
      AccessKeyId: id,
      SecretAccessKey: 'destination-secret',
      SessionToken: 'destination-token',
      Expiration: new Date(Date.now() + expiresInMs),
    },
  };
}

const clientOf = (mock: { calls(): { thisValue: unknown }[] }, index: number): ConfiguredClient =>
  mock.calls()[index]?.thisValue as ConfiguredClient;

beforeEach(() => {
  s3.reset();
  sts.reset();
  kms.reset();
  iam.reset();
});

describe('createLiveCaller', () => {
  it('sends the SDK command named by the call with the input, and returns its output', async () => {
    s3.on(GetBucketPolicyCommand).resolves({ Policy: '{"Statement":[]}' });
    const caller = createLiveCaller({ region: SOURCE_REGION, credentials: SOURCE_CREDENTIALS });

    const output = await caller.send('S3', 'GetBucketPolicy', { Bucket: SOURCE_BUCKET });

    expect(output).toEqual({ Policy: '{"Statement":[]}' });
    expect(s3.commandCalls(GetBucketPolicyCommand).map((call) => call.args[0].input)).toEqual([
      { Bucket: SOURCE_BUCKET },
    ]);
  });

  it('dispatches IAM, KMS and STS calls to their clients', async () => {
    iam.on(GetRoleCommand).resolves({ Role: { RoleName: ROLE_NAME } as never });
    kms.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: 'k' } });
    sts.on(GetCallerIdentityCommand).resolves({ Account: SOURCE_ACCOUNT });
    const caller = createLiveCaller({ region: SOURCE_REGION, credentials: SOURCE_CREDENTIALS });

    await caller.send('IAM', 'GetRole', { RoleName: ROLE_NAME });
    await caller.send('KMS', 'DescribeKey', { KeyId: 'alias/x' });
    await caller.send('STS', 'GetCallerIdentity', {});

    expect(iam.commandCalls(GetRoleCommand, { RoleName: ROLE_NAME })).toHaveLength(1);
    expect(kms.commandCalls(DescribeKeyCommand, { KeyId: 'alias/x' })).toHaveLength(1);
    expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(1);
  });

  it('refuses a command it has no SDK command for', async () => {
    const caller = createLiveCaller({ region: SOURCE_REGION, credentials: SOURCE_CREDENTIALS });

    await expect(caller.send('S3', 'DeleteBucket', { Bucket: SOURCE_BUCKET })).rejects.toBeInstanceOf(
      UnsupportedCallError,
    );
    await expect(caller.send('SNS', 'Publish', {})).rejects.toThrow('cannot send SNS Publish');
  });

  it('reuses one client per service and region, with the default region and low SDK retries', async () => {
    s3.resolves({});
    const caller = createLiveCaller({ region: SOURCE_REGION, credentials: SOURCE_CREDENTIALS });

    await caller.send('S3', 'GetBucketVersioning', { Bucket: SOURCE_BUCKET });
    await caller.send('S3', 'HeadObject', { Bucket: SOURCE_BUCKET, Key: 'k' });
    await caller.send(
      'S3',
      'GetBucketVersioning',
      { Bucket: DESTINATION_BUCKET },
      { region: DESTINATION_REGION },
    );

    const [first, second, third] = [0, 1, 2].map((index) => clientOf(s3, index));
    expect(first).toBe(second);
    expect(third).not.toBe(first);
    expect(await first?.config.region()).toBe(SOURCE_REGION);
    expect(await third?.config.region()).toBe(DESTINATION_REGION);
    expect(await first?.config.maxAttempts()).toBe(1);
    expect(first?.config.followRegionRedirects).toBe(true);
  });

  it('honours a configured number of SDK attempts', async () => {
    s3.resolves({});
    const caller = createLiveCaller({
      region: SOURCE_REGION,
      credentials: SOURCE_CREDENTIALS,
      maxAttempts: 2,
    });

    await caller.send('S3', 'GetBucketVersioning', { Bucket: SOURCE_BUCKET });

    expect(await clientOf(s3, 0).config.maxAttempts()).toBe(2);
  });

  it('reads the destination side with credentials of the assumed read role, assuming it once', async () => {
    sts.on(AssumeRoleCommand).resolves(assumedCredentials(60 * 60_000));
    s3.resolves({});
    kms.resolves({});
    const caller = createLiveCaller({
      region: SOURCE_REGION,
      credentials: SOURCE_CREDENTIALS,
      destinationRoleArn: READ_ROLE_ARN,
      destinationExternalId: 'doctor-external-id',
    });

    await caller.send(
      'S3',
      'GetBucketPolicy',
      { Bucket: DESTINATION_BUCKET },
      { side: 'destination', region: DESTINATION_REGION },
    );
    await caller.send(
      'KMS',
      'DescribeKey',
      { KeyId: DESTINATION_KEY_ARN },
      { side: 'destination', region: DESTINATION_REGION },
    );
    await caller.send('S3', 'GetBucketPolicy', { Bucket: SOURCE_BUCKET });
    const destinationS3 = clientOf(s3, 0);
    const destinationKms = clientOf(kms, 0);
    const sourceS3 = clientOf(s3, 1);

    const credentials = await Promise.all([
      destinationS3.config.credentials(),
      destinationKms.config.credentials(),
      destinationS3.config.credentials(),
    ]);

    expect(credentials.map((value) => value.accessKeyId)).toEqual([
      'ASIADESTINATION',
      'ASIADESTINATION',
      'ASIADESTINATION',
    ]);
    expect(credentials[0]?.sessionToken).toBe('destination-token');
    expect((await sourceS3.config.credentials()).accessKeyId).toBe('AKIASOURCE');
    expect(sourceS3).not.toBe(destinationS3);
    expect(sts.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input)).toEqual([
      { RoleArn: READ_ROLE_ARN, RoleSessionName: 's3-replication-doctor', ExternalId: 'doctor-external-id' },
    ]);
  });

  it('does not use read-role credentials that are about to expire', async () => {
    sts
      .on(AssumeRoleCommand)
      .resolvesOnce(assumedCredentials(60_000, 'ASIAEXPIRING'))
      .resolves(assumedCredentials(60 * 60_000, 'ASIAFRESH'));
    s3.resolves({});
    const caller = createLiveCaller({
      region: SOURCE_REGION,
      credentials: SOURCE_CREDENTIALS,
      destinationRoleArn: READ_ROLE_ARN,
    });
    await caller.send('S3', 'GetBucketVersioning', { Bucket: DESTINATION_BUCKET }, { side: 'destination' });

    const credentials = await clientOf(s3, 0).config.credentials();

    expect(credentials.accessKeyId).toBe('ASIAFRESH');
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });

  it('tries the role again after a failed AssumeRole instead of keeping the failure', async () => {
    sts
      .on(AssumeRoleCommand)
      .rejectsOnce(sdkError('AccessDenied', 403, 'not authorized to perform sts:AssumeRole'))
      .resolves(assumedCredentials(60 * 60_000));
    s3.resolves({});
    const caller = createLiveCaller({
      region: SOURCE_REGION,
      credentials: SOURCE_CREDENTIALS,
      destinationRoleArn: READ_ROLE_ARN,
    });
    await caller.send('S3', 'GetBucketVersioning', { Bucket: DESTINATION_BUCKET }, { side: 'destination' });
    const client = clientOf(s3, 0);

    await expect(client.config.credentials()).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(client.config.credentials()).resolves.toMatchObject({ accessKeyId: 'ASIADESTINATION' });
  });

  it('uses the source credentials and clients for the destination side when no read role is set', async () => {
    s3.resolves({});
    const caller = createLiveCaller({ region: SOURCE_REGION, credentials: SOURCE_CREDENTIALS });

    await caller.send('S3', 'GetBucketVersioning', { Bucket: SOURCE_BUCKET });
    await caller.send('S3', 'GetBucketVersioning', { Bucket: DESTINATION_BUCKET }, { side: 'destination' });

    expect(clientOf(s3, 1)).toBe(clientOf(s3, 0));
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(0);
  });
});

describe('createReads over the live caller', () => {
  it('turns SDK service exceptions into read outcomes', async () => {
    s3.on(GetBucketPolicyCommand).rejects(sdkError('AccessDenied', 403, 'Access Denied'));
    s3.on(HeadObjectCommand).rejects(sdkError('NotFound', 404, 'UnknownError'));
    s3.on(GetBucketVersioningCommand).resolves({ Status: 'Enabled', $metadata: { httpStatusCode: 200 } });
    const reads = createReads(createLiveCaller({ region: SOURCE_REGION, credentials: SOURCE_CREDENTIALS }), {
      sourceRegion: SOURCE_REGION,
    });

    expect(await reads.getBucketPolicy(SOURCE_BUCKET, 'source')).toEqual({
      status: 'denied',
      error: 'AccessDenied from S3 GetBucketPolicy: Access Denied',
    });
    expect((await reads.headObject(SOURCE_BUCKET, 'k', 'v1')).status).toBe('not-found');
    expect(await reads.getBucketVersioning(SOURCE_BUCKET, 'source')).toEqual({
      status: 'ok',
      value: 'Enabled',
    });
  });
});

describe('the live service table', () => {
  it.each(Object.entries(LIVE_COMMANDS))(
    'loads %s with a command class for exactly its listed commands',
    async (name, commands) => {
      const live = await LIVE_SERVICES[name as keyof typeof LIVE_SERVICES]();
      expect(Object.keys(live.commands).sort()).toEqual([...commands].sort());
      for (const [command, commandClass] of Object.entries(live.commands))
        expect(commandClass.name).toBe(`${command}Command`);
    },
  );

  it('refuses a command outside the table before making any client', async () => {
    let made = 0;
    const caller = createLiveCaller({
      region: SOURCE_REGION,
      loaded: {
        IAM: {
          client: () => {
            made += 1;
            return { send: async () => ({}) };
          },
          commands: {},
        },
      },
    });

    await expect(caller.send('IAM', 'DeleteRole', {})).rejects.toBeInstanceOf(UnsupportedCallError);
    await expect(caller.send('SNS', 'Publish', {})).rejects.toBeInstanceOf(UnsupportedCallError);
    expect(made).toBe(0);
  });
});

describe('services given as loaded', () => {
  it('sends through the given service instead of loading its module', async () => {
    const sent: object[] = [];
    class HeadObjectCommand {
      constructor(readonly input: unknown) {}
    }
    const caller = createLiveCaller({
      region: SOURCE_REGION,
      loaded: {
        S3: {
          client: () => ({
            send: async (command: object) => {
              sent.push(command);
              return { ContentLength: 7 };
            },
          }),
          commands: { HeadObject: HeadObjectCommand },
        },
      },
    });

    const output = await caller.send('S3', 'HeadObject', { Bucket: SOURCE_BUCKET, Key: 'k' });

    expect(output).toEqual({ ContentLength: 7 });
    expect(sent).toEqual([new HeadObjectCommand({ Bucket: SOURCE_BUCKET, Key: 'k' })]);
    expect(s3.calls()).toHaveLength(0);
  });
});
