'use client';
// The connected apps list with a Disconnect button per app, confirmed in a dialog.
import { useState } from 'react';
import { EmptyState } from '@/components/empty-state.tsx';
import { Time } from '@/components/time.tsx';
import { Button } from '@/components/ui/button.tsx';
import { Dialog, DialogActions } from '@/components/ui/dialog.tsx';
import type { ConnectedAppDto } from '@/lib/auth/mcp-oauth/connected-apps.ts';
import { useDisconnectAppMutation } from '@/lib/cloud-client/connected-apps/mutations.ts';
import { useConnectedAppsQuery } from '@/lib/cloud-client/connected-apps/queries.ts';
import { Notice } from '@/components/ui/notice.tsx';
import { cardClass } from '@/components/ui/card.tsx';

const REGISTERED_BY: Record<ConnectedAppDto['registered_by'], string> = {
  dynamic_registration: 'registered itself',
  metadata_document: 'metadata document',
  unknown: 'registration removed',
};

export function ConnectedAppsPanel({ initial, mcpUrl }: { initial: ConnectedAppDto[]; mcpUrl: string }) {
  const list = useConnectedAppsQuery(initial);
  const disconnect = useDisconnectAppMutation();
  const [confirming, setConfirming] = useState<ConnectedAppDto | null>(null);
  const rows = list.data ?? [];
  return (
    <div className="grid gap-4">
      {disconnect.isSuccess && <p role="status" data-testid="connected-apps-flash" className="rounded-lg bg-emerald-50 px-3 py-2 text-sm text-emerald-800">Disconnected. Its next call is refused.</p>}
      {disconnect.isError && <Notice tone="danger">{disconnect.error.message}</Notice>}
      {rows.length === 0 ? (
        <EmptyState testId="connected-apps-empty" title="No connected apps" icon="⇄">
          Add <span className="break-all font-mono">{mcpUrl}</span> as a custom connector (remote MCP server) in Claude, ChatGPT, Cursor or VS Code, sign in and allow it; it will be listed here.
        </EmptyState>
      ) : (
        <ul className="grid gap-3" data-testid="connected-apps-list">
          {rows.map((a) => (
            <li key={a.id} data-testid="connected-app" data-connection-id={a.id} className={cardClass({ className: 'flex flex-wrap items-start justify-between gap-4' })}>
              <div className="min-w-0 text-sm">
                <p className="font-semibold text-slate-900"><span data-testid="connected-app-name">{a.client_name}</span> <span className="font-normal text-slate-600">· {REGISTERED_BY[a.registered_by]}</span></p>
                <p className="mt-1 text-slate-700">Sends answers to <span className="break-all font-mono" data-testid="connected-app-host">{a.redirect_host}</span></p>
                <p className="mt-1 text-slate-700">May: <span data-testid="connected-app-groups">{a.groups.join(', ') || 'nothing'}</span></p>
                <p className="mt-1 text-xs text-slate-600">
                  Connected <Time iso={a.connected_at} /> · Last used {a.last_used_at ? <Time iso={a.last_used_at} /> : 'never'} ·{' '}
                  <span data-testid="connected-app-calls">{a.calls_24h === null ? 'calls not recorded' : `${a.calls_24h} call${a.calls_24h === 1 ? '' : 's'} in 24 h`}</span>
                </p>
              </div>
              <Button data-testid="connected-app-disconnect" onClick={() => setConfirming(a)} aria-label={`Disconnect ${a.client_name}`}>Disconnect</Button>
            </li>
          ))}
        </ul>
      )}
      <Dialog open={confirming !== null} onClose={() => setConfirming(null)} title={`Disconnect ${confirming?.client_name ?? ''}?`} testId="disconnect-dialog">
        <p>It loses access to your notes on its next call, and has to be connected again to come back.</p>
        <DialogActions danger confirmLabel="Disconnect" busy={disconnect.isPending} testId="disconnect-confirm"
          onCancel={() => setConfirming(null)} onConfirm={() => { const id = confirming!.id; disconnect.mutate(id, { onSettled: () => setConfirming(null) }); }} />
      </Dialog>
    </div>
  );
}
