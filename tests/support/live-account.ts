/**
 * Stands in for a live AWS account: every SDK client the live gateway creates is mocked, and each command
 * is answered from an account snapshot's recorded calls, exactly as the replay would answer it. Code that
 * talks to "live AWS" (the CLI without --snapshot, the snapshot recorder) then runs unchanged, offline.
 */
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { GetBucketNotificationConfigurationCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import type { AwsService } from '../../shared/aws/caller.js';
import { createReplayCaller, type Snapshot } from '../../shared/aws/index.js';
import { service as iamService } from '../../shared/aws/live/iam.js';
import { service as kmsService } from '../../shared/aws/live/kms.js';
import { service as organizationsService } from '../../shared/aws/live/organizations.js';
import { service as s3Service } from '../../shared/aws/live/s3.js';
import { service as stsService } from '../../shared/aws/live/sts.js';
import type { LiveService } from '../../shared/aws/live-commands.js';

type AnyStub = ReturnType<typeof mockClient>;

/** Mocks the live clients from `snapshot`; call the returned function to restore them. */
export function mockLiveAccount(snapshot: Snapshot): () => void {
  const replay = createReplayCaller(snapshot);
  const stubs: AnyStub[] = [];
  const clients: [AwsService, Parameters<typeof mockClient>[0], LiveService][] = [
    ['S3', S3Client, s3Service],
    ['IAM', IAMClient, iamService],
    ['KMS', KMSClient, kmsService],
    ['STS', STSClient, stsService],
    ['Organizations', OrganizationsClient, organizationsService],
  ];
  for (const [service, client, live] of clients) {
    const stub = mockClient(client) as unknown as AnyStub;
    stubs.push(stub);
    const answer = (command: string, commandClass: unknown) =>
      stub
        .on(commandClass as Parameters<AnyStub['on']>[0])
        .callsFake((input: Record<string, unknown>) => replay.send(service, command, input));
    for (const [command, commandClass] of Object.entries(live.commands)) answer(command, commandClass);
    if (service === 'S3') {
      // The audit's account-wide reads, outside the shared command table.
      answer('ListBuckets', ListBucketsCommand);
      answer('GetBucketNotificationConfiguration', GetBucketNotificationConfigurationCommand);
    }
  }
  return () => {
    for (const stub of stubs) stub.restore();
  };
}
