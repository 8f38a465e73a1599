import { useEffect, useState } from 'preact/hooks';
import type { OpenTerminal } from './terminals.tsx';
import { api, type Me } from '../api.ts';
import { tierOf } from '../rtr.ts';

const INVENTORY: [string, string][] = [
  ['hostname', 'Host name'], ['device_id', 'Device id'], ['status', 'Status'], ['platform_name', 'Platform'],
  ['os_product_name', 'OS product'], ['os_version', 'OS version'], ['kernel_version', 'Kernel'], ['agent_version', 'Agent'],
  ['local_ip', 'Local IP'], ['external_ip', 'External IP'], ['mac_address', 'MAC'], ['machine_domain', 'Domain'],
  ['system_manufacturer', 'Manufacturer'], ['system_product_name', 'Model'], ['serial_number', 'Serial'],
  ['last_login_user', 'Last login user'], ['first_seen', 'First seen'], ['last_seen', 'Last seen'],
];

/** One host: its inventory as GetDeviceDetailsV2 answers it, and an RTR terminal when the role allows one. */
export function HostPage(props: { deviceId: string; me: Me; onOpenTerminal: (t: OpenTerminal) => void }) {
  const [host, setHost] = useState<any>();
  const [error, setError] = useState('');
  const tier = tierOf(props.me.scopes);
  useEffect(() => {
    api.getDeviceDetailsV2({ query: { ids: [props.deviceId] } }).then(
      (r) => (r.resources[0] ? setHost(r.resources[0]) : setError('no such host')),
      (err) => setError((err as Error).message),
    );
  }, [props.deviceId]);
  if (error) return <p role="alert" class="error">{error}</p>;
  if (!host) return <p>Loading…</p>;
  const policy = host.device_policies?.remote_response;
  return (
    <section>
      <h1>{host.hostname}</h1>
      <dl class="inventory">
        {INVENTORY.filter(([k]) => host[k] !== undefined && host[k] !== '').map(([k, label]) => (
          <>
            <dt key={`${k}-t`}>{label}</dt>
            <dd key={`${k}-d`}>{String(host[k])}</dd>
          </>
        ))}
        <dt>Groups</dt>
        <dd>{host.groups?.length ? host.groups.join(', ') : 'none'}</dd>
        <dt>Tags</dt>
        <dd>{host.tags?.length ? host.tags.join(', ') : 'none'}</dd>
        <dt>Response policy</dt>
        <dd>{policy ? <a href="#/policies">{policy.policy_id}</a> : 'none'}</dd>
      </dl>
      {tier ? (
        <button type="button" onClick={() => props.onOpenTerminal({ deviceId: props.deviceId, hostname: host.hostname })}>
          Open terminal
        </button>
      ) : (
        <p>Your role ({props.me.role}) cannot open RTR sessions.</p>
      )}
    </section>
  );
}
