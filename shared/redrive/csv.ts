/**
 * A strict RFC 4180 reader for the CSV files S3 writes: fields separated by commas, records by LF or CRLF,
 * fields that hold commas, quotes or line breaks wrapped in double quotes with `""` for a quote.
 */

export interface CsvRecord {
  /** One-based line on which the record starts (a quoted line break makes a record span lines). */
  line: number;
  fields: string[];
}

export type CsvParse = { ok: true; records: CsvRecord[] } | { ok: false; problem: string };

const UNQUOTED = /[^,\r\n"]*/y;
// The unrolled form matches in linear time, however long a quoted message is.
const QUOTED = /"([^"]*(?:""[^"]*)*)"/y;

export function parseCsv(text: string): CsvParse {
  const records: CsvRecord[] = [];
  let at = 0;
  let line = 1;
  while (at < text.length) {
    const start = line;
    const fields: string[] = [];
    let quotedAny = false;
    for (;;) {
      let value: string;
      if (text[at] === '"') {
        QUOTED.lastIndex = at;
        const match = QUOTED.exec(text);
        if (!match) return { ok: false, problem: `line ${line}: a quoted field is never closed` };
        const raw = match[1] ?? '';
        value = raw.replaceAll('""', '"');
        line += countLineFeeds(raw);
        at = QUOTED.lastIndex;
        quotedAny = true;
      } else {
        UNQUOTED.lastIndex = at;
        value = UNQUOTED.exec(text)?.[0] ?? '';
        at = UNQUOTED.lastIndex;
      }
      fields.push(value);
      const next = text[at];
      if (next === ',') {
        at += 1;
        continue;
      }
      if (next === undefined) break;
      if (next === '\r' || next === '\n') {
        at += next === '\r' && text[at + 1] === '\n' ? 2 : 1;
        line += 1;
        break;
      }
      return { ok: false, problem: `line ${line}: unexpected ${JSON.stringify(next)} after a field` };
    }
    const blank = fields.length === 1 && fields[0] === '' && !quotedAny;
    if (!blank) records.push({ line: start, fields });
  }
  return { ok: true, records };
}

function countLineFeeds(value: string): number {
  let count = 0;
  for (let index = value.indexOf('\n'); index !== -1; index = value.indexOf('\n', index + 1)) count += 1;
  return count;
}
