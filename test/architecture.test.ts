import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The import boundaries of docs/architecture.md, checked over every source file of packages/ (test
 * files and their `*-test-support.ts` helpers excepted: a test wires parts together on purpose). Each rule lists the imports that break
 * it, as `importer -> imported`, so a failure names what to move.
 */

const ROOT = path.resolve(import.meta.dirname, '..');
const PACKAGES = path.join(ROOT, 'packages');
const CORE = 'packages/core/src';
const SERVER = 'packages/server/src';
const SERVER_DIALECTS = ['falcon', 'carbonblack', 'identity', 'gateway', 'console'];

/**
 * Files of a core part that may be imported from outside it by a path other than its index.ts,
 * and why. Each must be a subpath export of @riposte/core.
 */
const CORE_SUBPATH_EXPORTS: Record<string, string> = {
  'packages/core/src/rtr-library/visibility.ts':
    '@riposte/core/script-visibility: the RTR command table is bundled into the CLI and the console, which must not take in all of core',
};

/**
 * Folders of core that are kits of one-file helpers rather than parts with a contract: any part
 * imports the file it needs, and the kit itself imports no part (so it stays a leaf).
 */
const CORE_KITS: Record<string, string> = {
  util: 'errors, ids, log, secrets and batching helpers that every part uses, each file one small idea',
};

interface Import {
  from: string;
  to: string;
  spec: string;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (/\.tsx?$/.test(entry.name) && !/(\.test|-test-support)\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

/** `@riposte/<pkg>[/<subpath>]` to the file its package.json exports for it. */
function resolvePackage(spec: string): string | undefined {
  const m = /^@riposte\/([^/]+)(\/.*)?$/.exec(spec);
  if (!m) return undefined;
  const dir = path.join(PACKAGES, m[1]);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { exports?: Record<string, string> };
  const target = manifest.exports?.[m[2] ? `.${m[2]}` : '.'];
  if (!target) throw new Error(`${spec} is not exported by packages/${m[1]}/package.json`);
  return path.join(dir, target);
}

function importsOf(file: string): Import[] {
  const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
  const from = path.relative(ROOT, file);
  const out: Import[] = [];
  for (const { fileName: spec } of info.importedFiles) {
    const resolved = spec.startsWith('.') ? path.resolve(path.dirname(file), spec) : resolvePackage(spec);
    if (resolved) out.push({ from, to: path.relative(ROOT, resolved), spec });
  }
  return out;
}

const allImports = sourceFiles(PACKAGES).flatMap(importsOf);

/** The first folder under `base` that `file` is in ('' for a file directly in it, or outside it). */
function partOf(file: string, base: string): string {
  if (!file.startsWith(`${base}/`)) return '';
  const rest = file.slice(base.length + 1).split('/');
  return rest.length > 1 ? rest[0] : '';
}

const show = (list: Import[]) => list.map((i) => `${i.from} -> ${i.to}`);

describe('import boundaries', () => {
  it('finds the imports it checks', () => {
    // A scan that saw nothing would pass every rule below.
    expect(allImports.filter((i) => i.from.startsWith(`${CORE}/`)).length).toBeGreaterThan(100);
    expect(allImports.some((i) => i.spec === '@riposte/core/script-visibility')).toBe(true);
  });

  it('a core part is entered through its index.ts (or a named subpath export)', () => {
    const bad = allImports.filter((i) => {
      const part = partOf(i.to, CORE);
      if (!part || part in CORE_KITS || partOf(i.from, CORE) === part) return false;
      return i.to !== `${CORE}/${part}/index.ts` && !(i.to in CORE_SUBPATH_EXPORTS);
    });
    expect(show(bad)).toEqual([]);
  });

  it('a core kit imports no part of core', () => {
    const bad = allImports.filter((i) => {
      const from = partOf(i.from, CORE);
      return from in CORE_KITS && i.to.startsWith(`${CORE}/`) && partOf(i.to, CORE) !== from;
    });
    expect(show(bad)).toEqual([]);
  });

  it('every allowed core subpath is a subpath export of @riposte/core', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(PACKAGES, 'core/package.json'), 'utf8')) as { exports: Record<string, string> };
    const exported = Object.entries(manifest.exports).filter(([k]) => k !== '.').map(([, v]) => path.join('packages/core', v));
    expect(Object.keys(CORE_SUBPATH_EXPORTS).sort()).toEqual(exported.sort());
  });

  it('a server dialect imports nothing from another dialect (shared code lives outside the dialect folders)', () => {
    const bad = allImports.filter((i) => {
      const from = partOf(i.from, SERVER);
      const to = partOf(i.to, SERVER);
      return SERVER_DIALECTS.includes(from) && SERVER_DIALECTS.includes(to) && from !== to;
    });
    expect(show(bad)).toEqual([]);
  });

  it('the agent imports no riposte package but @riposte/spec', () => {
    const bad = allImports.filter((i) => i.from.startsWith('packages/agent/') && !i.to.startsWith('packages/agent/') && !i.to.startsWith('packages/spec/'));
    expect(show(bad)).toEqual([]);
  });

  it('core imports neither the server nor the packages built on it', () => {
    const above = ['server', 'agent', 'client', 'cli', 'console'].map((p) => `packages/${p}/`);
    const bad = allImports.filter((i) => i.from.startsWith(`${CORE}/`) && above.some((p) => i.to.startsWith(p)));
    expect(show(bad)).toEqual([]);
  });
});
