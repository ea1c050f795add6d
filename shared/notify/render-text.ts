import type { Cause, Diagnosis } from '../diagnosis/types.js';
import { safeText } from './safe-text.js';

export const VERDICT_TEXT: Record<Diagnosis['verdict'], string> = {
  'root-cause-found': 'root cause found',
  'no-cause-found': 'no cause found now (fixed since, or transient)',
  inconclusive: 'inconclusive (some checks could not run)',
  'no-action-needed': 'no action needed',
};

/** One line that names the failed object: `bucket/key (version v) → destination, rule r`. */
export function describeFailure(diagnosis: Diagnosis): string {
  const f = diagnosis.failure;
  const version = f.versionId ? ` (version ${safeText(f.versionId)})` : '';
  return `${safeText(f.sourceBucket)}/${safeText(f.key)}${version} → ${safeText(f.destinationBucket)}, rule ${safeText(f.ruleId)}`;
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');
}

/** One cause with its fix; `evidence: false` leaves the evidence out where space is short. */
export function renderCause(cause: Cause, index: number, options: { evidence?: boolean } = {}): string {
  const lines = [`Cause ${index + 1}: ${cause.location} / ${cause.problem}`, `  ${safeText(cause.summary)}`];
  if (cause.missingActions.length > 0) lines.push(`  Missing: ${cause.missingActions.join(', ')}`);
  if (cause.principal) lines.push(`  Principal: ${safeText(cause.principal)}`);
  if (cause.resource) lines.push(`  Resource: ${safeText(cause.resource)}`);
  if (options.evidence !== false) {
    for (const item of cause.evidence ?? []) lines.push(`  Evidence: ${safeText(item)}`);
  }
  lines.push(`  Fix: ${safeText(cause.fix.summary)}`);
  if (cause.fix.policyStatement) {
    lines.push(indent(JSON.stringify(cause.fix.policyStatement, null, 2), '    '));
  }
  if (cause.fix.commands.length > 0) {
    lines.push('  Run:');
    for (const command of cause.fix.commands) lines.push(`    ${safeText(command)}`);
  }
  return lines.join('\n');
}

/** The readable report `diagnose` prints without `--json`. */
export function renderDiagnosisText(diagnosis: Diagnosis): string {
  const lines = [
    `${diagnosis.failure.failureReason ?? diagnosis.failure.eventName}: ${describeFailure(diagnosis)}`,
    `Verdict: ${VERDICT_TEXT[diagnosis.verdict]}. Action: ${diagnosis.action}.`,
  ];
  diagnosis.causes.forEach((cause, i) => {
    lines.push('', renderCause(cause, i));
  });
  if (diagnosis.inconclusive.length > 0) {
    lines.push('', 'Not verified:');
    for (const item of diagnosis.inconclusive) lines.push(`  - ${item.check}: ${safeText(item.why)}`);
  }
  return lines.join('\n');
}
