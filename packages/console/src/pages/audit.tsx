import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';

/** RTR sessions of every API client and console user, newest first, with the commands run in them (RTRAuditSessions). */
export function AuditPage() {
  const [sessions, setSessions] = useState<any[]>();
  const [error, setError] = useState('');
  useEffect(() => {
    api.rtrAuditSessions({ query: { sort: 'created_at|desc', limit: 100, with_command_info: true } }).then(
      (r) => setSessions(r.resources),
      (err) => setError((err as Error).message),
    );
  }, []);
  if (error) return <p role="alert" class="error">{error}</p>;
  if (!sessions) return <p>Loading…</p>;
  return (
    <section>
      <h1>RTR audit</h1>
      <table>
        <thead>
          <tr><th>Started</th><th>By</th><th>Host</th><th>Commands</th></tr>
        </thead>
        <tbody>
          {sessions.map((s) => (
            <tr key={s.id}>
              <td>{String(s.created_at ?? '')}</td>
              <td>{String(s.user_id ?? s.user_uuid ?? '')}</td>
              <td><a href={`#/hosts/${s.device_id}`}>{s.hostname ? String(s.hostname) : s.device_id}</a></td>
              <td><code>{s.logs.map((l: any) => String(l.command_string ?? l.base_command ?? '')).join(' ; ')}</code></td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
