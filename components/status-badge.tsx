import { Badge } from '@/components/ui/badge.tsx';
import type { TenantDto } from '@/lib/tenants/dto.ts';

export function TenantStatusBadge({ status }: { status: TenantDto['status'] }) {
  const busy = status === 'provisioning' || status === 'starting' || status === 'rebuilding';
  return <Badge status={status} busy={busy} testId="tenant-status" />;
}
