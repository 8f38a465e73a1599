import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The import boundaries of docs/architecture.md, checked over every source file of packages/
 * (test files and their `*-test-support.ts` helpers excepted: a test wires parts together on
 * purpose). Each rule lists the imports that break it, as `importer -> imported`, so a failure
 * names what to move.
 */

const ROOT = path.resolve(import.meta.dirname, '..');
const PACKAGES = path.join(ROOT, 'packages');
const CORE = 'packages/core/src';
const SERVER = 'packages/server/src';
const AGENT = 'packages/agent/src';
const SERVER_DIALECTS = ['falcon', 'carbonblack', 'identity', 'gateway', 'console'];

/** Sources whose folders are parts, each entered from outside only through its index.ts. */
const PARTED = [CORE, SERVER, AGENT];

/**
 * Files of a part that may be imported from outside it by a path other than its index.ts, and
 * why: a separate entry keeps a light index from loading a heavy module. A subpath export of a
 * riposte package must be one of them.
 */
const SEPARATE_ENTRIES: Record<string, string> = {
  'packages/agent/src/commands/os-executor.ts':
    'the real executor, which loads every OS command: commands/index.ts stays the light vocabulary (types, errors, argument readers) that the simulator and the transport load',
  // Values the CLI's help text shows, read without loading the package they belong to (a local
  // command loads core, the server or the agent only when it runs).
  'packages/core/src/console/roles.ts': '@riposte/core/console-roles: the console roles `riposte users --help` lists',
  'packages/agent/src/sim/fleet/options.ts': '@riposte/agent/fleet-options: the defaults `riposte agent simulate --help` shows',
  'packages/spec/src/carbonblack/permissions.ts': '@riposte/spec/carbonblack-permissions: the permissions `riposte api-keys --help` lists',
};

/**
 * Folders that are kits of one-file helpers rather than parts with a contract: any part imports
 * the file it needs, and the kit itself imports no part (so it stays a leaf).
 */
const KITS: Record<string, string> = {
  [`${CORE}/util`]: 'errors, ids, log, secrets and batching helpers that every part uses, each file one small idea',
};

/** Folders only test code imports (file by file), so they need no index.ts. */
const TEST_HELPERS: Record<string, string> = {
  [`${CORE}/testing`]: "set-up shared by core's unit tests and the end-to-end tests (test/support)",
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
  const target = manifestOf(m[1]).exports?.[m[2] ? `.${m[2]}` : '.'];
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

/** The part folder (`packages/<pkg>/src/<folder>`) that `file` is in, or ''. */
function partFolder(file: string): string {
  const base = PARTED.find((b) => partOf(file, b));
  return base ? `${base}/${partOf(file, base)}` : '';
}

function manifestOf(pkg: string): { exports?: Record<string, string> } {
  return JSON.parse(fs.readFileSync(path.join(PACKAGES, pkg, 'package.json'), 'utf8'));
}

const show = (list: Import[]) => list.map((i) => `${i.from} -> ${i.to}`);

describe('import boundaries', () => {
  it('finds the imports it checks', () => {
    // A scan that saw nothing would pass every rule below.
    for (const base of PARTED) expect(allImports.filter((i) => i.from.startsWith(`${base}/`)).length).toBeGreaterThan(100);
    expect(allImports.some((i) => i.from.startsWith('packages/cli/') && i.to === 'packages/spec/src/index.ts')).toBe(true);
  });

  it('a part (a folder of core, server or agent src) is entered through its index.ts (or a named separate entry)', () => {
    const bad = allImports.filter((i) => {
      const part = partFolder(i.to);
      if (!part || part in KITS || partFolder(i.from) === part) return false;
      return i.to !== `${part}/index.ts` && !(i.to in SEPARATE_ENTRIES);
    });
    expect(show(bad)).toEqual([]);
  });

  it('a kit imports no part', () => {
    const bad = allImports.filter((i) => {
      const from = partFolder(i.from);
      return from in KITS && partFolder(i.to) !== '' && partFolder(i.to) !== from;
    });
    expect(show(bad)).toEqual([]);
  });

  it('every part folder has an index.ts, and every allowed separate entry exists', () => {
    const parts = PARTED.flatMap((base) =>
      fs.readdirSync(path.join(ROOT, base), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => `${base}/${e.name}`),
    );
    expect(parts.filter((p) => !(p in KITS) && !(p in TEST_HELPERS) && !fs.existsSync(path.join(ROOT, p, 'index.ts')))).toEqual([]);
    expect(Object.keys(SEPARATE_ENTRIES).filter((f) => !fs.existsSync(path.join(ROOT, f)))).toEqual([]);
  });

  it('every subpath export of a riposte package is a named separate entry', () => {
    const exported = fs
      .readdirSync(PACKAGES)
      .filter((pkg) => fs.existsSync(path.join(PACKAGES, pkg, 'package.json')))
      .flatMap((pkg) => Object.entries(manifestOf(pkg).exports ?? {}).filter(([k]) => k !== '.').map(([, v]) => path.join('packages', pkg, v)));
    expect(exported.filter((f) => !(f in SEPARATE_ENTRIES))).toEqual([]);
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
