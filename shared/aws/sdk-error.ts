/**
 * Errors shaped like the SDK v3's service exceptions (`name` = error code, `$metadata.httpStatusCode`,
 * `$fault`), and reading those fields back from whatever a caller threw.
 */

export interface AwsErrorFields {
  name: string;
  message: string;
  httpStatusCode?: number;
}

export interface SdkShapedError extends Error {
  $metadata: { httpStatusCode?: number };
  $fault: 'client' | 'server';
}

export function createSdkError(fields: AwsErrorFields): SdkShapedError {
  const error = new Error(fields.message) as SdkShapedError;
  error.name = fields.name;
  error.$metadata = fields.httpStatusCode === undefined ? {} : { httpStatusCode: fields.httpStatusCode };
  error.$fault = fields.httpStatusCode !== undefined && fields.httpStatusCode >= 500 ? 'server' : 'client';
  return error;
}

/**
 * The code, message and status of a thrown value. Node network errors carry their code in `code`
 * (`ECONNRESET`) with a generic `name`, so the code wins when it looks like one.
 */
export function readAwsErrorFields(error: unknown): AwsErrorFields {
  if (typeof error !== 'object' || error === null) return { name: 'Error', message: String(error) };
  const record = error as Record<string, unknown>;
  const code = typeof record.code === 'string' && /^E[A-Z0-9_]+$/.test(record.code) ? record.code : undefined;
  const name = code ?? (typeof record.name === 'string' && record.name ? record.name : 'Error');
  const message = typeof record.message === 'string' ? record.message : '';
  const status = readStatus(record);
  return { name, message, ...(status === undefined ? {} : { httpStatusCode: status }) };
}

function readStatus(record: Record<string, unknown>): number | undefined {
  const metadata = record.$metadata;
  if (typeof metadata === 'object' && metadata !== null) {
    const status = (metadata as Record<string, unknown>).httpStatusCode;
    if (typeof status === 'number') return status;
  }
  const response = record.$response;
  if (typeof response === 'object' && response !== null) {
    const status = (response as Record<string, unknown>).statusCode;
    if (typeof status === 'number') return status;
  }
  return undefined;
}

/** Whether the SDK itself marked the error as retryable or a server fault. */
export function isMarkedRetryable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const record = error as Record<string, unknown>;
  return record.$fault === 'server' || (typeof record.$retryable === 'object' && record.$retryable !== null);
}
