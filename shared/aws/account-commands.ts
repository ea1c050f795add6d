/**
 * The live gateway plus the two account-wide S3 reads only the audit makes. They are kept out of the
 * shared command table on purpose: that table is what every diagnosing function's role must be allowed
 * to call, and `s3:ListAllMyBuckets` belongs to the audit alone.
 */
import { GetBucketNotificationConfigurationCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import type { AwsCaller } from './caller.js';

export function withAccountCommands(caller: AwsCaller, region: string): AwsCaller {
  const clients = new Map<string, S3Client>();
  const clientFor = (callRegion: string): S3Client => {
    let client = clients.get(callRegion);
    if (!client) {
      client = new S3Client({ region: callRegion, maxAttempts: 1, followRegionRedirects: true });
      clients.set(callRegion, client);
    }
    return client;
  };
  return {
    async send(service, command, input, options) {
      if (service === 'S3' && command === 'ListBuckets') {
        const token = typeof input.ContinuationToken === 'string' ? input.ContinuationToken : undefined;
        return (await clientFor(options?.region ?? region).send(
          new ListBucketsCommand({ MaxBuckets: 1000, ...(token ? { ContinuationToken: token } : {}) }),
        )) as unknown as Record<string, unknown>;
      }
      if (service === 'S3' && command === 'GetBucketNotificationConfiguration') {
        return (await clientFor(options?.region ?? region).send(
          new GetBucketNotificationConfigurationCommand({ Bucket: String(input.Bucket) }),
        )) as unknown as Record<string, unknown>;
      }
      return caller.send(service, command, input, options);
    },
  };
}
