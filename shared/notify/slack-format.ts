/**
 * Slack parses `&`, `<` and `>` in every text object: `<!channel>` pings a channel, `<@U123>` a person,
 * `<https://x|y>` makes a disguised link. Object keys, bucket names and policy text come from outside, so
 * every one of them is escaped before it goes into a message. Keys also go into code spans, where a
 * backtick would end the span early: it is replaced by a look-alike (ˋ, U+02CB) there.
 */
import { andMore, clip } from './clip.js';
import { safeText } from './safe-text.js';

/** Slack: a section's text (and any text object) is at most 3000 characters. */
export const SLACK_TEXT_MAX = 3000;
/** Slack: a header's plain text is at most 150 characters. */
export const SLACK_HEADER_MAX = 150;
/** Slack: a section field is at most 2000 characters; a section has at most 10 fields. */
export const SLACK_FIELD_MAX = 2000;
export const SLACK_FIELDS_MAX = 10;
/** Slack: a message has at most 50 blocks. */
export const SLACK_BLOCKS_MAX = 50;

const BACKTICK_LOOKALIKE = 'ˋ';

/** Escapes Slack's control characters; control characters in the value are shown as `\uXXXX`. */
export function escapeSlack(value: string): string {
  return safeText(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeCode(value: string): string {
  return escapeSlack(value).replaceAll('`', BACKTICK_LOOKALIKE);
}

/** An inline code span: no mrkdwn formatting applies inside, so `*`, `_` and `~` in keys stay literal. */
export function inlineCode(value: string): string {
  return `\`${escapeCode(value) || ' '}\``;
}

/**
 * Cuts escaped text without splitting an entity (`&amp;` cut to `&am` would show garbage), so the result
 * is at most `max` characters.
 */
export function clipEscaped(escaped: string, max: number): string {
  if (escaped.length <= max) return escaped;
  const cut = clip(escaped, max);
  const body = cut.slice(0, -1);
  const amp = body.lastIndexOf('&');
  if (amp !== -1 && !body.slice(amp).includes(';')) return `${body.slice(0, amp)}…`;
  return cut;
}

/** A fenced code block of the given lines (each escaped), cut to fit `max` characters with its fences. */
export function codeBlock(lines: readonly string[], max: number): string {
  const fence = '```';
  const body = lines.map(escapeCode).join('\n');
  return `${fence}${clipEscaped(body, max - 2 * fence.length)}${fence}`;
}

/**
 * At most `maxLines` of `lines`, joined while they fit `max` characters; when some are left out, a last
 * line "…and N more" counts them (room for it is kept).
 */
export function fitLines(lines: readonly string[], max: number, maxLines: number): string {
  const kept: string[] = [];
  let length = 0;
  for (const line of lines) {
    const left = lines.length - kept.length - 1;
    const tail = left > 0 ? andMore(left).length + 1 : 0;
    const added = (kept.length > 0 ? 1 : 0) + line.length;
    if (kept.length >= maxLines || length + added + tail > max) break;
    kept.push(line);
    length += added;
  }
  const notShown = lines.length - kept.length;
  return notShown > 0 ? [...kept, andMore(notShown)].join('\n') : kept.join('\n');
}
