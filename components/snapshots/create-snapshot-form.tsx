'use client';
// "Take a snapshot now" with a description: POST /api/bucket-snapshots, then the server-rendered list refreshes.
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { useCreateSnapshotMutation } from '@/lib/cloud-client/snapshots/mutations.ts';
import { Button } from '@/components/ui/button.tsx';
import { cardClass } from '@/components/ui/card.tsx';
import { Field, Input } from '@/components/ui/field.tsx';
import { Notice } from '@/components/ui/notice.tsx';

export function CreateSnapshotForm() {
  const router = useRouter();
  const [description, setDescription] = useState('');
  const [refreshing, startTransition] = useTransition();
  const create = useCreateSnapshotMutation();
  return (
    <form className={cardClass({ className: 'mb-6 flex flex-wrap items-end gap-3' })} data-testid="snapshot-create-form"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate(description.trim(), { onSuccess: () => { setDescription(''); startTransition(() => router.refresh()); } });
      }}>
      <Field label="Description" htmlFor="snapshot-description" className="min-w-0 flex-1">
        <Input id="snapshot-description" value={description} onChange={(e) => setDescription(e.target.value)} maxLength={500} placeholder="before the big reorganisation"
          data-testid="snapshot-description-input" />
      </Field>
      <Button type="submit" variant="primary" disabled={create.isPending || refreshing} data-testid="snapshot-create" className="py-2">
        {create.isPending ? 'Taking snapshot…' : 'Take snapshot now'}
      </Button>
      {create.isError && <Notice inline tone="danger" className="w-full" testId="snapshot-create-error">{create.error.message}</Notice>}
    </form>
  );
}
