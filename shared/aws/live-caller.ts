/**
 * The live gateway: sends each call with the SDK v3, through one client per (service, region, side), made
 * on first use and reused while the process is warm. Destination-side calls use the destination read role.
 */
import { STSClient } from '@aws-sdk/client-sts';
import { createAssumeRoleCredentials } from './assume-role-credentials.js';
import type { AwsCaller, AwsService } from './caller.js';
import {
  type ClientConfig,
  LIVE_CLIENTS,
  LIVE_COMMANDS,
  type S3ClientCredentials,
  type SendingClient,
} from './live-commands.js';

export interface LiveCallerOptions {
  /** The region of calls that name none (the diagnoser's, usually the source bucket's). */
  region: string;
  /** A role in the destination account to read its buckets and keys; without it, source credentials are used. */
  destinationRoleArn?: string;
  destinationExternalId?: string;
  /**
   * SDK attempts per call. Default 1: `createReads` retries transient errors itself, with backoff, and
   * SDK retries underneath would multiply the attempts.
   */
  maxAttempts?: number;
  /** Source-account credentials; default: the SDK's standard chain (environment, profile, Lambda role). */
  credentials?: S3ClientCredentials;
  /** Session name for the destination role, visible in the destination account's CloudTrail. */
  roleSessionName?: string;
}

/** A call the live gateway has no SDK command for (a programming error, not an AWS answer). */
export class UnsupportedCallError extends Error {
  override readonly name = 'UnsupportedCallError';
}

export function createLiveCaller(options: LiveCallerOptions): AwsCaller {
  const maxAttempts = options.maxAttempts ?? 1;
  const clients = new Map<string, SendingClient>();

  const baseConfig = (region: string): ClientConfig => ({
    region,
    maxAttempts,
    ...(options.credentials ? { credentials: options.credentials } : {}),
  });

  const destinationCredentials = options.destinationRoleArn
    ? createAssumeRoleCredentials({
        sts: new STSClient(baseConfig(options.region)),
        roleArn: options.destinationRoleArn,
        sessionName: options.roleSessionName ?? 's3-replication-doctor',
        ...(options.destinationExternalId ? { externalId: options.destinationExternalId } : {}),
      })
    : undefined;

  function clientFor(service: AwsService, region: string, destination: boolean): SendingClient {
    const key = `${service}|${region}|${destination ? 'destination' : 'source'}`;
    let client = clients.get(key);
    if (!client) {
      const create = LIVE_CLIENTS[service];
      if (!create) throw new UnsupportedCallError(`no live client for service ${service}`);
      const config = baseConfig(region);
      client = create(
        destination && destinationCredentials ? { ...config, credentials: destinationCredentials } : config,
      );
      clients.set(key, client);
    }
    return client;
  }

  return {
    async send(service, command, input, callOptions) {
      const Command = LIVE_COMMANDS[service]?.[command];
      if (!Command) throw new UnsupportedCallError(`the live gateway cannot send ${service} ${command}`);
      // Without a destination role, destination reads use the source credentials and share its clients.
      const destination = callOptions?.side === 'destination' && destinationCredentials !== undefined;
      const client = clientFor(service, callOptions?.region ?? options.region, destination);
      return (await client.send(new Command(input as never))) as Record<string, unknown>;
    },
  };
}
