/**
 * Output fields the SDK v3 gives as `Date` (S3, IAM, KMS, STS, Organizations models). A snapshot stores them as
 * ISO strings; replay turns them back so replayed outputs have the live types.
 * `Expiration` is left out on purpose: it is a `Date` in STS and IAM but a string header in S3 `HeadObject`.
 */
export const SDK_DATE_FIELDS: ReadonlySet<string> = new Set([
  'AbortDate',
  'CompletedTimestamp',
  'CreateDate',
  'CreateTimestamp',
  'CreationDate',
  'Date',
  'DateEnabled',
  'DelegationEnabledDate',
  'DeletionDate',
  'EnableDate',
  'EndTimestamp',
  'EvaluationTimestamp',
  'ExpirationDate',
  'ExpirationTime',
  'ExpirationTimestamp',
  'Expires',
  'GeneratedTime',
  'Initiated',
  'JobCompletionDate',
  'JoinedTimestamp',
  'KeyCreationDate',
  'LastAccessedTime',
  'LastAuthenticated',
  'LastAuthenticatedTime',
  'LastModified',
  'LastModifiedTime',
  'LastUpdatedDate',
  'LastUpdatedTimestamp',
  'LastUsedDate',
  'NextRotationDate',
  'ObjectLockRetainUntilDate',
  'OnDemandRotationStartDate',
  'ParametersValidTo',
  'PasswordLastUsed',
  'RequestedTimestamp',
  'RestoreExpiryDate',
  'RetainUntilDate',
  'RotationDate',
  'StartTimestamp',
  'Timestamp',
  'TrackingStartDate',
  'UpdateDate',
  'UpdateTimestamp',
  'UpdatedTime',
  'UploadDate',
  'ValidTo',
  'ValidUntil',
]);

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** A copy of a recorded output with ISO strings in known date fields turned into `Date`s, at any depth. */
export function reviveDates<T>(value: T): T {
  return revive(value, undefined) as T;
}

function revive(value: unknown, field: string | undefined): unknown {
  if (typeof value === 'string') {
    if (field !== undefined && SDK_DATE_FIELDS.has(field) && ISO_TIMESTAMP.test(value)) {
      const date = new Date(value);
      return Number.isNaN(date.getTime()) ? value : date;
    }
    return value;
  }
  if (Array.isArray(value)) return value.map((item) => revive(item, undefined));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, revive(item, key)]));
  }
  return value;
}

/** A date field as the domain shapes carry it: an ISO string. */
export function toIsoString(value: unknown): string | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  return typeof value === 'string' ? value : undefined;
}
