// The notes browser's states when there is nothing to list: honest about why.
import { EmptyState } from '@/components/empty-state.tsx';
import type { IndexState } from '@/lib/notes/note-view.ts';

export function NotIndexedYet({ index }: { index: Extract<IndexState, { state: 'not_indexed' }> }) {
  return (
    <div data-testid="notes-not-indexed">
      <EmptyState title="Not indexed yet" icon="◌">
        <p>Your files may well be there: the index that lists them is still being built. This page shows them as soon as it is ready — reload in a few seconds.</p>
        <p className="mt-2 text-xs text-slate-500">{index.message}</p>
      </EmptyState>
    </div>
  );
}

export function IndexedNoNotes() {
  return (
    <div data-testid="notes-empty">
      <EmptyState title="Indexed, no notes" icon="▤">
        <p>This project is indexed and holds no notes yet. Create one above, write one with the CLI or an agent, or copy markdown files into its folder.</p>
      </EmptyState>
    </div>
  );
}

export function NotesUnavailable({ message }: { message: string }) {
  return (
    <div data-testid="notes-unavailable" role="alert" className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900">
      {message}
    </div>
  );
}
