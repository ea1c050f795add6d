/** ARN helpers for the few shapes a diagnosis names: buckets, objects, roles, KMS keys. */
import { parseArn } from '../aws/arn.js';

export const bucketArn = (bucket: string): string => `arn:aws:s3:::${bucket}`;
export const objectArn = (bucket: string, key: string): string => `arn:aws:s3:::${bucket}/${key}`;
/** The pattern a fix grants on: every object of the bucket. */
export const objectsArn = (bucket: string): string => `arn:aws:s3:::${bucket}/*`;

/** `arn:aws:iam::111122223333:role/path/name` → `name` (IAM APIs take the name without the path). */
export function roleNameFromArn(roleArn: string): string {
  const resource = parseArn(roleArn)?.resource ?? roleArn;
  const segments = resource.split('/');
  return segments[segments.length - 1] ?? resource;
}

export function accountOf(arn: string): string | undefined {
  const account = parseArn(arn)?.account;
  return account ? account : undefined;
}

export function regionOf(arn: string): string | undefined {
  const region = parseArn(arn)?.region;
  return region ? region : undefined;
}

/** A bucket ARN (`arn:aws:s3:::name`) or a bare name → the name. */
export function bucketNameOf(value: string): string {
  return value.startsWith('arn:') ? (parseArn(value)?.resource ?? value) : value;
}
