/**
 * What a replication rule says, read the way S3 reads it (reference §5): V1 rules carry `Prefix` on the
 * rule and replicate delete markers by default; V2 rules carry `Filter` and replicate delete markers only
 * when `DeleteMarkerReplication` is enabled.
 */
import type { ObjectHead, ReplicationConfiguration, ReplicationRule } from './reads.js';

export function findRule(config: ReplicationConfiguration, ruleId: string): ReplicationRule | undefined {
  return (config.Rules ?? []).find((rule) => rule.ID === ruleId);
}

/** V2: a `Filter`, or the V2-only blocks (`DeleteMarkerReplication`, RTC). Anything else is the V1 schema. */
export function isV2Rule(rule: ReplicationRule): boolean {
  return (
    rule.Filter !== undefined ||
    rule.DeleteMarkerReplication !== undefined ||
    rule.Destination.ReplicationTime !== undefined
  );
}

export function replicatesDeleteMarkers(rule: ReplicationRule): boolean {
  return isV2Rule(rule) ? rule.DeleteMarkerReplication?.Status === 'Enabled' : true;
}

export function rulePrefix(rule: ReplicationRule): string {
  if (!isV2Rule(rule)) return rule.Prefix ?? '';
  return rule.Filter?.Prefix ?? rule.Filter?.And?.Prefix ?? '';
}

export function ruleTags(rule: ReplicationRule): { Key: string; Value: string }[] {
  const filter = rule.Filter;
  if (!filter) return [];
  if (filter.Tag) return [filter.Tag];
  return filter.And?.Tags ?? [];
}

export function ownerOverride(rule: ReplicationRule): boolean {
  return rule.Destination.AccessControlTranslation?.Owner === 'Destination';
}

export function replicaKmsKeyId(rule: ReplicationRule): string | undefined {
  const id = rule.Destination.EncryptionConfiguration?.ReplicaKmsKeyID;
  return id ? id : undefined;
}

export function replicatesSseKmsObjects(rule: ReplicationRule): boolean {
  return rule.SourceSelectionCriteria?.SseKmsEncryptedObjects?.Status === 'Enabled';
}

export const isKmsEncryption = (sse: string | undefined): boolean =>
  sse === 'aws:kms' || sse === 'aws:kms:dsse';

/** The object version itself carries Object Lock settings (retention mode or a legal hold). */
export const carriesObjectLock = (head: ObjectHead): boolean =>
  head.ObjectLockMode !== undefined || head.ObjectLockLegalHoldStatus === 'ON';
