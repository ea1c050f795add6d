/**
 * ACLs around a copy in place. A copy resets the object's ACL to private, so where the bucket has ACLs
 * enabled the grants are read first and resent as `x-amz-grant-*` headers.
 */
import {
  GetBucketOwnershipControlsCommand,
  GetObjectAclCommand,
  type Grant,
  type S3Client,
} from '@aws-sdk/client-s3';
import { readAwsErrorFields } from '../aws/sdk-error.js';
import { type RequestContext, sendPacedRaw, toCopyError } from './paced-send.js';
import { defaultPacer, type RequestPacer } from './pacing.js';

export interface GrantHeaders {
  GrantFullControl?: string;
  GrantRead?: string;
  GrantReadACP?: string;
  GrantWriteACP?: string;
}

export type ObjectGrants = { kind: 'grants'; grants: GrantHeaders; warnings: string[] } | { kind: 'denied' };

const HEADER_OF: Record<string, keyof GrantHeaders> = {
  FULL_CONTROL: 'GrantFullControl',
  READ: 'GrantRead',
  READ_ACP: 'GrantReadACP',
  WRITE_ACP: 'GrantWriteACP',
};

/** The object's grants as the request headers that recreate them. */
export async function readObjectGrants(
  s3: S3Client,
  context: RequestContext,
  input: { versionId?: string; expectedBucketOwner?: string },
): Promise<ObjectGrants> {
  const command = new GetObjectAclCommand({
    Bucket: context.bucket,
    Key: context.key,
    ...(input.versionId === undefined ? {} : { VersionId: input.versionId }),
    ...(input.expectedBucketOwner ? { ExpectedBucketOwner: input.expectedBucketOwner } : {}),
  });
  try {
    const output = await sendPacedRaw(context, 'GetObjectAcl', () => s3.send(command));
    return { kind: 'grants', ...grantHeaders(output.Grants ?? []) };
  } catch (error) {
    if (isDenied(error)) return { kind: 'denied' };
    throw toCopyError(context, 'GetObjectAcl', error);
  }
}

export function grantHeaders(grants: readonly Grant[]): { grants: GrantHeaders; warnings: string[] } {
  const lists: Partial<Record<keyof GrantHeaders, string[]>> = {};
  const warnings: string[] = [];
  for (const grant of grants) {
    const grantee = granteeOf(grant);
    const header = HEADER_OF[grant.Permission ?? ''];
    if (!grantee || !header) {
      warnings.push(`an ACL grant (${grant.Permission ?? 'no permission'}) cannot be resent and is dropped`);
      continue;
    }
    const list = lists[header] ?? [];
    if (!list.includes(grantee)) list.push(grantee);
    lists[header] = list;
  }
  const headers: GrantHeaders = {};
  for (const [header, list] of Object.entries(lists) as [keyof GrantHeaders, string[]][]) {
    headers[header] = list.join(', ');
  }
  return { grants: headers, warnings };
}

function granteeOf(grant: Grant): string | undefined {
  const grantee = grant.Grantee;
  if (!grantee) return undefined;
  if (grantee.ID) return `id="${grantee.ID}"`;
  if (grantee.URI) return `uri="${grantee.URI}"`;
  if (grantee.EmailAddress) return `emailAddress="${grantee.EmailAddress}"`;
  return undefined;
}

/**
 * Whether the bucket has ACLs enabled, from its Object Ownership setting: `BucketOwnerEnforced` disables
 * them. A bucket with no ownership controls is a legacy one, where ACLs apply. When the setting cannot be
 * read, ACLs are assumed enabled: the object's ACL is then read, and a copy that could drop grants is refused
 * if that read is denied too. Make this call once per bucket and cache it.
 */
export async function readBucketAclsEnabled(
  s3: S3Client,
  bucket: string,
  options: { expectedBucketOwner?: string; pacer?: RequestPacer } = {},
): Promise<boolean> {
  const context: RequestContext = {
    bucket,
    key: '',
    pacer: options.pacer ?? defaultPacer(),
    counter: { requests: 0 },
  };
  const command = new GetBucketOwnershipControlsCommand({
    Bucket: bucket,
    ...(options.expectedBucketOwner ? { ExpectedBucketOwner: options.expectedBucketOwner } : {}),
  });
  try {
    const output = await sendPacedRaw(context, 'GetBucketOwnershipControls', () => s3.send(command));
    const rules = output.OwnershipControls?.Rules ?? [];
    return !rules.some((rule) => rule.ObjectOwnership === 'BucketOwnerEnforced');
  } catch (error) {
    const { name } = readAwsErrorFields(error);
    if (name === 'OwnershipControlsNotFoundError' || isDenied(error)) return true;
    throw toCopyError(context, 'GetBucketOwnershipControls', error);
  }
}

function isDenied(error: unknown): boolean {
  const { name, httpStatusCode } = readAwsErrorFields(error);
  return name === 'AccessDenied' || httpStatusCode === 403;
}
