/**
 * The machine-readable form of a notification: SQS/Lambda/HTTP subscribers of the SNS topic and generic
 * webhooks receive it. Its shape is this project's contract for programs (`kind` + `version`).
 */
import type { Mode } from '../config.js';
import type { Action, Diagnosis, Inconclusive, Verdict } from '../diagnosis/types.js';
import { FULL, MAX_DIAGNOSES_IN_DOCUMENT, type RenderLimits } from './limits.js';
import type {
  AffectedObject,
  Notification,
  NotificationCause,
  PlannedCopy,
  Severity,
} from './notification.js';

export const NOTIFICATION_DOCUMENT_KIND = 's3-replication-doctor.notification';

export interface NotificationDocument {
  kind: typeof NOTIFICATION_DOCUMENT_KIND;
  version: 1;
  title: string;
  severity: Severity;
  verdict: Verdict;
  decision: Action;
  mode: Mode;
  modeLine: string;
  signature: string;
  sourceBucket: string;
  destinationBucket: string;
  ruleId: string;
  failureReasons: string[];
  causes: NotificationCause[];
  inconclusive: Inconclusive[];
  notes: string[];
  objectCount: number;
  objects: AffectedObject[];
  /** Objects not listed here to fit a size limit ("…and N more"). */
  omittedObjects: number;
  plannedCopies: PlannedCopy[];
  omittedPlannedCopies: number;
  /** A few diagnoses in full; they share the cause, so the rest differ only in `failure` (see `objects`). */
  diagnoses: Diagnosis[];
  omittedDiagnoses: number;
  /** True when evidence was left out of causes and diagnoses to fit a size limit. */
  evidenceOmitted: boolean;
}

function withoutEvidence(diagnosis: Diagnosis): Diagnosis {
  return {
    ...diagnosis,
    causes: diagnosis.causes.map(({ evidence: _evidence, ...cause }) => cause),
  };
}

export function notificationDocument(
  notification: Notification,
  limits: RenderLimits = FULL,
): NotificationDocument {
  const n = notification;
  const objects = n.objects.slice(0, limits.maxObjects);
  const plannedCopies = n.plannedCopies.slice(0, limits.maxObjects);
  const diagnoses = n.diagnoses
    .slice(0, Math.min(limits.maxObjects, MAX_DIAGNOSES_IN_DOCUMENT))
    .map((diagnosis) => (limits.evidence ? diagnosis : withoutEvidence(diagnosis)));
  const hasEvidence = n.causes.some((cause) => cause.evidence.length > 0);
  return {
    kind: NOTIFICATION_DOCUMENT_KIND,
    version: 1,
    title: n.title,
    severity: n.severity,
    verdict: n.verdict,
    decision: n.decision,
    mode: n.mode,
    modeLine: n.modeLine,
    signature: n.signature,
    sourceBucket: n.sourceBucket,
    destinationBucket: n.destinationBucket,
    ruleId: n.ruleId,
    failureReasons: n.failureReasons,
    causes: limits.evidence ? n.causes : n.causes.map((cause) => ({ ...cause, evidence: [] })),
    inconclusive: n.inconclusive,
    notes: n.notes,
    objectCount: n.objects.length,
    objects,
    omittedObjects: n.objects.length - objects.length,
    plannedCopies,
    omittedPlannedCopies: n.plannedCopies.length - plannedCopies.length,
    diagnoses,
    omittedDiagnoses: n.diagnoses.length - diagnoses.length,
    evidenceOmitted: !limits.evidence && hasEvidence,
  };
}
