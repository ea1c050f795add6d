/**
 * The one seam under every AWS read: a call named as in the account-snapshot contract
 * (service and command as in the SDK v3, without the `Client`/`Command` suffix).
 * The live implementation sends it with the SDK; the replay implementation answers it from a snapshot.
 */

export const AWS_SERVICES = ['S3', 'IAM', 'KMS', 'STS', 'SNS', 'S3Control', 'Organizations'] as const;
export type AwsService = (typeof AWS_SERVICES)[number];

export interface AwsCallOptions {
  /** The region whose endpoint answers (a key's or a bucket's own region). Default: the caller's region. */
  region?: string;
  /** Whose credentials: the source account's, or the destination account's read role. Default: source. */
  side?: 'source' | 'destination';
}

export interface AwsCaller {
  /**
   * Resolves with the SDK v3 output object, or rejects with the SDK's (or an SDK-shaped) error:
   * `name` is the error code, `$metadata.httpStatusCode` the status.
   */
  send(
    service: AwsService,
    command: string,
    input: Record<string, unknown>,
    options?: AwsCallOptions,
  ): Promise<Record<string, unknown>>;
}
