/**
 * The deploy-time enrolment of the buckets named in the stack's parameters, as a CloudFormation custom
 * resource. Every request gets an answer (SUCCESS or FAILED with the reason): a custom resource that never
 * answers leaves the stack waiting for an hour.
 *
 * Replication metrics stay on when a bucket leaves (Update without it, or Delete): CloudFormation hands a
 * Delete only the resource's properties, not the data an earlier answer returned, so the resource cannot
 * know which rules it changed. `MetricsEnabledByUs` in the answer's data (JSON: bucket → changes) lists them;
 * the CLI's `unenroll --bucket B --rules-enabled-by-us '<that bucket's JSON>'` turns them off exactly.
 */

import type { S3Client } from '@aws-sdk/client-s3';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { CustomResourceResponseError, EnrolRefusedError, EnrolS3Error } from './errors.js';
import { enrolBucket, unenrolBucket } from './execute.js';
import type { MetricsChange } from './types.js';

/** Stable, so an Update never looks like a replacement (which would make CloudFormation Delete the old one). */
export const PHYSICAL_RESOURCE_ID = 's3-replication-doctor-enrolment';

// CloudFormation refuses response bodies over 4 KB.
const MAX_RESPONSE_BYTES = 4096;
const MAX_REASON_CHARS = 1000;
const DEFAULT_RESPONSE_TIMEOUT_MS = 10_000;
// Time kept back from the Lambda timeout to answer FAILED before the function is stopped.
const ANSWER_RESERVE_MS = 5_000;

export interface CustomResourceResponse {
  Status: 'SUCCESS' | 'FAILED';
  Reason?: string;
  PhysicalResourceId: string;
  StackId: string;
  RequestId: string;
  LogicalResourceId: string;
  Data?: Record<string, string>;
}

export interface EnrolmentResourceLog {
  info(message: string, fields: Record<string, unknown>): void;
  error(message: string, fields: Record<string, unknown>): void;
}

export interface EnrolmentResourceDeps {
  s3: S3Client;
  log?: EnrolmentResourceLog;
  fetch?: typeof fetch;
  responseTimeoutMs?: number;
  /** Lambda's `context.getRemainingTimeInMillis`; the answer goes out before it runs out. */
  remainingTimeMs?: () => number;
}

interface EnrolmentProperties {
  buckets: string[];
  queueArn?: string;
  notificationId?: string;
}

/** Handles one custom resource request and sends CloudFormation its answer; returns that answer. */
export async function handleEnrolmentResource(
  event: CloudFormationCustomResourceEvent,
  deps: EnrolmentResourceDeps,
): Promise<CustomResourceResponse> {
  let response: CustomResourceResponse;
  try {
    const data = await withDeadline((signal) => runRequest(event, deps, signal), deps.remainingTimeMs);
    response = answer(event, 'SUCCESS', data);
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    deps.log?.error('enrolment failed', { requestType: event.RequestType, reason });
    response = answer(event, 'FAILED', undefined, reason);
  }
  await sendResponse(event.ResponseURL, response, deps);
  return response;
}

async function runRequest(
  event: CloudFormationCustomResourceEvent,
  deps: EnrolmentResourceDeps,
  signal: AbortSignal,
): Promise<Record<string, string>> {
  const properties = readProperties(event.ResourceProperties);
  switch (event.RequestType) {
    case 'Create':
      return enrolAll(properties, deps, signal);
    case 'Update': {
      const old = readProperties(event.OldResourceProperties);
      const data = await enrolAll(properties, deps, signal);
      const removed = old.buckets.filter((bucket) => !properties.buckets.includes(bucket));
      await unenrolAll({ ...old, buckets: removed }, deps, signal);
      return data;
    }
    case 'Delete':
      await unenrolAll(properties, deps, signal);
      return { Buckets: '' };
    default: {
      const unknown: never = event;
      throw new Error(`unknown request type ${(unknown as { RequestType: string }).RequestType}`);
    }
  }
}

async function enrolAll(
  properties: EnrolmentProperties,
  deps: EnrolmentResourceDeps,
  signal: AbortSignal,
): Promise<Record<string, string>> {
  const { queueArn } = properties;
  if (!queueArn) throw new Error('QueueArn is missing from the resource properties');
  const metrics: Record<string, MetricsChange[]> = {};
  for (const bucket of properties.buckets) {
    signal.throwIfAborted();
    const outcome = await enrolBucket(
      deps.s3,
      bucket,
      { queueArn, ...(properties.notificationId ? { id: properties.notificationId } : {}) },
      { signal },
    );
    if (outcome.kind === 'refused') throw new EnrolRefusedError(bucket, outcome.plan.conflicts);
    deps.log?.info('bucket enrolled', {
      bucket,
      outcome: outcome.kind,
      changes: outcome.plan.changes,
      notes: outcome.plan.notes,
      metricsEnabledByUs: outcome.plan.metricsChanges,
    });
    if (outcome.plan.metricsChanges.length > 0) metrics[bucket] = outcome.plan.metricsChanges;
  }
  return { Buckets: properties.buckets.join(','), MetricsEnabledByUs: JSON.stringify(metrics) };
}

async function unenrolAll(
  properties: EnrolmentProperties,
  deps: EnrolmentResourceDeps,
  signal: AbortSignal,
): Promise<void> {
  if (properties.buckets.length === 0) return;
  const { queueArn } = properties;
  // Enrol refuses to run without a queue, so a resource that never had one enrolled nothing.
  if (!queueArn) {
    deps.log?.info('no QueueArn in the resource properties: nothing was enrolled', {});
    return;
  }
  for (const bucket of properties.buckets) {
    signal.throwIfAborted();
    try {
      const outcome = await unenrolBucket(
        deps.s3,
        bucket,
        { queueArn, ...(properties.notificationId ? { id: properties.notificationId } : {}) },
        { signal },
      );
      deps.log?.info('bucket unenrolled', { bucket, outcome: outcome.kind, changes: outcome.plan.changes });
    } catch (error) {
      // A bucket deleted before the stack has nothing left to undo.
      if (error instanceof EnrolS3Error && error.code === 'NoSuchBucket') {
        deps.log?.info('bucket no longer exists: nothing to unenrol', { bucket });
        continue;
      }
      throw error;
    }
  }
}

/** `Buckets` as a list or one comma-separated string (how a `--param` arrives); blanks and repeats dropped. */
function readProperties(raw: Record<string, unknown> | undefined): EnrolmentProperties {
  const value = raw?.Buckets;
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [];
  const buckets = [
    ...new Set(items.filter((item): item is string => typeof item === 'string').map((item) => item.trim())),
  ].filter(Boolean);
  const queueArn = typeof raw?.QueueArn === 'string' && raw.QueueArn ? raw.QueueArn : undefined;
  const notificationId =
    typeof raw?.NotificationId === 'string' && raw.NotificationId ? raw.NotificationId : undefined;
  return { buckets, ...(queueArn ? { queueArn } : {}), ...(notificationId ? { notificationId } : {}) };
}

function answer(
  event: CloudFormationCustomResourceEvent,
  status: CustomResourceResponse['Status'],
  data?: Record<string, string>,
  reason?: string,
): CustomResourceResponse {
  const response: CustomResourceResponse = {
    Status: status,
    PhysicalResourceId: PHYSICAL_RESOURCE_ID,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    ...(reason ? { Reason: clip(reason, MAX_REASON_CHARS) } : {}),
    ...(data ? { Data: data } : {}),
  };
  if (Buffer.byteLength(JSON.stringify(response)) > MAX_RESPONSE_BYTES && response.Data) {
    response.Data = {
      ...response.Data,
      MetricsEnabledByUs: 'too long for CloudFormation: see the function log',
    };
  }
  return response;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * Runs the work against the function's remaining time. At the deadline the answer is FAILED and the work's
 * signal is aborted, so nothing is written after CloudFormation was told it failed (a rollback may already
 * be undoing it).
 */
async function withDeadline<T>(
  work: (signal: AbortSignal) => Promise<T>,
  remainingTimeMs?: () => number,
): Promise<T> {
  const controller = new AbortController();
  if (!remainingTimeMs) return work(controller.signal);
  const budget = Math.max(0, remainingTimeMs() - ANSWER_RESERVE_MS);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`not finished within ${budget} ms of the function's time`);
      controller.abort(error);
      reject(error);
    }, budget);
  });
  const running = work(controller.signal);
  // Work that goes on after the deadline ends with the abort; that rejection is expected, not unhandled.
  running.catch(() => {});
  try {
    return await Promise.race([running, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * PUTs the answer to CloudFormation's presigned S3 URL. The signature covers an empty content type, so the
 * request must send exactly that.
 */
export async function sendResponse(
  url: string,
  response: CustomResourceResponse,
  deps: Pick<EnrolmentResourceDeps, 'fetch' | 'responseTimeoutMs'> = {},
): Promise<void> {
  const body = JSON.stringify(response);
  const send = deps.fetch ?? fetch;
  let status: number;
  try {
    const reply = await send(url, {
      method: 'PUT',
      headers: { 'content-type': '', 'content-length': String(Buffer.byteLength(body)) },
      body,
      signal: AbortSignal.timeout(deps.responseTimeoutMs ?? DEFAULT_RESPONSE_TIMEOUT_MS),
    });
    status = reply.status;
    await reply.arrayBuffer();
  } catch (error) {
    throw new CustomResourceResponseError('could not send the answer to CloudFormation', { cause: error });
  }
  if (status < 200 || status >= 300)
    throw new CustomResourceResponseError(`CloudFormation's response URL answered HTTP ${status}`);
}
