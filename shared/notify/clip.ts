/**
 * Length limits are everywhere in notifications (SNS subject, Slack blocks). Cutting a string must not split
 * a surrogate pair (a broken emoji or CJK character makes the whole payload invalid UTF-8 for some readers).
 */

const ELLIPSIS = '…';

/** At most `max` UTF-16 code units, ending in `marker` when cut. */
export function clip(text: string, max: number, marker = ELLIPSIS): string {
  if (text.length <= max) return text;
  if (max <= marker.length) return marker.slice(0, Math.max(0, max));
  let end = max - marker.length;
  const last = text.charCodeAt(end - 1);
  // A high surrogate at the cut would be left without its pair.
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}${marker}`;
}

/** `"1 object"`, `"3 objects"`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

export function andMore(count: number): string {
  return `…and ${count} more`;
}
