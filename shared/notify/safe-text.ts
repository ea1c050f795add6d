/**
 * Object keys and bucket names come from outside: a key may hold newlines, escape sequences or other
 * control characters that would forge lines in a terminal or a message. Show them escaped instead.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

export function safeText(value: string): string {
  return value.replace(CONTROL, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
