// The simulated disk: POSIX or Windows semantics over an OverlayTree, so the generated layout costs
// nothing until first touched and commands' changes survive dropping it.

import { type FileEntry, type Platform, CommandError, invalidArgument } from '../commands/index.ts';
import { contentSize, type Content } from './content.ts';
import { OverlayTree, type TreeEntry } from './overlay-tree.ts';
import { pathStyle, type PathStyle } from './paths.ts';

const notFound = (subject: string) => new CommandError('not_found', `${subject}: no such file or directory`);

/** Times are whole seconds since 2000-01-01: small integers, which V8 stores without boxing. */
const TIME_ORIGIN = Date.UTC(2000, 0, 1);
export const toStamp = (ms: number) => Math.floor((ms - TIME_ORIGIN) / 1000);
export const fromStamp = (stamp: number) => TIME_ORIGIN + stamp * 1000;

interface NodeBase {
  /** POSIX octal mode (`0644`) or Windows attribute letters (`A`, `D`, `HS`). */
  attrs: string;
  /** Creation and modification time, see toStamp. */
  btime: number;
  mtime: number;
  /** Owned by TrustedInstaller: even SYSTEM may not delete, move or overwrite it. */
  locked?: boolean;
}

export interface FsDir extends NodeBase {
  kind: 'directory';
}

export interface FsFile extends NodeBase {
  kind: 'file';
  content: Content;
}

export type FsNode = FsDir | FsFile;
export type FsEntry = TreeEntry<FsNode>;
export type FsEntryOf<N extends FsNode> = TreeEntry<N>;

/** Directory listings kept per host (see listing()); a fan-out lists one or two directories. */
const LISTINGS_KEPT = 4;

export type Listing = {
  readonly path: string;
  readonly entries: readonly Readonly<FileEntry>[];
};

export class VirtualFs {
  readonly style: PathStyle;
  readonly #tree: OverlayTree<FsNode>;
  /** Recent listings by path key; dropped whole on any change to the disk. */
  #listings: Map<string, Listing> | undefined;

  constructor(platform: Platform, generate: () => Iterable<FsEntry>) {
    this.style = pathStyle(platform);
    this.#tree = new OverlayTree(this.style, generate);
  }

  /** Absolute path of `input` against `cwd`; invalid_argument when it can't be a path here. */
  resolve(cwd: string, input: unknown, what = 'path'): string {
    if (typeof input !== 'string' || input === '') throw invalidArgument(`${what} is required (non-empty string)`);
    const p = this.style.resolve(cwd, input);
    if (p === null) throw invalidArgument(`${what} is not a valid path: ${input}`);
    return p;
  }

  stat(path: string): FsEntry | undefined {
    return this.#tree.get(path);
  }

  require(path: string): FsEntry {
    const e = this.#tree.get(path);
    if (!e) throw notFound(path);
    return e;
  }

  requireDir(path: string): FsEntryOf<FsDir> {
    const e = this.require(path);
    if (e.value.kind !== 'directory') throw new CommandError('not_a_directory', `${e.path}: not a directory`);
    return e as FsEntryOf<FsDir>;
  }

  requireFile(path: string): FsEntryOf<FsFile> {
    const e = this.require(path);
    if (e.value.kind !== 'file') throw new CommandError('is_a_directory', `${e.path}: is a directory`);
    return e as FsEntryOf<FsFile>;
  }

  /** A directory's entries sorted by name, or the file itself. */
  list(path: string): FsEntry[] {
    const e = this.require(path);
    if (e.value.kind === 'file') return [e];
    return this.#tree.children(e.path).sort((a, b) => {
      const [x, y] = [this.style.key(this.style.basename(a.path)), this.style.key(this.style.basename(b.path))];
      return x < y ? -1 : x > y ? 1 : 0;
    });
  }

  /**
   * What `ls` answers: the entries of a directory (sorted by name), or of a file. The last few are
   * kept until the disk changes: a fan-out lists the same directory on every host again and again,
   * and sorting and formatting times would be most of its cost. A kept listing is frozen all the way
   * down and answered as it is: nobody can change the host through it, and the agent client
   * serialises it only once (see transport/result-json.ts).
   */
  listing(path: string): Listing {
    const key = this.style.key(path);
    let found = this.#listings?.get(key);
    if (!found) {
      const target = this.require(path);
      const entries = Object.freeze(this.list(target.path).map((e) => Object.freeze(this.describe(e))));
      found = Object.freeze({ path: target.path, entries });
      const kept = (this.#listings ??= new Map());
      if (kept.size >= LISTINGS_KEPT) kept.delete(kept.keys().next().value!);
      kept.set(key, found);
    }
    return found;
  }

  /** Everything beneath a directory, parents before children (for zip). */
  descendants(path: string): FsEntry[] {
    return this.#tree.descendants(path);
  }

  writeFile(path: string, content: Content, overwrite: boolean): FsEntry {
    this.#listings = undefined;
    const existing = this.#tree.get(path);
    if (existing) {
      if (existing.value.kind === 'directory') throw new CommandError('is_a_directory', `${existing.path}: is a directory`);
      if (!overwrite) throw new CommandError('already_exists', `${existing.path}: already exists`);
      this.#assertMutable(existing);
    }
    const target = existing?.path ?? this.#childPath(path);
    const now = toStamp(Date.now());
    const attrs = existing?.value.attrs ?? (this.style.windows ? 'A' : '0644');
    this.#tree.set(target, { kind: 'file', attrs, btime: existing?.value.btime ?? now, mtime: now, content });
    return this.#tree.get(target)!;
  }

  mkdir(path: string, parents: boolean): FsEntry {
    this.#listings = undefined;
    const existing = this.#tree.get(path);
    if (existing) {
      if (!parents) throw new CommandError('already_exists', `${existing.path}: already exists`);
      if (existing.value.kind !== 'directory') throw new CommandError('not_a_directory', `${existing.path}: not a directory`);
      return existing;
    }
    const parent = this.style.parent(path);
    if (parents && parent !== null && !this.#tree.get(parent)) this.mkdir(parent, true);
    const target = this.#childPath(path);
    const now = toStamp(Date.now());
    this.#tree.set(target, { kind: 'directory', attrs: this.style.windows ? 'D' : '0755', btime: now, mtime: now });
    return this.#tree.get(target)!;
  }

  /** Removes a file, an empty directory, or any directory when `recursive`; null if absent and `force`. */
  remove(path: string, recursive: boolean, force: boolean): string | null {
    this.#listings = undefined;
    if (this.style.parent(path) === null) throw invalidArgument(`refusing to remove ${path}`);
    const e = this.#tree.get(path);
    if (!e) {
      if (force) return null;
      throw notFound(path);
    }
    if (e.value.kind === 'directory' && !recursive && this.#tree.children(e.path).length > 0) {
      throw invalidArgument(`${e.path}: directory not empty (set recursive to remove it and its contents)`);
    }
    this.#assertRemovable(e);
    this.#tree.remove(e.path);
    return e.path;
  }

  /**
   * cp/mv: into `destination` when it is a directory, else onto it (replacing a file). Directories
   * are copied whole but never merged into an existing one.
   */
  transfer(source: string, destination: string, move: boolean): { source: string; destination: string } {
    this.#listings = undefined;
    const src = this.require(source);
    if (move) this.#assertRemovable(src);
    const dest = this.#tree.get(destination);
    const wanted = dest?.value.kind === 'directory' ? this.style.join(dest.path, this.style.basename(src.path)) : destination;
    // Renaming to itself is fine (a case-only rename on Windows/mac); copying onto itself is not.
    const same = this.style.key(wanted) === this.style.key(src.path);
    const renameInPlace = move && same && wanted !== src.path;
    if (same && !renameInPlace) throw invalidArgument(`${src.path} and ${wanted} are the same file`);
    if (this.style.within(wanted, src.path) && !renameInPlace) {
      throw invalidArgument(`cannot ${move ? 'move' : 'copy'} ${src.path} into itself`);
    }
    const existing = renameInPlace ? undefined : this.#tree.get(wanted);
    if (existing) {
      if (existing.value.kind === 'directory') {
        throw src.value.kind === 'directory'
          ? new CommandError('already_exists', `${existing.path}: already exists`)
          : new CommandError('is_a_directory', `${existing.path}: is a directory`);
      }
      if (src.value.kind === 'directory') throw new CommandError('not_a_directory', `${existing.path}: cannot overwrite a non-directory with a directory`);
      this.#assertMutable(existing);
    }
    const target = existing?.path ?? this.#childPath(wanted);
    if (existing) this.#tree.remove(existing.path);
    this.#tree.transplant(src.path, target, move);
    return { source: src.path, destination: target };
  }

  /** The contract's FileEntry for one entry. */
  describe(e: FsEntry): FileEntry {
    const n = e.value;
    const mtime = new Date(fromStamp(n.mtime)).toISOString();
    return {
      name: this.style.basename(e.path),
      path: e.path,
      type: n.kind,
      size: n.kind === 'file' ? contentSize(n.content) : this.style.windows ? 0 : 4096,
      mode: n.attrs,
      mtime,
      atime: mtime,
      ctime: mtime,
      birthtime: new Date(fromStamp(n.btime)).toISOString(),
    };
  }

  /** Adds a drive root (a mapped network drive on Windows). */
  addRoot(root: string): void {
    this.#listings = undefined;
    const now = toStamp(Date.now());
    this.#tree.set(root, { kind: 'directory', attrs: 'D', btime: now, mtime: now });
  }

  removeRoot(root: string): void {
    this.#listings = undefined;
    this.#tree.remove(root);
  }

  get changed(): boolean {
    return this.#tree.changed;
  }

  /** Drops the generated layout (regenerated on demand); changes made by commands stay. */
  dropBase(): void {
    this.#listings = undefined;
    this.#tree.dropBase();
  }

  /** Path for a new entry: the existing parent's real path joined with the typed name. */
  #childPath(path: string): string {
    const parentPath = this.style.parent(path);
    if (parentPath === null) throw new CommandError('permission_denied', `${path}: cannot create a root`);
    const parent = this.requireDir(parentPath);
    return this.style.join(parent.path, this.style.basename(path));
  }

  /** All or nothing: a tree holding protected files is refused whole rather than half deleted. */
  #assertRemovable(e: FsEntry): void {
    this.#assertMutable(e);
    if (e.value.kind === 'directory') for (const d of this.#tree.descendants(e.path)) this.#assertMutable(d);
  }

  #assertMutable(e: FsEntry): void {
    if (this.style.parent(e.path) === null || e.value.locked) throw new CommandError('permission_denied', `${e.path}: operation not permitted`);
  }
}
