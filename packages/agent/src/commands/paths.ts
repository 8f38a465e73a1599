import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Settings } from './context.ts';

/** Resolves a path argument against the session directory. `~` is deliberately not expanded. */
export function resolveIn(cwd: string, p: string): string {
  return path.resolve(cwd, p);
}

/** `/`, or a drive / UNC root on Windows. */
export function isFilesystemRoot(p: string): boolean {
  return path.parse(p).root === p;
}

/** Directory for files the agent produces itself (dumps, log exports, temporary scripts). */
export async function outputDir(settings: Settings): Promise<string> {
  const dir = settings.stateDir ?? path.join(os.tmpdir(), 'riposte-agent');
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/**
 * A fresh path in the output directory named `<stem>-<UTC timestamp><ext>`, e.g.
 * `memdump-42-20240131T120000Z.dmp`; `-2`, `-3`, … are appended when that name is taken.
 */
export async function outputFile(settings: Settings, stem: string, ext: string): Promise<string> {
  const dir = await outputDir(settings);
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  for (let n = 1; ; n++) {
    const candidate = path.join(dir, `${stem}-${stamp}${n > 1 ? `-${n}` : ''}${ext}`);
    if (!(await fs.lstat(candidate).catch(() => null))) return candidate;
  }
}

/** Whether a file exists and is executable (used to pick interpreters and tools). */
export async function isExecutable(p: string): Promise<boolean> {
  try {
    await fs.access(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Finds a program on PATH, like `command -v`; null when absent. */
export async function findOnPath(name: string): Promise<string | null> {
  const exts = process.platform === 'win32' ? (process.env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      if (await isExecutable(candidate)) return candidate;
    }
  }
  return null;
}
