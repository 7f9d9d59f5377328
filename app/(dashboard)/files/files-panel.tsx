'use client';
// ZIP download links and the upload form (ZIP or folder) with a progress bar, per project of the caller's tenant.
import { useState, type FormEvent } from 'react';
import { EmptyState } from '@/components/empty-state.tsx';
import { useProjectsQuery } from '@/lib/cloud-client/projects-query.ts';
import { projectPermalink } from '@/lib/cloud-client/projects.ts';
import { formatBytes } from '@/lib/format/sizes.ts';

interface UploadResult { written: string[]; skipped: { path: string; reason: string }[] }

/** One request with upload progress (fetch cannot report it). Resolves with the status and the parsed body. */
function send(method: string, url: string, body: Blob, contentType: string, onProgress: (loaded: number) => void): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    xhr.setRequestHeader('content-type', contentType);
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () => { let b: unknown = xhr.responseText; try { b = JSON.parse(xhr.responseText); } catch { /* text */ } resolve({ status: xhr.status, body: b }); };
    xhr.onerror = () => reject(new Error('The upload was interrupted.'));
    xhr.send(body);
  });
}

const detailOf = (b: unknown) => (b && typeof b === 'object' && 'detail' in b ? String((b as { detail: unknown }).detail) : 'The upload failed.');
const encodePath = (p: string) => p.split('/').map(encodeURIComponent).join('/');

export function FilesPanel({ maxUploadMb }: { maxUploadMb: number }) {
  const projects = useProjectsQuery(true);
  const list = projects.data?.projects ?? [];
  const [project, setProject] = useState('');
  const [folder, setFolder] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [progress, setProgress] = useState<{ loaded: number; total: number } | null>(null);
  const [result, setResult] = useState<UploadResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const selected = project || projects.data?.default_project || list[0]?.name || '';
  const slug = encodeURIComponent(projectPermalink(selected) || selected);
  const folderQuery = folder.trim() ? `?folder=${encodeURIComponent(folder.trim())}` : '';

  const onUpload = async (e: FormEvent) => {
    e.preventDefault();
    setError(null); setResult(null);
    if (!files.length) { setError('Choose a ZIP file or a folder first.'); return; }
    const total = files.reduce((a, f) => a + f.size, 0);
    if (total > maxUploadMb * 1024 * 1024) { setError(`That is ${formatBytes(total)}; the limit is ${formatBytes(maxUploadMb * 1024 * 1024)} per upload.`); return; }
    setProgress({ loaded: 0, total });
    try {
      const zip = files.length === 1 && /\.zip$/i.test(files[0]!.name);
      if (zip) {
        const r = await send('POST', `/proxy/${slug}/archive${folderQuery}`, files[0]!, 'application/zip', (loaded) => setProgress({ loaded, total }));
        if (r.status >= 300) throw new Error(detailOf(r.body));
        setResult(r.body as UploadResult);
      } else {
        const out: UploadResult = { written: [], skipped: [] };
        let done = 0;
        for (const f of files) {
          // A folder pick gives "folder/sub/file.md"; the top folder's name is dropped so its contents land in the target.
          const rel = (f.webkitRelativePath || f.name).split('/').slice(f.webkitRelativePath ? 1 : 0).join('/');
          const target = [folder.trim().replace(/^\/+|\/+$/g, ''), rel].filter(Boolean).join('/');
          const r = await send('PUT', `/proxy/${slug}/resource/${encodePath(target)}`, f, 'application/octet-stream', (loaded) => setProgress({ loaded: done + loaded, total }));
          if (r.status < 300) out.written.push(target); else out.skipped.push({ path: target, reason: detailOf(r.body) });
          done += f.size;
          setProgress({ loaded: done, total });
        }
        setResult(out);
      }
    } catch (err) {
      setError(err instanceof Error ? err.message : 'The upload failed.');
    } finally {
      setProgress((p) => (p ? { loaded: p.total, total: p.total } : p));
    }
  };

  if (projects.isPending) return <p role="status" className="text-sm text-slate-600" data-testid="files-loading">Loading your projects…</p>;
  if (projects.isError) return <p role="alert" className="text-sm text-rose-700" data-testid="files-error">Your projects could not be loaded. Your tenant may still be starting; this page retries by itself.</p>;
  if (!list.length) return <EmptyState testId="files-empty" title="No projects yet" icon="▢">Create a project first, then bring files into it here.</EmptyState>;

  return (
    <div className="grid gap-6">
      <div className="grid gap-3 sm:grid-cols-2">
        <div>
          <label htmlFor="files-project" className="mb-1 block text-sm font-medium text-slate-800">Project</label>
          <select id="files-project" data-testid="files-project" value={selected} onChange={(e) => setProject(e.target.value)}
            className="w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm">
            {list.map((p) => <option key={p.name} value={p.name}>{p.name}</option>)}
          </select>
        </div>
        <div>
          <label htmlFor="files-folder" className="mb-1 block text-sm font-medium text-slate-800">Folder (optional)</label>
          <input id="files-folder" data-testid="files-folder" value={folder} onChange={(e) => setFolder(e.target.value)} placeholder="e.g. notes/2026" maxLength={500}
            className="w-full rounded-lg border border-slate-300 px-3 py-2 text-sm" autoComplete="off" />
        </div>
      </div>

      <section aria-labelledby="download-heading" className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
        <h2 id="download-heading" className="text-base font-semibold text-slate-900">Download</h2>
        <p className="mt-1 text-sm text-slate-600">The {folder.trim() ? 'folder' : 'whole project'} as a ZIP, streamed: it starts at once, however large.</p>
        <a data-testid="files-download" href={`/proxy/${slug}/archive.zip${folderQuery}`} download
          className="mt-3 inline-block rounded-lg bg-slate-900 px-4 py-2 text-sm font-semibold text-white hover:bg-slate-700">
          Download {folder.trim() ? `“${folder.trim()}”` : `“${selected}”`} as ZIP
        </a>
      </section>

      <section aria-labelledby="upload-heading" className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
        <h2 id="upload-heading" className="text-base font-semibold text-slate-900">Upload</h2>
        <p className="mt-1 text-sm text-slate-600">A ZIP is unpacked into the project; a folder&apos;s files are added one by one. Up to {formatBytes(maxUploadMb * 1024 * 1024)}. Hidden and ignored files are skipped.</p>
        <form onSubmit={onUpload} className="mt-3 grid gap-3" aria-label="Upload files">
          <div className="grid gap-2 sm:grid-cols-2">
            <div>
              <label htmlFor="files-zip" className="mb-1 block text-sm font-medium text-slate-800">A ZIP file</label>
              <input id="files-zip" data-testid="files-zip" type="file" accept=".zip,application/zip" className="w-full text-sm"
                onChange={(e) => setFiles(e.target.files ? [...e.target.files] : [])} />
            </div>
            <div>
              <label htmlFor="files-dir" className="mb-1 block text-sm font-medium text-slate-800">Or a folder</label>
              <input id="files-dir" data-testid="files-dir" type="file" multiple className="w-full text-sm"
                {...({ webkitdirectory: '' } as Record<string, string>)}
                onChange={(e) => setFiles(e.target.files ? [...e.target.files] : [])} />
            </div>
          </div>
          <button type="submit" data-testid="files-upload" disabled={!!progress && progress.loaded < progress.total}
            className="justify-self-start rounded-lg bg-slate-900 px-4 py-2 text-sm font-semibold text-white hover:bg-slate-700 disabled:opacity-60">Upload</button>
          {progress && (
            <div>
              <label htmlFor="files-progress" className="text-sm text-slate-700">Uploaded {Math.round((progress.loaded / Math.max(1, progress.total)) * 100)}%</label>
              <progress id="files-progress" data-testid="files-progress" className="block w-full" max={Math.max(1, progress.total)} value={progress.loaded} />
            </div>
          )}
        </form>
        {error && <p role="alert" data-testid="files-upload-error" className="mt-3 text-sm text-rose-700">{error}</p>}
        {result && (
          <div role="status" data-testid="files-upload-result" className="mt-3 text-sm">
            <p className="font-medium text-slate-900">{result.written.length} file{result.written.length === 1 ? '' : 's'} written{result.skipped.length ? `, ${result.skipped.length} skipped` : ''}.</p>
            {result.skipped.length > 0 && (
              <ul className="mt-1 list-disc pl-5 text-slate-700" data-testid="files-skipped">
                {result.skipped.slice(0, 50).map((s) => <li key={s.path} className="break-all"><span className="font-mono">{s.path}</span>: {s.reason}</li>)}
              </ul>
            )}
          </div>
        )}
      </section>
    </div>
  );
}
