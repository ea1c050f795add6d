import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface LockPackage {
  dev?: boolean;
  devOptional?: boolean;
  optional?: boolean;
  license?: string;
}

/** Every package that ships with the functions or the CLI (not dev-only), from the lockfile, with its licence. */
function shippedPackages(): { path: string; license: string }[] {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockPackage>;
  };
  return Object.entries(lock.packages)
    .filter(([path, pkg]) => path !== '' && !pkg.dev && !pkg.devOptional)
    .map(([path, pkg]) => {
      let license = pkg.license;
      if (!license) {
        try {
          license = (
            JSON.parse(readFileSync(join(ROOT, path, 'package.json'), 'utf8')) as { license?: string }
          ).license;
        } catch {
          license = undefined;
        }
      }
      return { path, license: license ?? 'UNKNOWN' };
    });
}

describe('licences of what ships', () => {
  it('ships nothing under any GPL (GPL, LGPL, AGPL), and every shipped package names its licence', () => {
    const shipped = shippedPackages();

    expect(shipped.length).toBeGreaterThan(50);
    expect(shipped.filter((pkg) => /GPL/i.test(pkg.license))).toEqual([]);
    expect(shipped.filter((pkg) => pkg.license === 'UNKNOWN')).toEqual([]);
  });
});
