/**
 * Paths the agent refuses to touch: riposte's own secrets on the host it runs on — the agent's
 * state directory (its secret, its journal) and, beside a server, the server's data directory
 * (bootstrap.json, the database, evidence blobs). Every file command checks its paths here
 * before doing anything, whatever the caller's tier.
 *
 * Paths are compared by real path, so symlinks, `..`, `/proc/self` and (on case-insensitive
 * platforms) letter case lead to the same answer. A path that does not exist yet (a `put` or
 * `mkdir` target) is judged by the real path of its nearest existing ancestor.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { CommandError } from './errors.ts';

/** How a command uses a path. */
export type PathUse =
  /** read or write this path only (cat, get, put, ls of a directory's entries) */
  | 'entry'
  /** act on a whole tree (rm -r, cp/mv/zip of a directory): refused if a protected path lies inside it too */
  | 'tree';

export interface ProtectedPathsOptions {
  /** Directories and files to protect. */
  roots: readonly string[];
  /** Directories inside a root that commands may use all the same (the agent's output directory). */
  allowed?: readonly string[];
  platform?: NodeJS.Platform;
}

export class ProtectedPaths {
  private readonly roots: readonly string[];
  private readonly allowed: readonly string[];
  private readonly caseInsensitive: boolean;

  constructor(opts: ProtectedPathsOptions) {
    const platform = opts.platform ?? process.platform;
    this.caseInsensitive = platform === 'win32' || platform === 'darwin';
    this.roots = opts.roots.map((r) => path.resolve(r));
    this.allowed = (opts.allowed ?? []).map((r) => path.resolve(r));
  }

  /** The protected paths, as configured. */
  list(): readonly string[] {
    return this.roots;
  }

  /** Throws a permission_denied CommandError naming the protected path when `target` may not be used by `command`. */
  async check(command: string, target: string, use: PathUse = 'entry'): Promise<void> {
    const hit = await this.conflict(target, use);
    if (hit) {
      const where = use === 'tree' && !(await this.conflict(target, 'entry')) ? 'it contains' : 'it is in';
      throw new CommandError('permission_denied', `${command} ${target} refused: ${where} ${hit}, which holds riposte's own secrets and is protected on this host (agent --protect)`);
    }
  }

  /** The protected root `target` conflicts with, if any. */
  async conflict(target: string, use: PathUse): Promise<string | undefined> {
    if (this.roots.length === 0) return undefined;
    const roots = await Promise.all(this.roots.map((r) => realPathOrNearest(r)));
    const allowed = await Promise.all(this.allowed.map((r) => realPathOrNearest(r)));
    // The path itself (symlinks followed), and where it sits (a symlink named inside a root).
    const candidates = [await realPathOrNearest(target), path.join(await realPathOrNearest(path.dirname(target)), path.basename(target))];
    for (const [i, root] of roots.entries()) {
      for (const c of candidates) {
        if (this.inside(c, root) && !allowed.some((a) => this.inside(c, a))) return this.roots[i];
        if (use === 'tree' && this.inside(root, c)) return this.roots[i];
      }
    }
    return undefined;
  }

  /** Whether `p` is `dir` or below it. */
  private inside(p: string, dir: string): boolean {
    const [a, b] = this.caseInsensitive ? [p.toLowerCase(), dir.toLowerCase()] : [p, dir];
    return a === b || a.startsWith(b.endsWith(path.sep) ? b : b + path.sep);
  }
}

/** fs.realpath of `p`, or of its nearest existing ancestor with the rest appended. */
export async function realPathOrNearest(p: string): Promise<string> {
  const abs = path.resolve(p);
  const rest: string[] = [];
  let cur = abs;
  for (;;) {
    try {
      return path.join(await fs.realpath(cur), ...rest.reverse());
    } catch {
      const parent = path.dirname(cur);
      if (parent === cur) return abs;
      rest.push(path.basename(cur));
      cur = parent;
    }
  }
}
