import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

function sources(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Each `class X extends …Error` and the body that follows its opening brace, up to the next class. */
function errorClasses(text: string): { name: string; body: string }[] {
  const found = [...text.matchAll(/class (\w+) extends (\w*Error)\b[^{]*\{/g)];
  return found.map((match, index) => ({
    name: match[1] ?? '',
    body: text.slice((match.index ?? 0) + match[0].length, found[index + 1]?.index ?? text.length),
  }));
}

// The bundles are minified without keepNames (serverless.yml): a class's own name is lost there, so the
// name that logs and error reports show must be set by the class itself.
describe('error classes of the deployed code', () => {
  const files = [...sources(join(ROOT, 'shared')), ...sources(join(ROOT, 'functions'))];
  const classes = files.flatMap((file) =>
    errorClasses(readFileSync(file, 'utf8')).map((found) => ({ ...found, file: relative(ROOT, file) })),
  );

  it('finds the error classes to check', () => {
    expect(classes.length).toBeGreaterThan(30);
  });

  it('each sets its name to its class name, which survives minification', () => {
    const unnamed = classes
      .filter(({ name, body }) => !new RegExp(`readonly name(: string)? = '${name}'`).test(body))
      .map(({ name, file }) => `${file}: ${name}`);
    expect(unnamed).toEqual([]);
  });
});
