// "3 min ago" with the absolute time on hover (server-rendered; the text is fixed at render time).
export function RelativeTime({ iso }: { iso: string }) {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return <span>{iso}</span>;
  const s = Math.round((Date.now() - t) / 1000);
  const text = s < 60 ? 'just now' : s < 3600 ? `${Math.floor(s / 60)} min ago` : s < 86400 ? `${Math.floor(s / 3600)} h ago` : `${Math.floor(s / 86400)} d ago`;
  const abs = new Date(t).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
  return <time dateTime={new Date(t).toISOString()} title={abs}>{text}</time>;
}
