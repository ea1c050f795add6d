/** The readable form of a notification: email, the SNS default message, the preview, the demo's files. */

import { andMore, clip, plural } from './clip.js';
import { FULL, type RenderLimits } from './limits.js';
import type { AffectedObject, Notification, PlannedCopy } from './notification.js';
import { incidentSummary } from './notification.js';
import { renderCause, VERDICT_TEXT } from './render-text.js';
import { safeText } from './safe-text.js';

/** A request printed on one line stays readable; a huge one (many metadata headers) is cut. */
const MAX_REQUEST_CHARS = 2_000;

export function describeObject(object: Pick<AffectedObject, 'bucket' | 'key' | 'versionId'>): string {
  const version = object.versionId ? ` (version ${safeText(object.versionId)})` : '';
  return `${safeText(object.bucket)}/${safeText(object.key)}${version}`;
}

function objectLines(notification: Notification, max: number): string[] {
  const { objects } = notification;
  const shown = objects.slice(0, max);
  const lines = [`Affected ${plural(objects.length, 'object')}:`];
  for (const object of shown) {
    lines.push(`  ${describeObject(object)} — ${safeText(object.failureReason ?? object.eventName)}`);
  }
  if (objects.length > shown.length) lines.push(`  ${andMore(objects.length - shown.length)}`);
  return lines;
}

function copyLine(copy: PlannedCopy): string {
  const state = copy.executed ? 'copied' : 'planned, not run';
  return `  ${describeObject(copy)}: ${state}${copy.outcome ? ` — ${safeText(copy.outcome)}` : ''}`;
}

function copyLines(copies: readonly PlannedCopy[], max: number): string[] {
  if (copies.length === 0) return [];
  const shown = copies.slice(0, max);
  const lines = ['', 'Copy in place:'];
  for (const copy of shown) {
    lines.push(copyLine(copy), `    ${clip(safeText(JSON.stringify(copy.request)), MAX_REQUEST_CHARS)}`);
  }
  if (copies.length > shown.length) lines.push(`  ${andMore(copies.length - shown.length)}`);
  return lines;
}

export function renderNotificationText(notification: Notification, limits: RenderLimits = FULL): string {
  const n = notification;
  const lines = [
    `[${n.severity.toUpperCase()}] ${safeText(n.title)}`,
    n.modeLine,
    ...(n.incident ? [safeText(incidentSummary(n.incident))] : []),
    `Route: ${safeText(n.sourceBucket)} → ${safeText(n.destinationBucket)}, rule ${safeText(n.ruleId)}`,
    `Failure: ${n.failureReasons.map(safeText).join(', ')}`,
    `Verdict: ${VERDICT_TEXT[n.verdict]}. Action: ${n.decision}.`,
  ];
  n.causes.forEach((cause, i) => {
    lines.push('', renderCause(cause, i, { evidence: limits.evidence }));
  });
  if (!limits.evidence && n.causes.some((cause) => cause.evidence.length > 0)) {
    lines.push('', '(Evidence left out to fit the message size limit.)');
  }
  lines.push('', ...objectLines(n, limits.maxObjects));
  lines.push(...copyLines(n.plannedCopies, limits.maxObjects));
  if (n.inconclusive.length > 0) {
    lines.push('', 'Not verified:');
    for (const item of n.inconclusive) lines.push(`  - ${item.check}: ${safeText(item.why)}`);
  }
  if (n.notes.length > 0) {
    lines.push('', 'Notes:');
    for (const note of n.notes) lines.push(`  - ${safeText(note)}`);
  }
  return lines.join('\n');
}
