/**
 * A notification as a Slack Block Kit message: the cause, the evidence, the statement to add, the command
 * to apply it, the affected objects and the mode — readable on a phone, within Slack's limits.
 * Free text (summaries, evidence) goes into plain_text so no mrkdwn formatting applies to it; values go
 * into code spans or code blocks; everything that came from outside is escaped (see slack-format.ts).
 */

import { andMore, plural } from './clip.js';
import type { Notification, NotificationCause, PlannedCopy, Severity } from './notification.js';
import { incidentSummary } from './notification.js';
import { describeObject } from './notification-text.js';
import { VERDICT_TEXT } from './render-text.js';
import {
  clipEscaped,
  codeBlock,
  escapeSlack,
  fitLines,
  inlineCode,
  SLACK_FIELD_MAX,
  SLACK_FIELDS_MAX,
  SLACK_HEADER_MAX,
  SLACK_TEXT_MAX,
} from './slack-format.js';

export interface SlackText {
  type: 'plain_text' | 'mrkdwn';
  text: string;
  emoji?: boolean;
  verbatim?: boolean;
}

export type SlackBlock =
  | { type: 'header'; text: SlackText }
  | { type: 'section'; text?: SlackText; fields?: SlackText[] }
  | { type: 'context'; elements: SlackText[] }
  | { type: 'divider' };

export interface SlackMessage {
  /** The fallback shown in push notifications and by clients that cannot show blocks. */
  text: string;
  blocks: SlackBlock[];
}

/**
 * Causes shown in full; more are named in one line. Five causes at once is already unusual, and it bounds
 * the message to about 35 blocks, well under Slack's 50.
 */
const MAX_CAUSES = 5;
/** Affected objects listed before "…and N more". */
const MAX_OBJECTS = 10;
const MAX_COPIES = 3;

const SEVERITY_MARK: Record<Severity, string> = {
  critical: ':red_circle: *Critical*',
  warning: ':large_orange_circle: *Warning*',
  info: ':large_blue_circle: *Info*',
};

/** `verbatim` stops Slack from turning bare URLs, #channels and @names into links or mentions. */
function mrkdwn(text: string, max = SLACK_TEXT_MAX): SlackText {
  return { type: 'mrkdwn', text: clipEscaped(text, max) || ' ', verbatim: true };
}

/** Plain text: Slack applies no formatting to it. Each line is escaped on its own so line breaks stay real. */
function plain(text: string | readonly string[], max = SLACK_TEXT_MAX): SlackText {
  const lines = typeof text === 'string' ? [text] : text;
  return {
    type: 'plain_text',
    text: clipEscaped(lines.map(escapeSlack).join('\n'), max) || ' ',
    emoji: false,
  };
}

function field(label: string, valueMrkdwn: string): SlackText {
  return mrkdwn(`*${label}*\n${valueMrkdwn}`, SLACK_FIELD_MAX);
}

function codes(values: readonly string[]): string {
  return values.map(inlineCode).join(', ');
}

function summaryFields(n: Notification): SlackText[] {
  return [
    field('Source', inlineCode(n.sourceBucket)),
    field('Destination', inlineCode(n.destinationBucket)),
    field('Rule', inlineCode(n.ruleId)),
    field('Failure', codes(n.failureReasons.slice(0, 5)) + (n.failureReasons.length > 5 ? ' …' : '')),
    field('Verdict', escapeSlack(VERDICT_TEXT[n.verdict])),
    field('Action', `${inlineCode(n.decision)} (mode ${inlineCode(n.mode)})`),
    field('Objects', String(n.objects.length)),
  ].slice(0, SLACK_FIELDS_MAX);
}

function causeBlocks(cause: NotificationCause, index: number): SlackBlock[] {
  const fields: SlackText[] = [];
  if (cause.missingActions.length > 0) fields.push(field('Missing', codes(cause.missingActions)));
  if (cause.principal) fields.push(field('Principal', inlineCode(cause.principal)));
  if (cause.resource) fields.push(field('Resource', inlineCode(cause.resource)));
  const blocks: SlackBlock[] = [
    {
      type: 'section',
      text: mrkdwn(`*Cause ${index + 1}:* ${inlineCode(cause.location)} / ${inlineCode(cause.problem)}`),
      ...(fields.length > 0 ? { fields } : {}),
    },
  ];
  const evidence = cause.evidence.map((item) => `• ${item}`);
  blocks.push({
    type: 'section',
    text: plain([
      cause.summary,
      ...(evidence.length > 0 ? ['Evidence:', ...evidence] : []),
      `Fix: ${cause.fix.summary}`,
    ]),
  });
  if (cause.fix.policyStatement) {
    const statement = JSON.stringify(cause.fix.policyStatement, null, 2).split('\n');
    blocks.push({
      type: 'section',
      text: mrkdwn(`*Statement:*\n${codeBlock(statement, SLACK_TEXT_MAX - 20)}`),
    });
  }
  if (cause.fix.commands.length > 0) {
    blocks.push({
      type: 'section',
      text: mrkdwn(`*Run:*\n${codeBlock(cause.fix.commands, SLACK_TEXT_MAX - 20)}`),
    });
  }
  return blocks;
}

function objectsBlock(n: Notification): SlackBlock {
  const heading = `*Affected ${plural(n.objects.length, 'object')}:*`;
  const lines = n.objects.map((object) => `• ${inlineCode(describeObject(object))}`);
  return {
    type: 'section',
    text: mrkdwn(`${heading}\n${fitLines(lines, SLACK_TEXT_MAX - heading.length - 1, MAX_OBJECTS)}`),
  };
}

function copyBlocks(copies: readonly PlannedCopy[]): SlackBlock[] {
  if (copies.length === 0) return [];
  const executed = copies.filter((copy) => copy.executed).length;
  const heading =
    executed > 0
      ? `*Copy in place:* ${executed} of ${plural(copies.length, 'object')} copied`
      : `*Copy in place (not run):* the request${copies.length > 1 ? 's' : ''} it would send`;
  const shown = copies.slice(0, MAX_COPIES);
  // Each copy gets an equal share of the section: a third for its label, the rest for its request.
  const perCopy = Math.floor((SLACK_TEXT_MAX - heading.length - 40) / shown.length);
  const labelMax = Math.floor(perCopy / 3);
  const parts = shown.map((copy) => {
    const outcome = copy.outcome ? ` — ${escapeSlack(copy.outcome)}` : '';
    const label = clipEscaped(`${inlineCode(describeObject(copy))}${outcome}`, labelMax);
    return `${label}\n${codeBlock([JSON.stringify(copy.request, null, 1)], perCopy - labelMax - 2)}`;
  });
  if (copies.length > shown.length) parts.push(andMore(copies.length - shown.length));
  return [{ type: 'section', text: mrkdwn([heading, ...parts].join('\n')) }];
}

function inconclusiveBlock(n: Notification): SlackBlock[] {
  if (n.inconclusive.length === 0) return [];
  const lines = n.inconclusive.map((item) => `• ${item.check}: ${item.why}`);
  return [{ type: 'section', text: plain(['Not verified:', ...lines]) }];
}

function notesBlock(n: Notification): SlackBlock[] {
  if (n.notes.length === 0) return [];
  return [{ type: 'section', text: plain(['Notes:', ...n.notes.map((note) => `• ${note}`)]) }];
}

export function buildSlackMessage(notification: Notification): SlackMessage {
  const n = notification;
  const shownCauses = n.causes.slice(0, MAX_CAUSES);
  const blocks: SlackBlock[] = [
    { type: 'header', text: plain(n.title, SLACK_HEADER_MAX) },
    {
      type: 'section',
      text: mrkdwn(`${SEVERITY_MARK[n.severity]} · ${escapeSlack(n.modeLine)}`),
      fields: summaryFields(n),
    },
  ];
  if (n.incident) blocks.push({ type: 'section', text: plain(incidentSummary(n.incident)) });
  shownCauses.forEach((cause, i) => {
    blocks.push({ type: 'divider' }, ...causeBlocks(cause, i));
  });
  if (n.causes.length > shownCauses.length) {
    const rest = n.causes
      .slice(shownCauses.length)
      .map((c) => `${inlineCode(c.location)} / ${inlineCode(c.problem)}`);
    blocks.push({
      type: 'section',
      text: mrkdwn(`*${plural(rest.length, 'more cause')}:* ${rest.join(', ')}`),
    });
  }
  blocks.push({ type: 'divider' }, objectsBlock(n), ...copyBlocks(n.plannedCopies));
  blocks.push(...inconclusiveBlock(n), ...notesBlock(n));
  blocks.push({ type: 'context', elements: [mrkdwn(`${escapeSlack(n.modeLine)} · s3-replication-doctor`)] });
  return {
    text: clipEscaped(
      escapeSlack(`[${n.severity.toUpperCase()}] ${n.title} — ${n.modeLine}`),
      SLACK_TEXT_MAX,
    ),
    blocks,
  };
}
