import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type Me } from '../api.ts';
import { PolicyCard, type Policy } from './policy-card.tsx';

const PLATFORMS = ['Windows', 'Mac', 'Linux'] as const;
const DEFAULT_NAME = 'platform_default';

/**
 * Response policies of one platform in precedence order (the first that holds a host's group
 * decides; the platform's default applies to the rest). Editing needs `response-policies:write`
 * (the policy-admin role); everyone else sees them read-only.
 */
export function PoliciesPage(props: { me: Me }) {
  const canWrite = props.me.scopes.includes('response-policies:write');
  const [platform, setPlatform] = useState<(typeof PLATFORMS)[number]>('Linux');
  const [policies, setPolicies] = useState<Policy[]>([]);
  const [groups, setGroups] = useState<{ id: string; name: string }[]>([]);
  const [error, setError] = useState('');
  const [status, setStatus] = useState('Loading…');
  const dragged = useRef<string | undefined>(undefined);

  const load = async () => {
    try {
      // The registry's default order is platform, then precedence: the default comes last.
      const r = await api.queryCombinedRTResponsePolicies({ query: { filter: `platform_name:'${platform}'`, limit: 500 } });
      setPolicies(r.resources);
      setStatus(`${r.resources.length} ${platform} polic${r.resources.length === 1 ? 'y' : 'ies'}`);
      setError('');
    } catch (err) {
      setError((err as Error).message);
    }
  };
  useEffect(() => {
    void load();
  }, [platform]);
  useEffect(() => {
    if (props.me.scopes.includes('host-group:read')) api.queryCombinedHostGroups({ query: { limit: 500, sort: 'name.asc' } }).then((r) => setGroups(r.resources), () => {});
  }, []);

  const ranked = policies.filter((p) => p.name !== DEFAULT_NAME);
  const fallback = policies.filter((p) => p.name === DEFAULT_NAME);
  const reorder = async (ids: string[]) => {
    const before = policies;
    // Shown at once; put back if the server refuses.
    setPolicies([...ids.map((id) => policies.find((p) => p.id === id)!), ...fallback]);
    try {
      await api.setRTResponsePoliciesPrecedence({ body: { ids, platform_name: platform } });
      setStatus(`precedence saved: ${ids.map((id) => policies.find((p) => p.id === id)?.name).join(', ')}`);
    } catch (err) {
      setPolicies(before);
      setError((err as Error).message);
    }
  };
  const move = (index: number, delta: number) => {
    const ids = ranked.map((p) => p.id);
    const [id] = ids.splice(index, 1);
    ids.splice(index + delta, 0, id);
    void reorder(ids);
  };
  const dropOn = (targetId: string) => {
    const from = dragged.current;
    dragged.current = undefined;
    if (!from || from === targetId) return;
    const ids = ranked.map((p) => p.id).filter((id) => id !== from);
    ids.splice(ids.indexOf(targetId), 0, from);
    void reorder(ids);
  };
  const changed = (p: Policy) => setPolicies((list) => list.map((x) => (x.id === p.id ? p : x)));
  const create = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const name = String(new FormData(form).get('name')).trim();
    try {
      await api.createRTResponsePolicies({ body: { resources: [{ name, platform_name: platform }] } });
      form.reset();
      await load();
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <section>
      <h1>Response policies</h1>
      <div class="row">
        <label>
          Platform{' '}
          <select value={platform} onChange={(e) => setPlatform((e.target as HTMLSelectElement).value as typeof platform)}>
            {PLATFORMS.map((p) => <option key={p}>{p}</option>)}
          </select>
        </label>
        <span class="count" aria-live="polite">{status}</span>
      </div>
      {!canWrite && <p class="notice">Your role ({props.me.role}) can read policies; the policy-admin role edits them.</p>}
      {error && <p role="alert" class="error">{error}</p>}
      <p class="notice">Precedence: the first policy holding one of a host's groups decides for it. Drag a policy onto another, or use Move up / Move down.</p>
      {ranked.map((p, i) => (
        <PolicyCard
          key={p.id}
          policy={p}
          canWrite={canWrite}
          groups={groups}
          rank={{ index: i, count: ranked.length, move: (d) => move(i, d) }}
          drag={{ onDragStart: () => (dragged.current = p.id), onDrop: () => dropOn(p.id) }}
          onChanged={changed}
          onError={setError}
        />
      ))}
      {fallback.map((p) => <PolicyCard key={p.id} policy={p} canWrite={canWrite} groups={groups} onChanged={changed} onError={setError} />)}
      {canWrite && (
        <form class="row" onSubmit={create}>
          <label>New {platform} policy <input name="name" required maxLength={100} /></label>
          <button type="submit">Create policy</button>
        </form>
      )}
    </section>
  );
}
