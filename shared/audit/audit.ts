/**
 * Audit before failure: every rule of every audited bucket is diagnosed as if a plain object, an SSE-KMS
 * object, a tagged object and a delete marker had just failed to replicate, with the unknown-reason plan
 * (every check). The diagnosis engine is reused as is; only the object is synthetic.
 */
import { bucketNameOf } from '../diagnosis/arns.js';
import { diagnose } from '../diagnosis/diagnose.js';
import type { DiagnosisReads, ReplicationConfiguration, ReplicationRule } from '../diagnosis/reads.js';
import type { Diagnosis } from '../diagnosis/types.js';
import { decide } from '../diagnosis/verdict.js';
import type { ReplicationFailure } from '../events/types.js';
import type { AccountReads } from './account-reads.js';
import { ruleGaps } from './gaps.js';
import { probeReads } from './probe-reads.js';
import { type ProbeSpec, probeKey, probesFor } from './probes.js';
import { auditProblems } from './problems.js';
import type { AuditReport, BucketAudit, ProbeResult, RuleAudit, RuleStatus } from './types.js';

export interface AuditOptions {
  reads: DiagnosisReads;
  account: AccountReads;
  /** Audit these buckets; without, every bucket ListBuckets returns. */
  buckets?: readonly string[];
  /** The intake queue whose notification makes a bucket enrolled; without, any queue counts. */
  queueArn?: string;
  /** The source region when a bucket's own cannot be read. */
  region?: string;
  now?: () => Date;
  /** Buckets audited at once (default 4): each one's probes already read concurrently. */
  concurrency?: number;
}

/** Thrown when there is nothing to audit because the bucket list itself could not be read. */
export class AuditListError extends Error {
  override readonly name = 'AuditListError';
}

const NO_SOURCE_KEY = 'HeadObject says aws:kms but names no SSEKMSKeyId';

function syntheticFailure(
  bucket: string,
  region: string,
  rule: ReplicationRule,
  at: string,
): ReplicationFailure {
  const key = probeKey(rule);
  const destinationBucket = bucketNameOf(rule.Destination.Bucket);
  return {
    eventName: 'Replication:OperationFailedReplication',
    eventVersion: '2.2',
    eventTime: at,
    awsRegion: region,
    sourceBucket: bucket,
    key,
    rawKey: encodeURIComponent(key),
    ruleId: rule.ID ?? '',
    destinationBucket,
    destinationBucketArn: `arn:aws:s3:::${destinationBucket}`,
  };
}

/**
 * A disabled rule is reported once, as a gap, not by every probe; an SSE-KMS probe whose source key cannot
 * be known is not inconclusive for that alone. The verdict is decided again on what remains.
 */
function settleProbe(diagnosis: Diagnosis, spec: ProbeSpec): Diagnosis {
  const causes = diagnosis.causes.filter((cause) => cause.problem !== 'rule-disabled');
  const inconclusive = spec.sourceKeyUnknown
    ? diagnosis.inconclusive.filter(
        (item) => !(item.check === 'source-kms-key' && item.why === NO_SOURCE_KEY),
      )
    : diagnosis.inconclusive;
  const notes = [...spec.notes, ...(diagnosis.notes ?? [])];
  return {
    ...diagnosis,
    causes,
    inconclusive,
    ...decide(causes, inconclusive),
    ...(notes.length > 0 ? { notes } : {}),
  };
}

function statusOf(probes: ProbeResult[], gaps: number, unverified: number): RuleStatus {
  if (gaps > 0 || probes.some((probe) => probe.diagnosis.causes.length > 0)) return 'problems';
  if (unverified > 0 || probes.some((probe) => probe.diagnosis.verdict === 'inconclusive'))
    return 'inconclusive';
  return 'healthy';
}

interface BucketFacts {
  bucket: string;
  region: string;
  config: ReplicationConfiguration;
  ownerId?: string;
  encryption: Awaited<ReturnType<DiagnosisReads['getBucketEncryption']>>;
  notifications: Awaited<ReturnType<AccountReads['getBucketNotificationConfiguration']>>;
}

async function auditRule(
  facts: BucketFacts,
  rule: ReplicationRule,
  reads: DiagnosisReads,
  options: { queueArn?: string; at: string },
): Promise<RuleAudit> {
  const { bucket } = facts;
  const failure = syntheticFailure(bucket, facts.region, rule, options.at);
  const encryption = facts.encryption.status === 'ok' ? facts.encryption.value : undefined;
  const specs = probesFor(rule, encryption);
  const probes = await Promise.all(
    specs.map(async (spec): Promise<ProbeResult> => {
      const object = { bucket, key: failure.key, spec, ...(facts.ownerId ? { ownerId: facts.ownerId } : {}) };
      const diagnosis = await diagnose(failure, probeReads(reads, object));
      return { probe: spec.probe, diagnosis: settleProbe(diagnosis, spec) };
    }),
  );
  const found = ruleGaps(bucket, failure.ruleId, rule, facts.notifications, options.queueArn);
  const notes = [...found.notes];
  if (facts.encryption.status !== 'ok')
    notes.push(
      `The source bucket's default encryption could not be read (${facts.encryption.error}); the SSE-KMS probe ran only if the rule opts in.`,
    );
  return {
    ruleId: failure.ruleId,
    destinationBucket: failure.destinationBucket,
    status: statusOf(probes, found.gaps.length, found.unverified.length),
    probes,
    gaps: found.gaps,
    unverified: found.unverified,
    notes,
  };
}

async function auditBucket(
  bucket: string,
  options: AuditOptions & { at: string },
  alwaysReport: boolean,
): Promise<BucketAudit | undefined> {
  const { reads } = options;
  const replication = await reads.getBucketReplication(bucket);
  switch (replication.status) {
    case 'denied':
      return {
        bucket,
        status: 'unreadable',
        why: `its replication configuration could not be read (${replication.error})`,
        rules: [],
      };
    case 'not-found':
      return {
        bucket,
        status: 'not-found',
        why: `the bucket does not exist (${replication.error})`,
        rules: [],
      };
    case 'ok':
      break;
    default: {
      const unhandled: never = replication;
      throw new TypeError(`unhandled read ${JSON.stringify(unhandled)}`);
    }
  }
  const config = replication.value;
  if (config === null) {
    return alwaysReport
      ? { bucket, status: 'not-replicated', why: 'the bucket has no replication configuration', rules: [] }
      : undefined;
  }
  const [region, encryption, acl, notifications] = await Promise.all([
    reads.getBucketRegion(bucket, 'source'),
    reads.getBucketEncryption(bucket, 'source'),
    reads.getBucketAcl ? reads.getBucketAcl(bucket, 'source') : undefined,
    options.account.getBucketNotificationConfiguration(bucket),
  ]);
  const ownerId = acl?.status === 'ok' ? acl.value.Owner?.ID : undefined;
  const facts: BucketFacts = {
    bucket,
    region: region.status === 'ok' ? region.value : (options.region ?? 'us-east-1'),
    config,
    ...(ownerId ? { ownerId } : {}),
    encryption,
    notifications,
  };
  const rules: RuleAudit[] = [];
  // Rule by rule: the rules of one bucket share the role and the destination, so later rules hit the cache.
  for (const rule of config.Rules ?? []) {
    rules.push(
      await auditRule(facts, rule, reads, {
        ...(options.queueArn ? { queueArn: options.queueArn } : {}),
        at: options.at,
      }),
    );
  }
  return { bucket, status: 'replicated', rules };
}

async function mapPooled<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

export async function auditAccount(options: AuditOptions): Promise<AuditReport> {
  const at = (options.now ?? (() => new Date()))().toISOString();
  const named = options.buckets !== undefined && options.buckets.length > 0;
  let names: readonly string[];
  if (named) names = [...new Set(options.buckets)];
  else {
    const listed = await options.account.listBuckets();
    if (listed.status !== 'ok')
      throw new AuditListError(`cannot list the account's buckets: ${listed.error}`);
    names = listed.value;
  }
  const audited = await mapPooled(names, options.concurrency ?? 4, (bucket) =>
    auditBucket(bucket, { ...options, at }, named),
  );
  const buckets = audited.filter((bucket): bucket is BucketAudit => bucket !== undefined);
  const scope = named ? 'named' : 'account';
  const reported = new Set(buckets.map((bucket) => bucket.bucket));
  const report: AuditReport = {
    auditedAt: at,
    scope,
    ...(options.queueArn ? { queueArn: options.queueArn } : {}),
    buckets,
    skippedBuckets: names.filter((name) => !reported.has(name)),
    problems: 0,
    inconclusive:
      buckets.filter((bucket) => bucket.status === 'unreadable').length +
      buckets.flatMap((bucket) => bucket.rules).filter((rule) => rule.status === 'inconclusive').length,
  };
  report.problems = auditProblems(report).length;
  return report;
}
