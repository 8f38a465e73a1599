import { useEffect, useState } from 'preact/hooks';
import { signOut, whenSignedOut, whoAmI, type Me } from './api.ts';
import { SignInPage } from './pages/sign-in.tsx';
import { HostsPage } from './pages/hosts.tsx';
import { HostPage } from './pages/host.tsx';
import { AuditPage } from './pages/audit.tsx';
import { BatchesPage } from './pages/batches.tsx';
import { PoliciesPage } from './pages/policies.tsx';
import { LibrariesPage } from './pages/libraries.tsx';
import { AdminPage } from './pages/admin.tsx';
import { ChangePasswordPage } from './pages/change-password.tsx';
import type { OpenTerminal, TerminalsPage as TerminalsPageType } from './pages/terminals.tsx';
import { ThemeToggle } from './theme.tsx';
import { tierOf } from './rtr.ts';

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

const NAV: [string, string][] = [
  ['/hosts', 'Hosts'],
  ['/terminals', 'Terminals'],
  ['/batches', 'Batches'],
  ['/policies', 'Response policies'],
  ['/libraries', 'Libraries'],
  ['/audit', 'RTR audit'],
  ['/admin', 'API access'],
];

export function App() {
  const [me, setMe] = useState<Me | undefined | null>(null);
  const [notice, setNotice] = useState('');
  const [terminals, setTerminals] = useState<OpenTerminal[]>([]);
  // xterm.js is most of the bundle: it loads when a terminal is first opened.
  const [TerminalsPage, setTerminalsPage] = useState<typeof TerminalsPageType>();
  const [loadError, setLoadError] = useState('');
  const route = useHashRoute();
  useEffect(() => {
    whoAmI().then(setMe, () => setMe(undefined));
    whenSignedOut(() => {
      setNotice('Your session has ended; sign in again.');
      setMe(undefined);
      setTerminals([]);
    });
  }, []);

  if (me === null) return <p class="loading">Loading…</p>;
  if (!me) return <SignInPage notice={notice} onSignedIn={(m) => { setNotice(''); setMe(m); }} />;
  if (me.must_change_password) return <ChangePasswordPage onDone={() => setMe({ ...me, must_change_password: false })} />;

  const openTerminal = (t: OpenTerminal) => {
    import('./pages/terminals.tsx').then(
      (m) => {
        setTerminalsPage(() => m.TerminalsPage);
        setTerminals((list) => (list.some((x) => x.deviceId === t.deviceId) ? list : [...list, t]));
        location.hash = `#/terminals/${t.deviceId}`;
      },
      (err) => setLoadError((err as Error).message),
    );
  };
  const closeTerminal = (deviceId: string) => {
    const rest = terminals.filter((t) => t.deviceId !== deviceId);
    setTerminals(rest);
    if (route === `/terminals/${deviceId}`) location.hash = rest.length ? `#/terminals/${rest[rest.length - 1].deviceId}` : '#/hosts';
  };

  const tier = tierOf(me.scopes);
  const hostMatch = /^\/hosts\/([0-9a-f]{32})$/.exec(route);
  const onTerminals = route.startsWith('/terminals');
  const activeTerminal = /^\/terminals\/([0-9a-f]{32})$/.exec(route)?.[1] ?? terminals[terminals.length - 1]?.deviceId;
  let page;
  if (hostMatch) page = <HostPage deviceId={hostMatch[1]} me={me} onOpenTerminal={openTerminal} />;
  else if (onTerminals) page = terminals.length ? null : <p>No terminal is open: open one from a host's page.</p>;
  else if (route === '/audit') page = <AuditPage />;
  else if (route === '/batches') page = <BatchesPage me={me} />;
  else if (route === '/policies') page = <PoliciesPage me={me} />;
  else if (route === '/libraries') page = <LibrariesPage me={me} />;
  else if (route === '/admin') page = <AdminPage me={me} />;
  else page = <HostsPage />;
  return (
    <div class="shell">
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>Skip to content</a>
      <header>
        <strong class="brand">riposte</strong>
        <nav aria-label="Main">
          {NAV.filter(([path]) => (path !== '/terminals' || terminals.length) && (path !== '/admin' || me.role === 'admin')).map(([path, label]) => (
            <a key={path} href={`#${path}`} aria-current={route.startsWith(path) ? 'page' : undefined}>
              {label}
              {path === '/terminals' ? ` (${terminals.length})` : ''}
            </a>
          ))}
        </nav>
        <ThemeToggle />
        <span class="who">
          {me.name} ({me.role})
          <button type="button" onClick={async () => { await signOut(); setTerminals([]); setMe(undefined); }}>Sign out</button>
        </span>
      </header>
      <main id="main" tabIndex={-1}>
        {loadError && <p role="alert" class="error">{loadError}</p>}
        {page}
        {TerminalsPage && tier && terminals.length > 0 && <TerminalsPage terminals={terminals} active={activeTerminal} tier={tier} shown={onTerminals} onClose={closeTerminal} />}
      </main>
    </div>
  );
}
