/** The readable audit report: one line per healthy rule; each problem with its cause, fix statement and command. */
import { plural } from '../notify/clip.js';
import { renderCause } from '../notify/render-text.js';
import { safeText } from '../notify/safe-text.js';
import { ruleCauses } from './problems.js';
import type { AuditReport, BucketAudit, Gap, RuleAudit } from './types.js';

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');
}

function renderGap(gap: Gap, index: number): string {
  const lines = [
    `Gap ${index + 1}: ${gap.gap}`,
    `  ${safeText(gap.summary)}`,
    `  Fix: ${safeText(gap.fix.summary)}`,
  ];
  if (gap.fix.commands.length > 0) {
    lines.push('  Run:');
    for (const command of gap.fix.commands) lines.push(`    ${safeText(command)}`);
  }
  return lines.join('\n');
}

function ruleHeading(rule: RuleAudit): string {
  const probes = rule.probes.map((probe) => probe.probe).join(', ');
  const route = `rule ${safeText(rule.ruleId)} → ${safeText(rule.destinationBucket)}`;
  switch (rule.status) {
    case 'healthy':
      return `  OK            ${route} (probes: ${probes})`;
    case 'problems': {
      const count = ruleCauses(rule).length + rule.gaps.length;
      return `  PROBLEMS      ${route}: ${plural(count, 'problem')} (probes: ${probes})`;
    }
    case 'inconclusive':
      return `  INCONCLUSIVE  ${route}: some checks could not run (probes: ${probes})`;
    default: {
      const unknown: never = rule.status;
      throw new TypeError(`unknown rule status ${String(unknown)}`);
    }
  }
}

function renderRule(rule: RuleAudit): string[] {
  const lines = [ruleHeading(rule)];
  if (rule.status === 'healthy') return lines;
  ruleCauses(rule).forEach(({ cause, probes }, index) => {
    lines.push(indent(`${renderCause(cause, index)}\n  Probes: ${probes.join(', ')}`, '      '));
  });
  rule.gaps.forEach((gap, index) => {
    lines.push(indent(renderGap(gap, index), '      '));
  });
  const unverified = [
    ...rule.unverified,
    ...rule.probes.flatMap((probe) =>
      probe.diagnosis.inconclusive.map((item) => `${probe.probe} probe, ${item.check}: ${item.why}`),
    ),
  ];
  if (unverified.length > 0) {
    lines.push('      Not verified:');
    for (const item of unverified) lines.push(`        - ${safeText(item)}`);
  }
  return lines;
}

function renderBucket(bucket: BucketAudit): string[] {
  if (bucket.status !== 'replicated') {
    const label = bucket.status === 'unreadable' ? 'INCONCLUSIVE' : 'PROBLEM';
    return [`${safeText(bucket.bucket)}`, `  ${label.padEnd(13)} ${safeText(bucket.why ?? bucket.status)}`];
  }
  return [safeText(bucket.bucket), ...bucket.rules.flatMap(renderRule)];
}

export function renderAuditText(report: AuditReport): string {
  const rules = report.buckets.flatMap((bucket) => bucket.rules);
  const count = (status: RuleAudit['status']) => rules.filter((rule) => rule.status === status).length;
  const lines = [
    `Replication audit, ${report.auditedAt}: ${plural(report.buckets.length, 'bucket')}, ${plural(rules.length, 'rule')}: ` +
      `${count('healthy')} healthy, ${count('problems')} with problems, ${count('inconclusive')} inconclusive. ` +
      `${plural(report.problems, 'problem')}.`,
  ];
  if (!report.queueArn)
    lines.push(
      'Enrolment: no --queue-arn given, so any SQS queue receiving replication failure events counts.',
    );
  for (const bucket of report.buckets) lines.push('', ...renderBucket(bucket));
  if (report.skippedBuckets.length > 0)
    lines.push('', `${plural(report.skippedBuckets.length, 'bucket')} without replication skipped.`);
  if (report.buckets.length === 0 && report.skippedBuckets.length === 0)
    lines.push('', 'No buckets to audit.');
  return lines.join('\n');
}
