'use client';
// Renders a timestamp as UTC on the server and the first paint, then in the viewer's locale.
import { useEffect, useState } from 'react';

export function Time({ iso, testId }: { iso: string; testId?: string }) {
  const [text, setText] = useState(() => iso.replace('T', ' ').slice(0, 16) + ' UTC');
  useEffect(() => {
    setText(new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }));
  }, [iso]);
  return <time dateTime={iso} title={iso} data-testid={testId} suppressHydrationWarning>{text}</time>;
}
