/** What one AWS service gives the live gateway: a client factory and the commands it may send, by name. */
import type { S3Client } from '@aws-sdk/client-s3';

/** Any SDK v3 command class. Its input type is erased: the input comes as data and AWS validates it. */
export type CommandClass = new (input: never) => object;

/** Any SDK v3 client, seen through the one method the gateway uses. */
export interface SendingClient {
  send(command: object): Promise<unknown>;
}

export type S3ClientCredentials = NonNullable<ConstructorParameters<typeof S3Client>[0]>['credentials'];

export interface ClientConfig {
  region: string;
  maxAttempts: number;
  credentials?: S3ClientCredentials;
}

export interface LiveService {
  client(config: ClientConfig): SendingClient;
  commands: Readonly<Record<string, CommandClass>>;
}
