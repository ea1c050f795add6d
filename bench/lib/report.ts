import { readFile, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';

export interface Section {
  title: string;
  /** One sentence on what is measured and how. */
  about: string;
  header: string[];
  rows: string[][];
  notes?: string[];
}

export function machineLine(now = new Date()): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const memory = Math.round(totalmem() / 2 ** 30);
  return `Ran ${now.toISOString().slice(0, 10)} on ${cpus().length} × ${cpu}, ${memory} GiB, Node ${process.version}.`;
}

function markdownTable(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

export function renderMarkdown(sections: Section[], machine: string): string {
  const parts = [machine];
  for (const section of sections) {
    parts.push(`#### ${section.title}`, section.about, markdownTable(section.header, section.rows));
    for (const note of section.notes ?? []) parts.push(note);
  }
  return `${parts.join('\n\n')}\n`;
}

const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

/** Replaces the README's benchmark block (between the markers) with the latest results. */
export async function updateReadme(path: string, markdown: string): Promise<boolean> {
  const text = await readFile(path, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) return false;
  await writeFile(path, `${text.slice(0, start + START.length)}\n${markdown}${text.slice(end)}`);
  return true;
}
