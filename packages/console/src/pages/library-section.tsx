import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/** How a library page reaches its collection: ids by name, the records, and deletion. */
export interface LibraryCalls<T> {
  /** What one item is called in messages ("script", "put-file"). */
  kind: string;
  list: () => Promise<string[]>;
  get: (ids: string[]) => Promise<T[]>;
  delete: (ids: string[]) => Promise<unknown>;
}

/**
 * The state every RTR library page keeps: its items sorted by name, an error and a status line.
 * `change` runs a write, says what it did and lists the library again; `remove` asks first.
 */
export function useLibrary<T extends { id: string; name: string }>(calls: LibraryCalls<T>) {
  const [items, setItems] = useState<T[]>([]);
  const [error, setError] = useState('');
  const [status, setStatus] = useState('');
  const load = async () => {
    try {
      const ids = await calls.list();
      setItems(ids.length ? (await calls.get(ids)).sort((a, b) => a.name.localeCompare(b.name)) : []);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  useEffect(() => void load(), []);

  /** Runs a write: on success says `done`, clears the error and lists again; on failure shows the error, worded by `failed`. */
  const change = async (write: () => Promise<unknown>, done: string, failed: (err: unknown) => string = (err) => (err as Error).message): Promise<boolean> => {
    try {
      await write();
      setStatus(done);
      setError('');
      await load();
      return true;
    } catch (err) {
      setStatus('');
      setError(failed(err));
      return false;
    }
  };
  const remove = async (item: T) => {
    if (!confirm(`Delete the ${calls.kind} ${item.name}?`)) return;
    await change(() => calls.delete([item.id]), `deleted ${item.name}`);
  };
  return { items, error, status, setStatus, change, remove };
}

/** A library page's frame: its heading, the error (an alert) and the status line (polite), then the page. */
export function LibrarySection(props: { id: string; title: string; error: string; status: string; children: ComponentChildren }) {
  return (
    <section aria-labelledby={props.id}>
      <h2 id={props.id}>{props.title}</h2>
      {props.error && <p role="alert" class="error">{props.error}</p>}
      <p class="count" aria-live="polite">{props.status}</p>
      {props.children}
    </section>
  );
}
