// What the browser sees of a tenant (JSON-safe, no internal fields).
import type { TenantWithRole } from '../db/queries/tenants.ts';

export interface TenantDto {
  id: string;
  name: string;
  status: TenantWithRole['status'];
  statusChangedAt: string;
  statusDetail: string | null;
  desiredState: TenantWithRole['desiredState'];
  createdAt: string;
  role: TenantWithRole['membershipRole'];
}

export function toTenantDto(t: TenantWithRole): TenantDto {
  return {
    id: t.id,
    name: t.name,
    status: t.status,
    statusChangedAt: new Date(t.statusChangedAt).toISOString(),
    statusDetail: t.statusDetail,
    desiredState: t.desiredState,
    createdAt: new Date(t.createdAt).toISOString(),
    role: t.membershipRole,
  };
}
