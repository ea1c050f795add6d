/**
 * Credentials for the destination account: STS AssumeRole on the read role there, kept until shortly before
 * they expire and shared by every destination client (one AssumeRole per session, not per read).
 */
import type { AssumeRoleRequest, AssumeRoleResponse } from '@aws-sdk/client-sts';

export interface AssumedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration?: Date;
}

export interface AssumeRoleOptions {
  /** Sends STS AssumeRole (`assumeRoleSender` in live/sts.ts; a test may pass its own). */
  assumeRole(input: AssumeRoleRequest): Promise<AssumeRoleResponse>;
  roleArn: string;
  externalId?: string;
  sessionName: string;
  /** Renew this long before expiry. */
  refreshBeforeMs?: number;
  now?: () => number;
}

/** The destination role cannot be assumed, or STS answered without credentials. */
export class AssumeRoleError extends Error {
  override readonly name = 'AssumeRoleError';
}

const FIVE_MINUTES = 5 * 60_000;

export function createAssumeRoleCredentials(options: AssumeRoleOptions): () => Promise<AssumedCredentials> {
  const now = options.now ?? Date.now;
  const refreshBefore = options.refreshBeforeMs ?? FIVE_MINUTES;
  let held: AssumedCredentials | undefined;
  let pending: Promise<AssumedCredentials> | undefined;

  const fresh = (credentials: AssumedCredentials): boolean =>
    credentials.expiration === undefined || credentials.expiration.getTime() - now() > refreshBefore;

  async function assume(): Promise<AssumedCredentials> {
    const output = await options.assumeRole({
      RoleArn: options.roleArn,
      RoleSessionName: options.sessionName,
      ...(options.externalId ? { ExternalId: options.externalId } : {}),
    });
    const credentials = output.Credentials;
    if (!credentials?.AccessKeyId || !credentials.SecretAccessKey || !credentials.SessionToken) {
      throw new AssumeRoleError(`AssumeRole on ${options.roleArn} answered without credentials`);
    }
    return {
      accessKeyId: credentials.AccessKeyId,
      secretAccessKey: credentials.SecretAccessKey,
      sessionToken: credentials.SessionToken,
      ...(credentials.Expiration ? { expiration: credentials.Expiration } : {}),
    };
  }

  return async () => {
    if (held && fresh(held)) return held;
    // Concurrent first reads share one AssumeRole; a failure is not kept, so the next read tries again.
    pending ??= assume()
      .then((credentials) => {
        held = credentials;
        return credentials;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
}
