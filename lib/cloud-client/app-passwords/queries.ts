'use client';
// App passwords: the list (refreshed every minute).
import { useQuery } from '@tanstack/react-query';
import type { AppPasswordDto } from '../../auth/app-passwords.ts';
import { apiGet } from '../fetcher.ts';
import { appPasswordKeys } from './keys.ts';

export function useAppPasswordsQuery(initial: AppPasswordDto[]) {
  return useQuery({
    queryKey: appPasswordKeys.list(),
    queryFn: async ({ signal }) => (await apiGet<{ app_passwords: AppPasswordDto[] }>('/api/app-passwords', signal)).app_passwords,
    initialData: initial,
    refetchInterval: 60_000,
  });
}
