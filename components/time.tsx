'use client';
// Renders a timestamp as UTC on the server and the first paint, then in the viewer's locale.
import { useEffect, useState } from 'react';
import { formatLocal, formatUtc } from '@/lib/format/dates.ts';

export function Time({ iso, testId }: { iso: string; testId?: string }) {
  const [text, setText] = useState(() => formatUtc(iso));
  useEffect(() => {
    setText(formatLocal(iso));
  }, [iso]);
  return <time dateTime={iso} title={iso} data-testid={testId} suppressHydrationWarning>{text}</time>;
}
