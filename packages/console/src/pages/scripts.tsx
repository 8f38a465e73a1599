import { useState } from 'preact/hooks';
import type { RTR_GetScriptsV2Resource as Script } from '../../../client/src/generated.ts';
import { api } from '../api.ts';
import { LibrarySection, useLibrary } from './library-section.tsx';

const PLATFORMS = ['windows', 'linux', 'mac'] as const;
type Draft = { id?: string; name: string; description: string; content: string; permission_type: 'private' | 'group' | 'public'; platform: string[] };
const EMPTY: Draft = { name: '', description: '', content: '', permission_type: 'private', platform: ['linux'] };

/** Custom scripts (`runscript -CloudFile=NAME`): list, create and edit in a text editor, delete. */
export function ScriptsLibrary() {
  const library = useLibrary<Script>({
    kind: 'script',
    list: async () => (await api.rtrListScripts({ query: { limit: 500, sort: 'name.asc' } })).resources as string[],
    get: async (ids) => (await api.rtrGetScriptsV2({ query: { ids } })).resources,
    delete: (ids) => api.rtrDeleteScripts({ query: { ids } }),
  });
  const [draft, setDraft] = useState<Draft>();

  const save = async (e: Event) => {
    e.preventDefault();
    if (!draft) return;
    const form = { name: draft.name.trim(), description: draft.description, permission_type: draft.permission_type, platform: draft.platform as Array<(typeof PLATFORMS)[number]> };
    // The content goes as a file part: a multipart text field has its line breaks turned into CRLF.
    const files = { file: new File([draft.content], form.name, { type: 'text/plain' }) };
    const saved = await library.change(() => (draft.id ? api.rtrUpdateScriptsV2({ form: { id: draft.id, ...form }, files }) : api.rtrCreateScriptsV2({ form, files })), `saved ${form.name}`);
    if (saved) setDraft(undefined);
  };
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d!, ...patch }));

  return (
    <LibrarySection id="scripts-h" title="Scripts" error={library.error} status={library.status}>
      <table class="scripts">
        <thead><tr><th>Name</th><th>Platforms</th><th>Permission</th><th>Size</th><th>Modified</th><th><span class="sr-only">Actions</span></th></tr></thead>
        <tbody>
          {library.items.map((s) => (
            <tr key={s.id}>
              <td>{s.name}</td>
              <td>{s.platform.join(', ')}</td>
              <td>{s.permission_type}</td>
              <td>{s.size}</td>
              <td>{s.modified_timestamp}</td>
              <td class="row">
                <button type="button" disabled={!s.write_access} onClick={() => setDraft({ id: s.id, name: s.name, description: s.description, content: s.content, permission_type: s.permission_type as Draft['permission_type'], platform: s.platform })} aria-label={`Edit ${s.name}`}>Edit</button>
                <button type="button" disabled={!s.write_access} onClick={() => library.remove(s)} aria-label={`Delete ${s.name}`}>Delete</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!draft && <p><button type="button" onClick={() => setDraft(EMPTY)}>New script</button></p>}
      {draft && (
        <form class="stack card" onSubmit={save} aria-label={draft.id ? `Edit script ${draft.name}` : 'New script'}>
          <label>Script name <input value={draft.name} required maxLength={255} onInput={(e) => set({ name: (e.target as HTMLInputElement).value })} /></label>
          <label>Description <input value={draft.description} required onInput={(e) => set({ description: (e.target as HTMLInputElement).value })} /></label>
          <fieldset class="row">
            <legend>Platforms</legend>
            {PLATFORMS.map((p) => (
              <label key={p} class="row">
                <input type="checkbox" checked={draft.platform.includes(p)} onChange={(e) => set({ platform: (e.target as HTMLInputElement).checked ? [...draft.platform, p] : draft.platform.filter((x) => x !== p) })} /> {p}
              </label>
            ))}
          </fieldset>
          <label>
            Permission{' '}
            <select value={draft.permission_type} onChange={(e) => set({ permission_type: (e.target as HTMLSelectElement).value as Draft['permission_type'] })}>
              <option value="private">private (you only)</option>
              <option value="group">group (admins)</option>
              <option value="public">public (every responder)</option>
            </select>
          </label>
          <label>
            Content
            <textarea rows={14} spellcheck={false} value={draft.content} required onInput={(e) => set({ content: (e.target as HTMLTextAreaElement).value })} onKeyDown={indentWithTab} />
          </label>
          <p class="notice">Tab indents in the editor; Esc then Tab moves on.</p>
          <div class="row">
            <button type="submit">Save script</button>
            <button type="button" onClick={() => setDraft(undefined)}>Cancel</button>
          </div>
        </form>
      )}
    </LibrarySection>
  );
}

/** Tab types two spaces in the script editor, unless Esc was pressed just before (the keyboard's way out). */
let escaped = false;
function indentWithTab(e: KeyboardEvent) {
  const area = e.currentTarget as HTMLTextAreaElement;
  if (e.key === 'Escape') {
    escaped = true;
    return;
  }
  if (e.key !== 'Tab' || e.shiftKey || escaped) {
    escaped = false;
    return;
  }
  e.preventDefault();
  area.setRangeText('  ', area.selectionStart, area.selectionEnd, 'end');
  area.dispatchEvent(new Event('input', { bubbles: true }));
}
