import { useEffect, useState } from 'preact/hooks';
import { signOut, whenSignedOut, whoAmI, type Me } from './api.ts';
import { SignInPage } from './pages/sign-in.tsx';
import { HostsPage } from './pages/hosts.tsx';
import { HostPage } from './pages/host.tsx';
import { AuditPage } from './pages/audit.tsx';
import { BatchesPage } from './pages/batches.tsx';
import { ChangePasswordPage } from './pages/change-password.tsx';

/** Routes live in the hash (#/hosts/ID): the server answers one page, the app picks the view. */
function useHashRoute(): string {
  const [route, setRoute] = useState(location.hash.slice(1) || '/hosts');
  useEffect(() => {
    const on = () => setRoute(location.hash.slice(1) || '/hosts');
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

export function App() {
  const [me, setMe] = useState<Me | undefined | null>(null);
  const [notice, setNotice] = useState('');
  const route = useHashRoute();
  useEffect(() => {
    whoAmI().then(setMe, () => setMe(undefined));
    whenSignedOut(() => {
      setNotice('Your session has ended; sign in again.');
      setMe(undefined);
    });
  }, []);

  if (me === null) return <p class="loading">Loading…</p>;
  if (!me) return <SignInPage notice={notice} onSignedIn={(m) => { setNotice(''); setMe(m); }} />;
  if (me.must_change_password) return <ChangePasswordPage onDone={() => setMe({ ...me, must_change_password: false })} />;

  const hostMatch = /^\/hosts\/([0-9a-f]{32})$/.exec(route);
  const page = hostMatch ? <HostPage deviceId={hostMatch[1]} me={me} /> : route === '/audit' ? <AuditPage /> : route === '/batches' ? <BatchesPage me={me} /> : <HostsPage />;
  return (
    <div class="shell">
      <header>
        <strong class="brand">riposte</strong>
        <nav aria-label="Main">
          <a href="#/hosts" aria-current={route.startsWith('/hosts') ? 'page' : undefined}>Hosts</a>
          <a href="#/batches" aria-current={route === '/batches' ? 'page' : undefined}>Batches</a>
          <a href="#/audit" aria-current={route === '/audit' ? 'page' : undefined}>RTR audit</a>
        </nav>
        <span class="who">
          {me.name} ({me.role})
          <button type="button" onClick={async () => { await signOut(); setMe(undefined); }}>Sign out</button>
        </span>
      </header>
      <main>{page}</main>
    </div>
  );
}
