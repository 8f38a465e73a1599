// Path syntax of the simulated platform, independent of the OS running the simulator (node:path
// would give POSIX answers for Windows hosts on this Linux machine).

import type { Platform } from '../commands/index.ts';

/** Characters Windows refuses in a file name (the `:` of a drive is handled before this check). */
const WINDOWS_BAD_CHARS = /[<>:"|?*\x00-\x1f]/;

export class PathStyle {
  readonly sep: '\\' | '/';
  /** The root a session starts in. */
  readonly root: string;

  constructor(readonly windows: boolean, readonly caseInsensitive: boolean) {
    this.sep = windows ? '\\' : '/';
    this.root = windows ? 'C:\\' : '/';
  }

  isAbsolute(p: string): boolean {
    return this.windows ? /^[A-Za-z]:[\\/]/.test(p) : p.startsWith('/');
  }

  /**
   * `input` made absolute against `cwd` (itself absolute) and normalised: `.`/`..` resolved,
   * separators unified, drive letter upper-cased. Null when the input can't name a path here
   * (NUL bytes, Windows-illegal characters, UNC paths, which the virtual disk doesn't have).
   */
  resolve(cwd: string, input: string): string | null {
    if (input.includes('\0')) return null;
    if (!this.windows) return '/' + normalise((input.startsWith('/') ? input : `${cwd}/${input}`).split('/')).join('/');

    let p = input.replace(/\//g, '\\');
    if (p.startsWith('\\\\')) return null;
    const drive = /^([A-Za-z]):(.*)$/s.exec(p);
    if (drive) {
      const letter = `${drive[1].toUpperCase()}:`;
      // `D:foo` is relative to the current directory only when that is on D:.
      p = drive[2].startsWith('\\') ? letter + drive[2] : `${sameDrive(cwd, letter) ? cwd : letter}\\${drive[2]}`;
    } else {
      p = p.startsWith('\\') ? cwd.slice(0, 2) + p : `${cwd}\\${p}`;
    }
    const segments = normalise(p.slice(2).split('\\'));
    if (segments.some((s) => WINDOWS_BAD_CHARS.test(s))) return null;
    return `${p.slice(0, 2).toUpperCase()}\\${segments.join('\\')}`;
  }

  /** Containing directory; null for a root. */
  parent(p: string): string | null {
    const i = p.lastIndexOf(this.sep);
    const rootLength = this.windows ? 3 : 1; // `C:\` or `/`
    if (p.length <= rootLength) return null;
    return p.slice(0, i === rootLength - 1 ? rootLength : i);
  }

  /** Last component; a root is its own name. */
  basename(p: string): string {
    return p.slice(p.lastIndexOf(this.sep) + 1) || p;
  }

  /** Root first, then the names below it: `C:\\a\\b` → [`C:\\`, `a`, `b`]. */
  split(p: string): string[] {
    const rootLength = this.windows ? 3 : 1;
    return [p.slice(0, rootLength), ...p.slice(rootLength).split(this.sep).filter((s) => s !== '')];
  }

  join(dir: string, name: string): string {
    return dir.endsWith(this.sep) ? dir + name : dir + this.sep + name;
  }

  /** Identity of a path for lookups: case-folded where the platform's file system is. */
  key(p: string): string {
    return this.caseInsensitive ? p.toLowerCase() : p;
  }

  /** Whether `p` is `ancestor` or lies beneath it. */
  within(p: string, ancestor: string): boolean {
    const a = this.key(ancestor);
    const k = this.key(p);
    return k === a || k.startsWith(a.endsWith(this.sep) ? a : a + this.sep);
  }
}

function normalise(parts: string[]): string[] {
  const out: string[] = [];
  for (const part of parts) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out;
}

function sameDrive(cwd: string, letter: string): boolean {
  return cwd.slice(0, 2).toUpperCase() === letter;
}

// APFS is case-insensitive by default, so mac paths are too; Linux file systems are not.
const STYLES: Record<Platform, PathStyle> = {
  windows: new PathStyle(true, true),
  linux: new PathStyle(false, false),
  mac: new PathStyle(false, true),
};

export const pathStyle = (platform: Platform): PathStyle => STYLES[platform];
