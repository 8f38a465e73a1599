import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * The vendors' SDK sources, which sit beside the repository (`../shared/vendor`; two levels up from
 * a git worktree). RIPOSTE_VENDOR_DIR points elsewhere.
 */
export const VENDOR_DIR =
  process.env.RIPOSTE_VENDOR_DIR ??
  [path.resolve(ROOT, '../shared/vendor'), path.resolve(ROOT, '../../shared/vendor')].find((d) => fs.existsSync(d)) ??
  path.resolve(ROOT, '../shared/vendor');
