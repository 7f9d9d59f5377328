'use client';
// "3 min ago" with the exact time on hover (title) and in <time dateTime>. The first paint uses the
// server's `now` so server and client agree; afterwards it ticks every 30 s in the viewer's clock.
import { useEffect, useState } from 'react';

function relativeText(iso: string, now: number): string {
  const s = Math.round((now - Date.parse(iso)) / 1000);
  const a = Math.abs(s);
  const fut = s < 0;
  const f = (n: number, u: string) => (fut ? `in ${n} ${u}` : `${n} ${u} ago`);
  if (a < 10) return 'just now';
  if (a < 60) return f(a, 's');
  if (a < 3600) return f(Math.round(a / 60), 'min');
  if (a < 86400) return f(Math.round(a / 3600), 'h');
  return f(Math.round(a / 86400), a < 2 * 86400 ? 'day' : 'days');
}

export function RelativeTime({ iso, now, testId }: { iso: string; now: string; testId?: string }) {
  const [t, setT] = useState(() => Date.parse(now));
  useEffect(() => {
    setT(Date.now());
    const id = setInterval(() => setT(Date.now()), 30_000);
    return () => clearInterval(id);
  }, []);
  const exact = iso.replace('T', ' ').slice(0, 19) + ' UTC';
  return <time dateTime={iso} title={exact} data-testid={testId} suppressHydrationWarning>{relativeText(iso, t)}</time>;
}
