import { useState } from 'preact/hooks';
import type { queryCombinedRTResponsePoliciesResource as Policy } from '../../../client/src/generated.ts';
import { api } from '../api.ts';

export type { Policy };

export interface CardProps {
  policy: Policy;
  canWrite: boolean;
  /** Host groups a policy may be given (every group the user may read). */
  groups: { id: string; name: string }[];
  /** Its place among the platform's non-default policies (undefined for the default). */
  rank?: { index: number; count: number; move: (delta: number) => void };
  drag?: { onDragStart: () => void; onDrop: () => void };
  onChanged: (p: Policy) => void;
  onError: (message: string) => void;
}

/**
 * One response policy: enable/disable, its settings as toggles (updateRTResponsePolicies), its
 * host groups (performRTResponsePoliciesAction), and for a non-default policy its precedence by
 * drag-and-drop or the Move buttons.
 */
export function PolicyCard(props: CardProps) {
  const { policy, canWrite } = props;
  const [groupToAdd, setGroupToAdd] = useState('');
  const [dropTarget, setDropTarget] = useState(false);
  const act = async (work: () => Promise<{ resources: Policy[] }>) => {
    try {
      const r = await work();
      if (r.resources[0]) props.onChanged(r.resources[0]);
    } catch (err) {
      props.onError((err as Error).message);
    }
  };
  const toggle = (id: string, enabled: boolean) => act(() => api.updateRTResponsePolicies({ body: { resources: [{ id: policy.id, settings: [{ id, value: { enabled } }] }] } }));
  const action = (action_name: 'enable' | 'disable' | 'add-host-group' | 'remove-host-group', group?: string) =>
    act(() => api.performRTResponsePoliciesAction({ query: { action_name }, body: { ids: [policy.id], action_parameters: group ? [{ name: 'group_id', value: group }] : undefined } }));
  const isDefault = !props.rank;
  const free = props.groups.filter((g) => !policy.groups.some((pg) => pg.id === g.id));
  return (
    <article
      class={dropTarget ? 'card drop-target' : 'card'}
      aria-label={`Policy ${policy.name}`}
      draggable={!!props.drag && canWrite}
      onDragStart={(e) => {
        e.dataTransfer?.setData('text/plain', policy.id);
        props.drag?.onDragStart();
      }}
      onDragOver={(e) => {
        if (!props.drag) return;
        e.preventDefault();
        setDropTarget(true);
      }}
      onDragLeave={() => setDropTarget(false)}
      onDrop={(e) => {
        e.preventDefault();
        setDropTarget(false);
        props.drag?.onDrop();
      }}
    >
      <h3>
        {props.rank ? `${props.rank.index + 1}. ` : ''}
        {policy.name} <span class="notice">({policy.enabled ? 'enabled' : 'disabled'}{isDefault ? ', applies when no other policy does' : ''})</span>
      </h3>
      {policy.description && <p class="notice">{policy.description}</p>}
      <div class="row">
        {!isDefault && (
          <button type="button" disabled={!canWrite} onClick={() => action(policy.enabled ? 'disable' : 'enable')}>
            {policy.enabled ? 'Disable' : 'Enable'} {policy.name}
          </button>
        )}
        {props.rank && (
          <>
            <button type="button" disabled={!canWrite || props.rank.index === 0} onClick={() => props.rank!.move(-1)} aria-label={`Move ${policy.name} up`}>Move up</button>
            <button type="button" disabled={!canWrite || props.rank.index === props.rank.count - 1} onClick={() => props.rank!.move(1)} aria-label={`Move ${policy.name} down`}>Move down</button>
          </>
        )}
      </div>
      {policy.settings.map((cat) => (
        <fieldset key={cat.name} class="settings">
          <legend>{cat.name}</legend>
          {cat.settings.map((s) => (
            <>
              <label key={s.id}>
                <input type="checkbox" checked={s.value.enabled} disabled={!canWrite} onChange={(e) => toggle(s.id, (e.target as HTMLInputElement).checked)} aria-label={`${s.name} (${s.id}) in ${policy.name}`} /> {s.name}
              </label>
              <span class="desc">{s.description}</span>
            </>
          ))}
        </fieldset>
      ))}
      {!isDefault && (
        <div>
          <strong>Host groups:</strong>{' '}
          {policy.groups.length === 0 && <span class="notice">none (the policy applies to no host)</span>}
          <ul>
            {policy.groups.map((g) => (
              <li key={g.id}>
                {g.name}{' '}
                <button type="button" disabled={!canWrite} onClick={() => action('remove-host-group', g.id)} aria-label={`Remove ${g.name} from ${policy.name}`}>Remove</button>
              </li>
            ))}
          </ul>
          {canWrite && free.length > 0 && (
            <div class="row">
              <label>
                Add a host group to {policy.name}{' '}
                <select value={groupToAdd} onChange={(e) => setGroupToAdd((e.target as HTMLSelectElement).value)}>
                  <option value="">choose…</option>
                  {free.map((g) => <option key={g.id} value={g.id}>{g.name}</option>)}
                </select>
              </label>
              <button type="button" disabled={!groupToAdd} onClick={() => { void action('add-host-group', groupToAdd); setGroupToAdd(''); }}>Add group</button>
            </div>
          )}
        </div>
      )}
    </article>
  );
}
