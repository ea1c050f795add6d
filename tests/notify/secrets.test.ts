import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createSecretResolver, parseSecretRef, SecretError } from '../../shared/notify/secrets.js';

const ssmMock = mockClient(SSMClient);
const secretsMock = mockClient(SecretsManagerClient);
const TOKEN = 'xoxb-PLANTED-SECRET-VALUE';

function resolver(ttlMs = 60_000, now = () => 0) {
  return createSecretResolver({
    ssm: new SSMClient({ region: 'us-east-1' }),
    secretsManager: new SecretsManagerClient({ region: 'us-east-1' }),
    ttlMs,
    now,
  });
}

async function caught(promise: Promise<unknown>): Promise<SecretError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error instanceof SecretError) return error;
  throw new Error(`expected a SecretError, got ${String(error)}`);
}

function sdkError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

beforeEach(() => {
  ssmMock.reset();
  secretsMock.reset();
});

describe('resolving secrets by reference', () => {
  it('reads an SSM SecureString with decryption', async () => {
    ssmMock
      .on(GetParameterCommand, { Name: '/replication-doctor/slack-bot-token', WithDecryption: true })
      .resolves({
        Parameter: { Name: '/replication-doctor/slack-bot-token', Type: 'SecureString', Value: TOKEN },
      });

    expect(await resolver().resolve('ssm:/replication-doctor/slack-bot-token')).toBe(TOKEN);
  });

  it('refuses an SSM String parameter: secrets must be SecureString', async () => {
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Name: '/x', Type: 'String', Value: TOKEN } });

    const error = await caught(resolver().resolve('ssm:/x'));

    expect(error.message).toBe('secret ssm:/x: is a String parameter; secrets must be SecureString');
  });

  it('reads a Secrets Manager SecretString', async () => {
    secretsMock.on(GetSecretValueCommand, { SecretId: 'replication-doctor/slack-webhook' }).resolves({
      SecretString: 'https://hooks.slack.com/services/T0/B0/PLANTED',
    });

    expect(await resolver().resolve('secretsmanager:replication-doctor/slack-webhook')).toBe(
      'https://hooks.slack.com/services/T0/B0/PLANTED',
    );
  });

  it('reads one field of a JSON secret, by name or by ARN', async () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:replication-doctor/slack-AbCdEf';
    secretsMock.on(GetSecretValueCommand, { SecretId: arn }).resolves({
      SecretString: JSON.stringify({ botToken: TOKEN, webhookUrl: 'https://hooks.example/x' }),
    });

    expect(await resolver().resolve(`secretsmanager:${arn}#botToken`)).toBe(TOKEN);
    expect(await resolver().resolve(`secretsmanager:${arn}#webhookUrl`)).toBe('https://hooks.example/x');
  });

  it('reuses a value within the TTL and reads again after it', async () => {
    let now = 0;
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Type: 'SecureString', Value: TOKEN } });
    const secrets = resolver(1_000, () => now);

    await Promise.all([secrets.resolve('ssm:/t'), secrets.resolve('ssm:/t')]);
    now = 999;
    await secrets.resolve('ssm:/t');
    expect(ssmMock.commandCalls(GetParameterCommand)).toHaveLength(1);

    now = 1_001;
    await secrets.resolve('ssm:/t');
    expect(ssmMock.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  it('does not cache a failed read', async () => {
    ssmMock
      .on(GetParameterCommand)
      .rejectsOnce(sdkError('ThrottlingException', 'Rate exceeded'))
      .resolves({ Parameter: { Type: 'SecureString', Value: TOKEN } });
    const secrets = resolver();

    await expect(secrets.resolve('ssm:/t')).rejects.toBeInstanceOf(SecretError);
    expect(await secrets.resolve('ssm:/t')).toBe(TOKEN);
  });
});

describe('secret errors name the reference, never the value', () => {
  it('rejects a bare value (a secret pasted into an environment variable) without echoing it', () => {
    const error = (() => {
      try {
        parseSecretRef(TOKEN);
      } catch (e) {
        return e as SecretError;
      }
      throw new Error('expected a SecretError');
    })();

    expect(error).toBeInstanceOf(SecretError);
    expect(error.message).not.toContain('PLANTED');
    expect(error.ref).not.toContain('PLANTED');
    expect(error.message).toContain('secrets must not be set as plain values');
  });

  it('names the reference when SSM has no such parameter, with the SDK error as cause', async () => {
    const notFound = sdkError('ParameterNotFound', 'Parameter /missing not found.');
    ssmMock.on(GetParameterCommand).rejects(notFound);

    const error = await caught(resolver().resolve('ssm:/missing'));

    expect(error.message).toBe('secret ssm:/missing: SSM GetParameter failed (ParameterNotFound)');
    expect(error.ref).toBe('ssm:/missing');
    expect(error.cause).toBe(notFound);
  });

  it('names the reference when Secrets Manager denies access', async () => {
    secretsMock.on(GetSecretValueCommand).rejects(sdkError('AccessDeniedException', 'not authorized'));

    const error = await caught(resolver().resolve('secretsmanager:slack'));

    expect(error.message).toBe(
      'secret secretsmanager:slack: Secrets Manager GetSecretValue failed (AccessDeniedException)',
    );
  });

  it('does not quote the secret when it is not JSON but a field was asked for', async () => {
    secretsMock.on(GetSecretValueCommand).resolves({ SecretString: TOKEN });

    const error = await caught(resolver().resolve('secretsmanager:slack#botToken'));

    const everything = `${error.message} ${error.stack} ${String(error.cause ?? '')} ${JSON.stringify(error)}`;
    expect(everything).not.toContain('PLANTED');
    expect(error.message).toBe(
      'secret secretsmanager:slack#botToken: the secret is not a JSON object, so it has no field',
    );
  });

  it('names a missing field without listing the fields that exist or their values', async () => {
    secretsMock.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ other: TOKEN }) });

    const error = await caught(resolver().resolve('secretsmanager:slack#botToken'));

    expect(error.message).toBe(
      'secret secretsmanager:slack#botToken: the secret has no non-empty string field "botToken"',
    );
    expect(error.message).not.toContain('PLANTED');
  });

  it('rejects a binary-only secret and empty references', async () => {
    secretsMock.on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array([1, 2]) });

    expect((await caught(resolver().resolve('secretsmanager:bin'))).message).toContain('no SecretString');
    expect(() => parseSecretRef('ssm:')).toThrow(SecretError);
    expect(() => parseSecretRef('secretsmanager:')).toThrow(SecretError);
    expect(() => parseSecretRef('secretsmanager:x#')).toThrow(SecretError);
  });
});
