import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

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
});
