'use client';
// Admin actions on one tenant (ops view): POST /api/admin/tenants/{id}/{action} — admin only, audited, same-origin.
// The page is rendered on the server, so the caller refreshes it on settle.
import { useMutation } from '@tanstack/react-query';
import { apiFetch } from '../fetcher.ts';

export type AdminTenantAction = 'stop' | 'start' | 'restart' | 'reindex';

export const useAdminTenantActionMutation = (tenantId: string) => useMutation({
  mutationFn: (action: AdminTenantAction) => apiFetch<unknown>(`/api/admin/tenants/${encodeURIComponent(tenantId)}/${action}`, { method: 'POST' }),
});
