/**
 * The live gateway: sends each call with the SDK v3, through one client per (service, region, side), made
 * on first use and reused while the process is warm. A service's SDK module is loaded on its first call too
 * (see live-commands.ts). Destination-side calls use the destination read role.
 */
import { createAssumeRoleCredentials } from './assume-role-credentials.js';
import type { AwsCaller } from './caller.js';
import {
  type ClientConfig,
  isLiveService,
  LIVE_COMMANDS,
  LIVE_SERVICES,
  type LiveService,
  type LiveServiceName,
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
  /**
   * Services already loaded, for a function that reads them on every invocation (the diagnose function and
   * S3): they then load with the function instead of on the first call. Others load on first use.
   */
  loaded?: Partial<Record<LiveServiceName, LiveService>>;
}

/** A call the live gateway has no SDK command for (a programming error, not an AWS answer). */
export class UnsupportedCallError extends Error {
  override readonly name = 'UnsupportedCallError';
}

type AssumeRoleSender = Parameters<typeof createAssumeRoleCredentials>[0]['assumeRole'];

interface LiveClient {
  client: SendingClient;
  commands: LiveService['commands'];
}

export function createLiveCaller(options: LiveCallerOptions): AwsCaller {
  const maxAttempts = options.maxAttempts ?? 1;
  const clients = new Map<string, Promise<LiveClient>>();

  const baseConfig = (region: string): ClientConfig => ({
    region,
    maxAttempts,
    ...(options.credentials ? { credentials: options.credentials } : {}),
  });

  let assumeRole: Promise<AssumeRoleSender> | undefined;
  const destinationCredentials = options.destinationRoleArn
    ? createAssumeRoleCredentials({
        async assumeRole(input) {
          assumeRole ??= import('./live/sts.js').then((sts) =>
            sts.assumeRoleSender(baseConfig(options.region)),
          );
          return (await assumeRole)(input);
        },
        roleArn: options.destinationRoleArn,
        sessionName: options.roleSessionName ?? 's3-replication-doctor',
        ...(options.destinationExternalId ? { externalId: options.destinationExternalId } : {}),
      })
    : undefined;

  function clientFor(service: LiveServiceName, region: string, destination: boolean): Promise<LiveClient> {
    const key = `${service}|${region}|${destination ? 'destination' : 'source'}`;
    let client = clients.get(key);
    if (!client) {
      const config = baseConfig(region);
      const preloaded = options.loaded?.[service];
      client = (preloaded ? Promise.resolve(preloaded) : LIVE_SERVICES[service]()).then((live) => ({
        client: live.client(
          destination && destinationCredentials ? { ...config, credentials: destinationCredentials } : config,
        ),
        commands: live.commands,
      }));
      // A module that failed to load is not kept: the next call tries again.
      client.catch(() => clients.delete(key));
      clients.set(key, client);
    }
    return client;
  }

  return {
    async send(service, command, input, callOptions) {
      if (!isLiveService(service) || !(LIVE_COMMANDS[service] as readonly string[]).includes(command))
        throw new UnsupportedCallError(`the live gateway cannot send ${service} ${command}`);
      // Without a destination role, destination reads use the source credentials and share its clients.
      const destination = callOptions?.side === 'destination' && destinationCredentials !== undefined;
      const live = await clientFor(service, callOptions?.region ?? options.region, destination);
      const Command = live.commands[command];
      if (!Command) throw new UnsupportedCallError(`the live gateway cannot send ${service} ${command}`);
      return (await live.client.send(new Command(input as never))) as Record<string, unknown>;
    },
  };
}
