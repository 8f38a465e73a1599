import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { useOnlineState } from './online-state.ts';

const PAGE = 50;
const COLUMNS = [
  ['hostname', 'Host name'],
  ['platform_name', 'Platform'],
  ['os_version', 'OS'],
  ['local_ip', 'Local IP'],
  ['status', 'Status'],
  ['last_seen', 'Last seen'],
] as const;

const FIELDS = COLUMNS.map(([field]) => field);

interface Query {
  filter: string;
  sort: string;
  offset: number;
}

/** Hosts: an FQL filter, sortable columns and server-side pages (CombinedDevicesByFilter: the ids and their records in one call), the online state live. */
export function HostsPage() {
  const [query, setQuery] = useState<Query>({ filter: '', sort: 'hostname.asc', offset: 0 });
  const [draft, setDraft] = useState('');
  const [rows, setRows] = useState<any[]>([]);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState('');
  const [loading, setLoading] = useState(true);

  useEffect(() => {
    let live = true;
    setLoading(true);
    (async () => {
      try {
        // One round trip for ids and records, only the columns shown.
        const page = await api.combinedDevicesByFilter({ query: { filter: query.filter || undefined, sort: query.sort, offset: String(query.offset), limit: PAGE, fields: FIELDS } });
        if (!live) return;
        setRows(page.resources);
        setTotal(Number(page.meta.pagination?.total ?? 0));
        setError('');
      } catch (err) {
        if (live) {
          setError((err as Error).message);
          setRows([]);
          setTotal(0);
        }
      } finally {
        if (live) setLoading(false);
      }
    })();
    return () => {
      live = false;
    };
  }, [query]);

  const online = useOnlineState(rows.map((h) => h.device_id));
  const sortBy = (field: string) => setQuery((q) => ({ ...q, offset: 0, sort: q.sort === `${field}.asc` ? `${field}.desc` : `${field}.asc` }));
  const [sortField, sortDir] = query.sort.split('.');
  return (
    <section>
      <h1>Hosts</h1>
      <form class="search" onSubmit={(e) => { e.preventDefault(); setQuery((q) => ({ ...q, filter: draft.trim(), offset: 0 })); }}>
        <label>
          FQL filter
          <input name="filter" value={draft} onInput={(e) => setDraft((e.target as HTMLInputElement).value)} placeholder="platform_name:'Linux'+hostname:*'web*'" aria-invalid={!!error} aria-describedby="filter-error" />
        </label>
        <button type="submit">Search</button>
      </form>
      {error && <p id="filter-error" role="alert" class="error">{error}</p>}
      <p class="count" aria-live="polite">{loading ? 'Loading…' : `${total} host${total === 1 ? '' : 's'}`}</p>
      <table class="hosts">
        <thead>
          <tr>
            {COLUMNS.map(([field, label]) => (
              <th key={field} aria-sort={sortField === field ? (sortDir === 'asc' ? 'ascending' : 'descending') : undefined}>
                <button type="button" onClick={() => sortBy(field)}>{label}{sortField === field ? (sortDir === 'asc' ? ' ▲' : ' ▼') : ''}</button>
              </th>
            ))}
            <th>Online</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((h) => (
            <tr key={h.device_id}>
              <td><a href={`#/hosts/${h.device_id}`}>{h.hostname}</a></td>
              <td>{h.platform_name}</td>
              <td>{h.os_version}</td>
              <td>{h.local_ip}</td>
              <td>{h.status}</td>
              <td>{h.last_seen}</td>
              <td class={online.get(h.device_id) ?? ''}>{online.get(h.device_id) ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <nav class="pager" aria-label="Pages">
        <button type="button" disabled={query.offset === 0} onClick={() => setQuery((q) => ({ ...q, offset: Math.max(0, q.offset - PAGE) }))}>Previous</button>
        <span>{total ? `${query.offset + 1}–${Math.min(query.offset + PAGE, total)} of ${total}` : ''}</span>
        <button type="button" disabled={query.offset + PAGE >= total} onClick={() => setQuery((q) => ({ ...q, offset: q.offset + PAGE }))}>Next</button>
      </nav>
    </section>
  );
}
