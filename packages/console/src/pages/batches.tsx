import { useState } from 'preact/hooks';
import { runBatch, type HostResult } from '../../../client/src/batch.ts';
import { api, saveAs, type Me } from '../api.ts';
import { tierOf } from '../rtr.ts';

/** The most one QueryDevicesByFilter page holds: a batch runs on at most this many hosts. */
const MAX_HOSTS = 5000;

const download = (name: string, type: string, text: string) => saveAs(name, new Blob([text], { type }));

const csvCell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** One command on the hosts an FQL filter selects (BatchInitSessions + Batch*Cmd, as `riposte batch`), results per host as they arrive. */
export function BatchesPage(props: { me: Me }) {
  const tier = tierOf(props.me.scopes);
  const [results, setResults] = useState<HostResult[]>([]);
  const [names, setNames] = useState(new Map<string, string>());
  const [state, setState] = useState('');
  const [error, setError] = useState('');
  const run = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    setError('');
    setResults([]);
    try {
      const page = await api.queryDevicesByFilter({ query: { filter: String(form.get('filter')).trim() || undefined, limit: MAX_HOSTS } });
      const ids = page.resources;
      if (!ids.length) return setState('no host matches the filter');
      const total = Number(page.meta.pagination?.total ?? ids.length);
      if (total > ids.length) setError(`the filter selects ${total} hosts; a batch here runs on the first ${ids.length}`);
      // Host names, 5,000 ids per POST (the most PostDeviceDetailsV2 takes).
      const named = new Map<string, string>();
      for (let i = 0; i < ids.length; i += 5000) {
        for (const d of (await api.postDeviceDetailsV2({ body: { ids: ids.slice(i, i + 5000) } })).resources) named.set(d.device_id, d.hostname);
      }
      setNames(named);
      setState(`running on ${ids.length} hosts…`);
      let done: HostResult[] = [];
      for await (const chunk of runBatch(api, { hostIds: ids, commandLine: String(form.get('command')), tier: tier! })) {
        done = [...done, ...chunk];
        setResults(done);
      }
      setState(`finished: ${done.filter((r) => r.status === 'done').length} of ${ids.length} done`);
    } catch (err) {
      setState('');
      setError((err as Error).message);
    }
  };
  if (!tier) return <p>Your role ({props.me.role}) cannot run RTR commands.</p>;
  const rows = results.map((r) => ({ host: names.get(r.deviceId) ?? '', device_id: r.deviceId, status: r.status, stdout: r.stdout, stderr: r.stderr, error: r.error ?? '' }));
  return (
    <section>
      <h1>Batches</h1>
      <form class="search" onSubmit={run}>
        <label>FQL filter <input name="filter" placeholder="platform_name:'Linux'" /></label>
        <label>Command <input name="command" required placeholder="ls /etc" /></label>
        <button type="submit">Run</button>
      </form>
      {error && <p role="alert" class="error">{error}</p>}
      <p class="count" aria-live="polite">{state}</p>
      {rows.length > 0 && (
        <p>
          <button type="button" onClick={() => download('batch.csv', 'text/csv', ['host,device_id,status,stdout,stderr,error', ...rows.map((r) => Object.values(r).map(csvCell).join(','))].join('\n') + '\n')}>Export CSV</button>{' '}
          <button type="button" onClick={() => download('batch.json', 'application/json', JSON.stringify(rows, null, 2))}>Export JSON</button>
        </p>
      )}
      <table class="batch">
        <thead>
          <tr><th>Host</th><th>Status</th><th>Output</th></tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.device_id}>
              <td><a href={`#/hosts/${r.device_id}`}>{r.host || r.device_id}</a></td>
              <td>{r.status}</td>
              <td><pre>{(r.stdout + r.stderr).slice(0, 400) || r.error}</pre></td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
