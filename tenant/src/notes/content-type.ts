// Content types by extension (the few that matter for notes and attachments); the rest is octet-stream.
const TYPES: Record<string, string> = {
  md: 'text/markdown', markdown: 'text/markdown', txt: 'text/plain', csv: 'text/csv', json: 'application/json',
  html: 'text/html', htm: 'text/html', xml: 'application/xml', yaml: 'application/yaml', yml: 'application/yaml',
  pdf: 'application/pdf', png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp',
  svg: 'image/svg+xml', mp3: 'audio/mpeg', mp4: 'video/mp4', zip: 'application/zip', canvas: 'application/json',
};

export function contentTypeFor(relPath: string): string {
  const slash = relPath.lastIndexOf('/');
  const dot = relPath.lastIndexOf('.');
  if (dot <= slash + 1) return 'application/octet-stream';
  return TYPES[relPath.slice(dot + 1).toLowerCase()] ?? 'application/octet-stream';
}

export function isMarkdown(relPath: string): boolean { return contentTypeFor(relPath) === 'text/markdown'; }
