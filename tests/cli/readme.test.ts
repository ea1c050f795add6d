import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../../shared/cli/main.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The `npm run --silent cli -- …` commands of the README that run offline (they name a snapshot or nothing live). */
function offlineCommands(): string[][] {
  const joined = README.replace(/\\\n\s*/g, ' ');
  return [...joined.matchAll(/npm run --silent cli -- ([^\n#]+)/g)]
    .map((match) => (match[1] ?? '').trim().split(/\s+/))
    .filter((argv) => argv.includes('--snapshot'));
}

describe('the README', () => {
  it('names only files that exist', () => {
    const paths = [...README.matchAll(/\b(events\/[\w./-]+\.json)/g)].map((match) => match[1] ?? '');
    expect(paths.length).toBeGreaterThan(3);
    expect(paths.filter((path) => !existsSync(join(ROOT, path)))).toEqual([]);
  });

  it('starts with the two commands: set up and run the demo, then the tests', () => {
    const block = README.slice(
      README.indexOf('```bash'),
      README.indexOf('```', README.indexOf('```bash') + 3),
    );
    expect(block.trim().split('\n').slice(1)).toEqual(['npm ci && npm run demo', 'npm test']);
    // CI runs exactly the README's test command (its output also goes through tee for the summary line).
    expect(readFileSync(join(ROOT, '.ci/run'), 'utf8')).toMatch(/^npm test 2>&1 \| tee /m);
  });

  it('shows offline commands that run as written', async () => {
    const commands = offlineCommands();
    expect(commands.length).toBeGreaterThanOrEqual(2);
    for (const argv of commands) {
      const out: string[] = [];
      const err: string[] = [];
      const status = await main(
        argv.map((arg) => (arg.startsWith('events/') ? join(ROOT, arg) : arg)),
        { out: (text) => out.push(text), err: (text) => err.push(text) },
      );
      expect({ argv, status, err }).toEqual({ argv, status: 0, err: [] });
      expect(out.join('\n').length).toBeGreaterThan(100);
    }
  });
});
