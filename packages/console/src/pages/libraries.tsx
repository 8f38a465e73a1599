import type { Me } from '../api.ts';
import { ScriptsLibrary } from './scripts.tsx';
import { PutFilesLibrary } from './put-files.tsx';

/** The RTR libraries: custom scripts and put-files (both need the admin tier, as in the vendor's API). */
export function LibrariesPage(props: { me: Me }) {
  if (!props.me.scopes.includes('real-time-response-admin:write')) return <p>Your role ({props.me.role}) cannot manage the libraries; the admin role does.</p>;
  return (
    <section>
      <h1>Libraries</h1>
      <ScriptsLibrary />
      <PutFilesLibrary />
    </section>
  );
}
