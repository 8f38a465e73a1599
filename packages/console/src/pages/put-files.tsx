import type { RTR_GetPut_FilesV2Resource as PutFile } from '../../../client/src/generated.ts';
import { api, operationUrl, RiposteApiError } from '../api.ts';
import { LibrarySection, useLibrary } from './library-section.tsx';

/** The put-files library (`put NAME` sends one to a host): list, upload, download, delete. */
export function PutFilesLibrary() {
  const library = useLibrary<PutFile>({
    kind: 'put-file',
    list: async () => (await api.rtrListPutFiles({ query: { limit: 500, sort: 'name.asc' } })).resources as string[],
    get: async (ids) => (await api.rtrGetPutFilesV2({ query: { ids } })).resources,
    delete: (ids) => api.rtrDeletePutFiles({ query: { ids } }),
  });

  const upload = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const file = data.get('file') as File;
    const name = String(data.get('name')).trim() || file.name;
    library.setStatus(`uploading ${name} (${file.size} bytes)…`);
    const uploaded = await library.change(
      () => api.rtrCreatePutFilesV2({ form: { name, description: String(data.get('description')).trim() || `uploaded from the console (${file.name})` }, files: { file } }),
      `uploaded ${name}`,
      (err) => (err instanceof RiposteApiError && err.status === 413 ? `${name} (${file.size} bytes) is larger than the server takes: ${err.message}` : (err as Error).message),
    );
    if (uploaded) form.reset();
  };

  return (
    <LibrarySection id="put-files-h" title="Put-files" error={library.error} status={library.status}>
      <table class="put-files">
        <thead><tr><th>Name</th><th>Size</th><th>SHA256</th><th>Description</th><th><span class="sr-only">Actions</span></th></tr></thead>
        <tbody>
          {library.items.map((f) => (
            <tr key={f.id}>
              <td><a href={operationUrl('RTR_GetPutFileContents', { id: f.id })} download={f.name}>{f.name}</a></td>
              <td>{f.size}</td>
              <td><code>{f.sha256.slice(0, 16)}…</code></td>
              <td>{f.description}</td>
              <td><button type="button" onClick={() => library.remove(f)} aria-label={`Delete ${f.name}`}>Delete</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      <form class="row card" onSubmit={upload} aria-label="Upload a put-file">
        <label>File <input type="file" name="file" required /></label>
        <label>Name in the library <input name="name" placeholder="the file's own name" maxLength={255} /></label>
        <label>Description <input name="description" /></label>
        <button type="submit">Upload</button>
      </form>
    </LibrarySection>
  );
}
