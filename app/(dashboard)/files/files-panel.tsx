'use client';
// ZIP download links and the upload form (ZIP or folder) with a progress bar, per project of the caller's tenant.
import { useState, type FormEvent } from 'react';
import { EmptyState } from '@/components/empty-state.tsx';
import { Button, buttonClass } from '@/components/ui/button.tsx';
import { Card } from '@/components/ui/card.tsx';
import { Field, inputClass } from '@/components/ui/field.tsx';
import { Notice } from '@/components/ui/notice.tsx';
import { errorText } from '@/lib/cloud-client/fetcher.ts';
import { useUploadFilesMutation } from '@/lib/cloud-client/files/mutations.ts';
import { projectPermalink } from '@/lib/cloud-client/projects/mutations.ts';
import { useProjectsQuery } from '@/lib/cloud-client/projects/queries.ts';
import { plural } from '@/lib/format/plurals.ts';
import { formatBytes } from '@/lib/format/sizes.ts';

export function FilesPanel({ maxUploadMb }: { maxUploadMb: number }) {
  const projects = useProjectsQuery(true);
  const list = projects.data?.projects ?? [];
  const [project, setProject] = useState('');
  const [folder, setFolder] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [progress, setProgress] = useState<{ loaded: number; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const upload = useUploadFilesMutation();
  const result = upload.data ?? null;
  const selected = project || projects.data?.default_project || list[0]?.name || '';
  const slug = encodeURIComponent(projectPermalink(selected) || selected);
  const folderQuery = folder.trim() ? `?folder=${encodeURIComponent(folder.trim())}` : '';

  const onUpload = (e: FormEvent) => {
    e.preventDefault();
    setError(null); upload.reset();
    if (!files.length) { setError('Choose a ZIP file or a folder first.'); return; }
    const total = files.reduce((a, f) => a + f.size, 0);
    if (total > maxUploadMb * 1024 * 1024) { setError(`That is ${formatBytes(total)}; the limit is ${formatBytes(maxUploadMb * 1024 * 1024)} per upload.`); return; }
    setProgress({ loaded: 0, total });
    upload.mutate({ project: selected, folder, files, onProgress: (loaded) => setProgress({ loaded, total }) }, {
      onError: (err) => setError(errorText(err)),
      onSettled: () => setProgress((p) => (p ? { loaded: p.total, total: p.total } : p)),
    });
  };

  if (projects.isPending) return <p role="status" className="text-sm text-slate-600" data-testid="files-loading">Loading your projects…</p>;
  if (projects.isError) return <Notice tone="warning" testId="files-error">Your projects could not be loaded. Your tenant may still be starting; this page retries by itself.</Notice>;
  if (!list.length) return <EmptyState testId="files-empty" title="No projects yet" icon="▢">Create a project first, then bring files into it here.</EmptyState>;

  return (
    <div className="grid gap-6">
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="Project" htmlFor="files-project">
          <select id="files-project" data-testid="files-project" value={selected} onChange={(e) => setProject(e.target.value)} className={inputClass}>
            {list.map((p) => <option key={p.name} value={p.name}>{p.name}</option>)}
          </select>
        </Field>
        <Field label="Folder (optional)" htmlFor="files-folder">
          <input id="files-folder" data-testid="files-folder" value={folder} onChange={(e) => setFolder(e.target.value)} placeholder="e.g. notes/2026" maxLength={500}
            className={inputClass} autoComplete="off" />
        </Field>
      </div>

      <Card as="section" aria-labelledby="download-heading">
        <h2 id="download-heading" className="text-base font-semibold text-slate-900">Download</h2>
        <p className="mt-1 text-sm text-slate-600">The {folder.trim() ? 'folder' : 'whole project'} as a ZIP, streamed: it starts at once, however large.</p>
        <a data-testid="files-download" href={`/proxy/${slug}/archive.zip${folderQuery}`} download
          className={buttonClass({ variant: 'primary', className: 'mt-3 py-2' })}>
          Download {folder.trim() ? `“${folder.trim()}”` : `“${selected}”`} as ZIP
        </a>
      </Card>

      <Card as="section" aria-labelledby="upload-heading">
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
          <Button type="submit" variant="primary" data-testid="files-upload" disabled={upload.isPending} className="justify-self-start py-2">Upload</Button>
          {progress && (
            <div>
              <label htmlFor="files-progress" className="text-sm text-slate-700">Uploaded {Math.round((progress.loaded / Math.max(1, progress.total)) * 100)}%</label>
              <progress id="files-progress" data-testid="files-progress" className="block w-full" max={Math.max(1, progress.total)} value={progress.loaded} />
            </div>
          )}
        </form>
        {error && <Notice inline tone="danger" testId="files-upload-error" className="mt-3">{error}</Notice>}
        {result && (
          <div role="status" data-testid="files-upload-result" className="mt-3 text-sm">
            <p className="font-medium text-slate-900">{plural(result.written.length, 'file')} written{result.skipped.length ? `, ${result.skipped.length} skipped` : ''}.</p>
            {result.skipped.length > 0 && (
              <ul className="mt-1 list-disc pl-5 text-slate-700" data-testid="files-skipped">
                {result.skipped.slice(0, 50).map((s) => <li key={s.path} className="break-all"><span className="font-mono">{s.path}</span>: {s.reason}</li>)}
              </ul>
            )}
          </div>
        )}
      </Card>
    </div>
  );
}
