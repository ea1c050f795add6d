/** A line of an edit script: kept (' '), removed ('-') or added ('+'). */
interface Edit {
  op: ' ' | '-' | '+';
  line: string;
}

const CONTEXT_LINES = 3;

/** Pretty JSON as S3's documents are shown in the diff: two-space indent, one field per line. */
export function documentText(document: unknown): string {
  return document === null || document === undefined ? '' : JSON.stringify(document, null, 2);
}

/**
 * A unified diff (as `diff -u` prints it) of two texts; empty when they are equal. Only changed hunks with
 * three lines of context are shown, so a large configuration with one new entry reads as that entry.
 */
export function unifiedDiff(
  before: string,
  after: string,
  labels: { before: string; after: string },
): string {
  if (before === after) return '';
  const edits = editScript(splitLines(before), splitLines(after));
  const hunks = groupHunks(edits);
  return [`--- ${labels.before}`, `+++ ${labels.after}`, ...hunks].join('\n');
}

function splitLines(text: string): string[] {
  return text === '' ? [] : text.split('\n');
}

// Longest common subsequence; configurations are at most a few thousand lines, so O(n·m) is fine.
function editScript(a: string[], b: string[]): Edit[] {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const lengths = new Uint32Array(rows * cols);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lengths[i * cols + j] =
        a[i] === b[j]
          ? (lengths[(i + 1) * cols + j + 1] ?? 0) + 1
          : Math.max(lengths[(i + 1) * cols + j] ?? 0, lengths[i * cols + j + 1] ?? 0);
    }
  }
  const edits: Edit[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      edits.push({ op: ' ', line: a[i] ?? '' });
      i++;
      j++;
    } else if ((lengths[(i + 1) * cols + j] ?? 0) >= (lengths[i * cols + j + 1] ?? 0)) {
      edits.push({ op: '-', line: a[i++] ?? '' });
    } else {
      edits.push({ op: '+', line: b[j++] ?? '' });
    }
  }
  while (i < a.length) edits.push({ op: '-', line: a[i++] ?? '' });
  while (j < b.length) edits.push({ op: '+', line: b[j++] ?? '' });
  return edits;
}

function groupHunks(edits: Edit[]): string[] {
  const changed = edits.map((edit, index) => (edit.op === ' ' ? -1 : index)).filter((index) => index >= 0);
  const out: string[] = [];
  let k = 0;
  while (k < changed.length) {
    const first = changed[k] ?? 0;
    let last = first;
    while (k + 1 < changed.length && (changed[k + 1] ?? 0) - last <= 2 * CONTEXT_LINES + 1)
      last = changed[++k] ?? last;
    k++;
    const start = Math.max(0, first - CONTEXT_LINES);
    const end = Math.min(edits.length, last + CONTEXT_LINES + 1);
    const slice = edits.slice(start, end);
    const before = countBefore(edits, start);
    const oldCount = slice.filter((edit) => edit.op !== '+').length;
    const newCount = slice.filter((edit) => edit.op !== '-').length;
    out.push(
      `@@ -${rangeText(before.old, oldCount)} +${rangeText(before.new, newCount)} @@`,
      ...slice.map((edit) => `${edit.op}${edit.line}`),
    );
  }
  return out;
}

function countBefore(edits: Edit[], end: number): { old: number; new: number } {
  let old = 0;
  let added = 0;
  for (const edit of edits.slice(0, end)) {
    if (edit.op !== '+') old++;
    if (edit.op !== '-') added++;
  }
  return { old, new: added };
}

// diff -u numbers lines from 1; an empty range names the line before it.
function rangeText(linesBefore: number, count: number): string {
  const start = count === 0 ? linesBefore : linesBefore + 1;
  return count === 1 ? `${start}` : `${start},${count}`;
}
