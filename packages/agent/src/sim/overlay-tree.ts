// A hierarchical store (file system, registry) split in two: a base generated from the host's seed
// on first use and droppable at any time, and an overlay holding only what commands changed. This
// is what keeps an idle simulated host tiny while letting `rm` then `ls` show the change.
//
// The base is a nested tree holding only names (no full paths, no lookup maps): thousands of hosts
// may hold one, and paths are cheap to rebuild while walking.

/** How paths of one tree compare and nest. */
export interface TreeShape {
  /** Identity for lookups (case-folded where the tree is case-insensitive); paths and names alike. */
  key(s: string): string;
  /** Containing node; null for a root. */
  parent(path: string): string | null;
  /** Root first, then one name per level: `C:\a\b` → [`C:\`, `a`, `b`]. */
  split(path: string): string[];
  join(dir: string, name: string): string;
}

export interface TreeEntry<T> {
  /** Display path, in the case it was created with. */
  readonly path: string;
  readonly value: T;
}

interface BaseNode<T> {
  name: string;
  value: T;
  children?: BaseNode<T>[];
}

export class OverlayTree<T> {
  #roots: BaseNode<T>[] | undefined;
  /** Changed entries by key; null marks a base entry as deleted. */
  #overlay: Map<string, TreeEntry<T> | null> | undefined;

  constructor(
    private readonly shape: TreeShape,
    private readonly generate: () => Iterable<TreeEntry<T>>,
  ) {}

  get(path: string): TreeEntry<T> | undefined {
    const changed = this.#overlay?.get(this.shape.key(path));
    if (changed !== undefined) return changed ?? undefined;
    const found = this.#find(path);
    return found && { path: found.path, value: found.node.value };
  }

  /** Creates or replaces one entry; the caller makes sure its parent exists. */
  set(path: string, value: T): void {
    (this.#overlay ??= new Map()).set(this.shape.key(path), { path, value });
  }

  /** Direct children of `path`, in no particular order. */
  children(path: string): TreeEntry<T>[] {
    const out: TreeEntry<T>[] = [];
    const base = this.#find(path);
    for (const child of base?.node.children ?? []) {
      const childPath = this.shape.join(base!.path, child.name);
      if (!this.#overlay || !this.#overlay.has(this.shape.key(childPath))) out.push({ path: childPath, value: child.value });
    }
    const key = this.shape.key(path);
    for (const entry of this.#overlay?.values() ?? []) {
      const parent = entry && this.shape.parent(entry.path);
      if (parent !== null && parent !== undefined && this.shape.key(parent) === key) out.push(entry!);
    }
    return out;
  }

  /** Everything beneath `path` (not `path` itself), parents before children. */
  descendants(path: string): TreeEntry<T>[] {
    const out: TreeEntry<T>[] = [];
    const walk = (p: string) => {
      for (const child of this.children(p)) {
        out.push(child);
        walk(child.path);
      }
    };
    walk(path);
    return out;
  }

  /** Deletes `path` and everything beneath it. */
  remove(path: string): void {
    const doomed = [path, ...this.descendants(path).map((e) => e.path)];
    const overlay = (this.#overlay ??= new Map());
    for (const p of doomed) {
      // Base entries need a tombstone; entries that only ever lived in the overlay just go.
      if (this.#find(p)) overlay.set(this.shape.key(p), null);
      else overlay.delete(this.shape.key(p));
    }
  }

  /**
   * Copies the subtree at `from` (an existing entry's display path) to `to`, optionally deleting
   * the original. Entries are shared, not cloned: values are treated as immutable.
   */
  transplant(from: string, to: string, move: boolean): number {
    const entries = [this.get(from)!, ...this.descendants(from)];
    if (move) this.remove(from);
    for (const e of entries) this.set(to + e.path.slice(from.length), e.value);
    return entries.length;
  }

  /** Whether anything was changed (and so must outlive the base). */
  get changed(): boolean {
    return (this.#overlay?.size ?? 0) > 0;
  }

  /** Forgets the generated base; it is rebuilt from the seed on next use. Changes are kept. */
  dropBase(): void {
    this.#roots = undefined;
  }

  /** The base node at `path` and its display path, ignoring the overlay. */
  #find(path: string): { node: BaseNode<T>; path: string } | undefined {
    const [root, ...names] = this.shape.split(path);
    let node = this.#named(this.#base(), root);
    let display = node?.name ?? '';
    for (const name of names) {
      node = node && this.#named(node.children, name);
      if (!node) return undefined;
      display = this.shape.join(display, node.name);
    }
    return node && { node, path: display };
  }

  #named(nodes: BaseNode<T>[] | undefined, name: string): BaseNode<T> | undefined {
    const key = this.shape.key(name);
    return nodes?.find((n) => n.name === name || this.shape.key(n.name) === key);
  }

  #base(): BaseNode<T>[] {
    if (this.#roots) return this.#roots;
    const roots: BaseNode<T>[] = [];
    // Only while building: parents by key, so each entry finds its parent in O(1).
    const byKey = new Map<string, BaseNode<T>>();
    for (const { path, value } of this.generate()) {
      const parent = this.shape.parent(path);
      const names = this.shape.split(path);
      const node: BaseNode<T> = { name: intern(names[names.length - 1]), value, children: undefined };
      if (parent === null) roots.push(node);
      else {
        const p = byKey.get(this.shape.key(parent));
        if (!p) throw new Error(`generated ${path} before its parent`);
        (p.children ??= []).push(node);
      }
      byKey.set(this.shape.key(path), node);
    }
    // Arrays grown by push keep spare capacity (17 slots for one child); hosts keep exact ones.
    for (const node of byKey.values()) if (node.children) node.children = node.children.slice();
    return (this.#roots = roots);
  }
}

/**
 * Base names repeat across hosts (System32, cmd.exe, .bashrc, user names from a fixed list), so
 * all hosts share one copy of each. The copy is detached from the path it was cut from: V8 keeps
 * longer substrings as slices that pin the whole original string.
 */
const NAMES = new Map<string, string>();
/** Past this many distinct names (per-host ones, like registry SIDs), names are just detached. */
const MAX_SHARED_NAMES = 50_000;
function intern(name: string): string {
  let shared = NAMES.get(name);
  if (shared === undefined) {
    shared = name.length < 13 ? name : Buffer.from(name, 'utf8').toString('utf8');
    if (NAMES.size < MAX_SHARED_NAMES) NAMES.set(name, shared);
  }
  return shared;
}
