// `npm ci` on the lowest Node that package.json names prints no EBADENGINE:
// that version satisfies every engines.node range in the locked tree.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/project.js';

type Version = [number, number, number];
const parse = (text: string): Version => {
  const [a = 0, b = 0, c = 0] = text.replace(/^v/, '').split('.').map((n) => Number.parseInt(n, 10) || 0);
  return [a, b, c];
};
const compare = (x: Version, y: Version) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2];

/** The forms the tree uses: `>=X`, `>= X`, `<X`, `^X.Y.Z`, `X`, `*` (any), space for and, `||` for or. */
function satisfies(version: Version, range: string): boolean {
  return range.split('||').some((alternative) =>
    (alternative.trim().replace(/([<>=^]+)\s+/g, '$1').match(/\S+/g) ?? []).every((part) => {
      if (part === '*') return true;
      const [, op = '', rest = ''] = /^(>=|<=|>|<|\^|=)?(.*)$/.exec(part)!;
      const bound = parse(rest);
      const c = compare(version, bound);
      if (op === '>=') return c >= 0;
      if (op === '>') return c > 0;
      if (op === '<') return c < 0;
      if (op === '<=') return c <= 0;
      if (op === '^') return c >= 0 && version[0] === bound[0];
      // `20` means 20.x.
      return rest.split('.').length === 1 ? version[0] === bound[0] : c === 0;
    }),
  );
}

describe('engines', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));
  const lowest = parse(/^>=\s*(\S+)$/.exec(pkg.engines.node)![1]!);

  it('reads the ranges it checks', () => {
    expect(satisfies(parse('22.12.0'), '^20.19.0 || >=22.12.0')).toBe(true);
    expect(satisfies(parse('22.11.0'), '^20.19.0 || >=22.12.0')).toBe(false);
    expect(satisfies(parse('22.12.0'), '>=18.20.0 <20 || >=20.12.1')).toBe(true);
    expect(satisfies(parse('20.19.0'), '>=22')).toBe(false);
    expect(satisfies(parse('22.12.0'), '^20.0.0 || ^22.0.0 || >=24.0.0')).toBe(true);
    expect(satisfies(parse('22.12.0'), '*')).toBe(true);
  });

  it('names a Node that every package in the locked tree accepts', () => {
    const refused = Object.entries(lock.packages as Record<string, { engines?: { node?: string } }>)
      .filter(([, entry]) => entry.engines?.node && !satisfies(lowest, entry.engines.node))
      .map(([name, entry]) => `${name}: ${entry.engines!.node}`);
    expect(refused).toEqual([]);
    expect(lock.packages[''].engines).toEqual(pkg.engines);
  });
});
