import { useEffect, useState } from 'preact/hooks';
import type { RTR_GetPut_FilesV2Resource as PutFile } from '../../../client/src/generated.ts';
import { api, operationUrl, RiposteApiError } from '../api.ts';

/** The put-files library (`put NAME` sends one to a host): list, upload, download, delete. */
export function PutFilesLibrary() {
  const [files, setFiles] = useState<PutFile[]>([]);
  const [error, setError] = useState('');
  const [status, setStatus] = useState('');
  const load = async () => {
    try {
      const ids = (await api.rtrListPutFiles({ query: { limit: 500, sort: 'name.asc' } })).resources as string[];
      setFiles(ids.length ? (await api.rtrGetPutFilesV2({ query: { ids } })).resources.sort((a, b) => a.name.localeCompare(b.name)) : []);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  useEffect(() => void load(), []);

  const upload = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const file = data.get('file') as File;
    const name = String(data.get('name')).trim() || file.name;
    setStatus(`uploading ${name} (${file.size} bytes)…`);
    try {
      await api.rtrCreatePutFilesV2({ form: { name, description: String(data.get('description')).trim() || `uploaded from the console (${file.name})` }, files: { file } });
      setStatus(`uploaded ${name}`);
      setError('');
      form.reset();
      await load();
    } catch (err) {
      setStatus('');
      setError(err instanceof RiposteApiError && err.status === 413 ? `${name} (${file.size} bytes) is larger than the server takes: ${err.message}` : (err as Error).message);
    }
  };
  const remove = async (f: PutFile) => {
    if (!confirm(`Delete the put-file ${f.name}?`)) return;
    try {
      await api.rtrDeletePutFiles({ query: { ids: [f.id] } });
      setStatus(`deleted ${f.name}`);
      await load();
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <section aria-labelledby="put-files-h">
      <h2 id="put-files-h">Put-files</h2>
      {error && <p role="alert" class="error">{error}</p>}
      <p class="count" aria-live="polite">{status}</p>
      <table class="put-files">
        <thead><tr><th>Name</th><th>Size</th><th>SHA256</th><th>Description</th><th><span class="sr-only">Actions</span></th></tr></thead>
        <tbody>
          {files.map((f) => (
            <tr key={f.id}>
              <td><a href={operationUrl('RTR_GetPutFileContents', { id: f.id })} download={f.name}>{f.name}</a></td>
              <td>{f.size}</td>
              <td><code>{f.sha256.slice(0, 16)}…</code></td>
              <td>{f.description}</td>
              <td><button type="button" onClick={() => remove(f)} aria-label={`Delete ${f.name}`}>Delete</button></td>
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
    </section>
  );
}
