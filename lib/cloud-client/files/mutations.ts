'use client';
// Bringing files into a project: a ZIP (unpacked by the tenant, POST /{project}/archive) or a folder's files one
// by one (PUT /{project}/resource/{path}), through the tenant proxy, reporting upload progress as it goes.
import { useMutation } from '@tanstack/react-query';
import { errorText, ApiError } from '../fetcher.ts';
import { projectPermalink } from '../projects/mutations.ts';

export interface UploadResult { written: string[]; skipped: { path: string; reason: string }[] }

/** One request with upload progress (fetch cannot report it); a refusal raises ApiError with its `detail`. */
function send(method: string, url: string, body: Blob, contentType: string, onProgress: (loaded: number) => void): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    xhr.setRequestHeader('content-type', contentType);
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () => {
      let b: unknown = xhr.responseText;
      try { b = JSON.parse(xhr.responseText); } catch { /* text */ }
      if (xhr.status < 300) resolve(b);
      else reject(new ApiError(xhr.status, b && typeof b === 'object' && 'detail' in b ? (b as { detail: unknown }).detail : 'The upload failed.'));
    };
    xhr.onerror = () => reject(new Error('The upload was interrupted.'));
    xhr.send(body);
  });
}

const encodePath = (p: string) => p.split('/').map(encodeURIComponent).join('/');

export interface Upload { project: string; folder: string; files: File[]; onProgress: (loaded: number, total: number) => void }

export const useUploadFilesMutation = () => useMutation({
  mutationFn: async ({ project, folder, files, onProgress }: Upload): Promise<UploadResult> => {
    const slug = encodeURIComponent(projectPermalink(project) || project);
    const dir = folder.trim().replace(/^\/+|\/+$/g, '');
    const total = files.reduce((a, f) => a + f.size, 0);
    if (files.length === 1 && /\.zip$/i.test(files[0]!.name)) {
      return await send('POST', `/proxy/${slug}/archive${dir ? `?folder=${encodeURIComponent(folder.trim())}` : ''}`, files[0]!, 'application/zip', (l) => onProgress(l, total)) as UploadResult;
    }
    const out: UploadResult = { written: [], skipped: [] };
    let done = 0;
    for (const f of files) {
      // A folder pick gives "folder/sub/file.md"; the top folder's name is dropped so its contents land in the target.
      const rel = (f.webkitRelativePath || f.name).split('/').slice(f.webkitRelativePath ? 1 : 0).join('/');
      const target = [dir, rel].filter(Boolean).join('/');
      try {
        await send('PUT', `/proxy/${slug}/resource/${encodePath(target)}`, f, 'application/octet-stream', (l) => onProgress(done + l, total));
        out.written.push(target);
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        out.skipped.push({ path: target, reason: errorText(err) });
      }
      done += f.size;
      onProgress(done, total);
    }
    return out;
  },
});
