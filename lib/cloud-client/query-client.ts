import { QueryClient } from '@tanstack/react-query';

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { staleTime: 30_000, gcTime: 10 * 60_000, retry: (n, err) => n < 2 && !((err as { status?: number }).status! < 500), refetchOnWindowFocus: true },
    },
  });
}
