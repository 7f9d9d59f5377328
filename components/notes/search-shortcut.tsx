'use client';
// Ctrl+K / ⌘+K opens search (within this project when on a project's notes).
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { searchHref } from '@/lib/notes/note-paths.ts';

export function SearchShortcut({ project }: { project?: string }) {
  const router = useRouter();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        router.push(searchHref({ project }));
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [router, project]);
  return null;
}
