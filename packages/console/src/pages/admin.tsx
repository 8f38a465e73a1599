import { useEffect, useState } from 'preact/hooks';
import { consoleCall, type Me } from '../api.ts';

interface ApiClient { client_id: string; name: string; description: string; scopes: string[]; created_at: string }
interface EnrollToken { id: string; description: string; created_at: string; expires_at: string | null; max_uses: number | null; uses: number; tags: string[]; state: string }

/** What a new API client may be given: the scopes of the roles (the registry's, by family). */
const SCOPES = ['devices:read', 'devices:write', 'host-group:read', 'host-group:write', 'real-time-response:read', 'real-time-response:write', 'real-time-response-admin:write', 'real-time-response-audit:read', 'response-policies:read', 'response-policies:write'];

/** A secret the server answers once: shown until dismissed, never again. */
function Secret(props: { label: string; value: string; onDone: () => void }) {
  return (
    <div class="card" role="status">
      <p><strong>{props.label}</strong> (shown once; copy it now):</p>
      <p><code class="secret">{props.value}</code></p>
      <button type="button" onClick={props.onDone}>I have copied it</button>
    </div>
  );
}

function useList<T>(path: string): [T[], () => Promise<void>, string, (e: string) => void] {
  const [rows, setRows] = useState<T[]>([]);
  const [error, setError] = useState('');
  const load = async () => {
    try {
      setRows((await consoleCall('GET', path)).resources);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  useEffect(() => void load(), []);
  return [rows, load, error, setError];
}

/** API clients and agent enrollment tokens (the admin role; every change is in the audit log). */
export function AdminPage(props: { me: Me }) {
  const [clients, loadClients, clientError, setClientError] = useList<ApiClient>('/console/api/api-clients');
  const [tokens, loadTokens, tokenError, setTokenError] = useList<EnrollToken>('/console/api/enroll-tokens');
  const [secret, setSecret] = useState<{ label: string; value: string }>();
  if (props.me.role !== 'admin') return <p>Your role ({props.me.role}) cannot manage API clients and enrollment tokens; the admin role does.</p>;

  const act = (setError: (e: string) => void, work: () => Promise<void>) => async (e?: Event) => {
    e?.preventDefault();
    try {
      await work();
      setError('');
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const createClient = (e: Event) => {
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    return act(setClientError, async () => {
      const c = (await consoleCall('POST', '/console/api/api-clients', { name: String(data.get('name')).trim(), description: String(data.get('description')), scopes: data.getAll('scope').map(String) })).resources[0];
      setSecret({ label: `Client ${c.client_id}, secret`, value: c.client_secret });
      form.reset();
      await loadClients();
    })(e);
  };
  const createToken = (e: Event) => {
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const maxUses = String(data.get('max_uses')).trim();
    const tags = String(data.get('tags')).split(',').map((t) => t.trim()).filter(Boolean);
    return act(setTokenError, async () => {
      const tok = (await consoleCall('POST', '/console/api/enroll-tokens', { description: String(data.get('description')), ...(maxUses ? { max_uses: Number(maxUses) } : {}), ...(tags.length ? { tags } : {}) })).resources[0];
      setSecret({ label: 'Enrollment token', value: tok.token });
      form.reset();
      await loadTokens();
    })(e);
  };
  return (
    <section>
      <h1>API clients and enrollment tokens</h1>
      {secret && <Secret {...secret} onDone={() => setSecret(undefined)} />}
      <section aria-labelledby="clients-h">
        <h2 id="clients-h">API clients</h2>
        {clientError && <p role="alert" class="error">{clientError}</p>}
        <table class="clients">
          <thead><tr><th>Name</th><th>Client id</th><th>Scopes</th><th>Created</th><th><span class="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {clients.map((c) => (
              <tr key={c.client_id}>
                <td>{c.name}</td><td><code>{c.client_id}</code></td><td>{c.scopes.join(' ')}</td><td>{c.created_at}</td>
                <td><button type="button" aria-label={`Delete API client ${c.name}`} onClick={() => confirm(`Delete the API client ${c.name}? Its tokens stop working.`) && act(setClientError, async () => { await consoleCall('DELETE', `/console/api/api-clients?id=${encodeURIComponent(c.client_id)}`); await loadClients(); })()}>Delete</button></td>
              </tr>
            ))}
          </tbody>
        </table>
        <form class="stack card" onSubmit={createClient} aria-label="New API client">
          <label>Client name <input name="name" required maxLength={255} /></label>
          <label>Client description <input name="description" maxLength={1024} /></label>
          <fieldset class="row">
            <legend>Scopes</legend>
            {SCOPES.map((s) => <label key={s} class="row"><input type="checkbox" name="scope" value={s} /> {s}</label>)}
          </fieldset>
          <button type="submit">Create API client</button>
        </form>
      </section>
      <section aria-labelledby="tokens-h">
        <h2 id="tokens-h">Enrollment tokens</h2>
        {tokenError && <p role="alert" class="error">{tokenError}</p>}
        <table class="tokens">
          <thead><tr><th>Description</th><th>State</th><th>Uses</th><th>Tags</th><th>Created</th><th><span class="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {tokens.map((t) => (
              <tr key={t.id}>
                <td>{t.description || t.id}</td><td>{t.state}</td><td>{t.uses}{t.max_uses !== null ? ` of ${t.max_uses}` : ''}</td><td>{t.tags.join(', ')}</td><td>{t.created_at}</td>
                <td><button type="button" disabled={t.state !== 'usable'} aria-label={`Revoke enrollment token ${t.description || t.id}`} onClick={act(setTokenError, async () => { await consoleCall('DELETE', `/console/api/enroll-tokens?id=${encodeURIComponent(t.id)}`); await loadTokens(); })}>Revoke</button></td>
              </tr>
            ))}
          </tbody>
        </table>
        <form class="row card" onSubmit={createToken} aria-label="New enrollment token">
          <label>Token description <input name="description" maxLength={1024} /></label>
          <label>Max uses <input name="max_uses" type="number" min={1} /></label>
          <label>Tags (comma-separated) <input name="tags" /></label>
          <button type="submit">Create enrollment token</button>
        </form>
      </section>
    </section>
  );
}
