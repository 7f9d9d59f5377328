// URLs of the notes browser (pages) and of its BFF routes. File paths are project-relative; every
// segment is percent-encoded.
const enc = (rel: string) => rel.split('/').filter(Boolean).map(encodeURIComponent).join('/');

const projectNotesHref = (project: string) => `/projects/${encodeURIComponent(project)}/notes`;
export const notesHref = (project: string, rel: string) => rel ? `${projectNotesHref(project)}/${enc(rel)}` : projectNotesHref(project);
export const searchHref = (q: { q?: string; project?: string }) => {
  const p = new URLSearchParams();
  if (q.q) p.set('q', q.q);
  if (q.project) p.set('project', q.project);
  const s = p.toString();
  return s ? `/search?${s}` : '/search';
};

/** Catch-all route segments → a project-relative path (Next gives them decoded). */
export function relFromSegments(segments: string[] | undefined): string {
  return (segments ?? []).map((s) => { try { return decodeURIComponent(s); } catch { return s; } }).join('/');
}

/** A project-relative path that cannot leave its project (the tenant checks again). */
export function isSafeRel(rel: string): boolean {
  if (!rel || rel.length > 2048 || /[\\\0]/.test(rel) || rel.startsWith('/')) return false;
  return rel.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}
