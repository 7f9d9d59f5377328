'use client';
// "What would change now": the tenant's read-only scan (POST /api/projects/{name}/status), on demand.
import { errorText } from '@/lib/cloud-client/fetcher.ts';
import { useDryRunMutation } from '@/lib/cloud-client/projects/mutations.ts';
import { Button } from '@/components/ui/button.tsx';
import { Card } from '@/components/ui/card.tsx';
import { Notice } from '@/components/ui/notice.tsx';
import { plural } from '@/lib/format/plurals.ts';

const CAP = 20;
function List({ title, items }: { title: string; items: string[] }) {
  if (!items.length) return null;
  return (
    <div>
      <h4 className="text-xs font-semibold text-slate-700">{title} ({items.length})</h4>
      <ul className="mt-1 font-mono text-xs text-slate-800">{items.slice(0, CAP).map((p) => <li key={p} className="break-all">{p}</li>)}</ul>
      {items.length > CAP && <p className="text-xs text-slate-600">… and {items.length - CAP} more.</p>}
    </div>
  );
}

export function DryRun({ name, disabledReason }: { name: string; disabledReason: string | null }) {
  const m = useDryRunMutation(name);
  const r = m.data;
  return (
    <Card as="section" data-testid="dry-run">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div>
          <h2 className="text-sm font-semibold text-slate-900">What would change now</h2>
          <p className="text-xs text-slate-700">A read-only scan of the files against the index; nothing is written.</p>
        </div>
        <Button size="sm" data-testid="dry-run-button" disabled={m.isPending || !!disabledReason} title={disabledReason ?? undefined} onClick={() => m.mutate()}>
          {m.isPending ? 'Checking…' : r ? 'Check again' : 'Check now'}
        </Button>
      </div>
      {disabledReason && <p className="mt-2 text-xs text-slate-600">{disabledReason}</p>}
      {m.isError && <Notice inline tone="danger" testId="dry-run-error" className="mt-2">{errorText(m.error)}</Notice>}
      {r && (
        <div className="mt-3" data-testid="dry-run-result">
          <p className="text-sm text-slate-900">{r.total === 0 && r.skipped_files.length === 0 ? 'Nothing would change: the index matches the files.' : `${plural(r.total, 'change')} would be applied${r.skipped_files.length ? `, ${plural(r.skipped_files.length, 'file')} skipped` : ''}.`}</p>
          <div className="mt-2 grid gap-3 sm:grid-cols-2">
            <List title="New" items={r.new} />
            <List title="Modified" items={r.modified} />
            <List title="Deleted" items={r.deleted} />
            <List title="Moved" items={Object.entries(r.moves).map(([a, b]) => `${a} → ${b}`)} />
            <List title="Skipped" items={r.skipped_files.map((f) => `${f.path}: ${f.reason}`)} />
          </div>
        </div>
      )}
    </Card>
  );
}
