'use client';
// The caller's tenant, polled while it is on its way to `running`.
import { useQuery } from '@tanstack/react-query';
import type { TenantDto } from '../../tenants/dto.ts';
import { apiGet } from '../fetcher.ts';
import { tenantKeys } from './keys.ts';

const getMyTenant = (signal?: AbortSignal) => apiGet<TenantDto>('/api/tenant', signal);

const SETTLED: ReadonlyArray<TenantDto['status']> = ['running', 'stopped', 'failed', 'sleeping'];

export function useMyTenantQuery(opts: { initialData?: TenantDto; enabled?: boolean } = {}) {
  return useQuery({
    queryKey: tenantKeys.mine(),
    queryFn: ({ signal }) => getMyTenant(signal),
    initialData: opts.initialData,
    enabled: opts.enabled ?? true,
    refetchInterval: (q) => (q.state.data && SETTLED.includes(q.state.data.status) ? 30_000 : 3_000),
  });
}
