'use client';
// "3 min ago" with the exact time on hover (title) and in <time dateTime>. The first paint uses the
// server's `now` so server and client agree; afterwards it ticks every 30 s in the viewer's clock.
import { useEffect, useState } from 'react';
import { formatUtc } from '@/lib/format/dates.ts';
import { relativeText } from '@/lib/format/relative-time.ts';

export function RelativeTime({ iso, now, testId }: { iso: string; now: string; testId?: string }) {
  const [t, setT] = useState(() => Date.parse(now));
  useEffect(() => {
    setT(Date.now());
    const id = setInterval(() => setT(Date.now()), 30_000);
    return () => clearInterval(id);
  }, []);
  return <time dateTime={iso} title={formatUtc(iso, 'second')} data-testid={testId} suppressHydrationWarning>{relativeText(iso, t)}</time>;
}
