// Projects of the signed-in person's tenant: listed and created through the tenant proxy
// (/proxy/projects/projects) from the browser, with clear states while the tenant is not running.
import type { Metadata } from 'next';
import { PageHeader } from '@/components/page-header.tsx';
import { requireTenant } from '@/lib/auth/session.ts';
import { toTenantDto } from '@/lib/tenants/dto.ts';
import { ProjectsPanel } from './projects-panel.tsx';

export const metadata: Metadata = { title: 'Projects' };
export const dynamic = 'force-dynamic';

export default async function ProjectsPage() {
  const { tenant } = await requireTenant(undefined, { callbackUrl: '/projects' });
  return (
    <>
      <PageHeader title="Projects" description="Each project is a folder of markdown notes in your tenant." />
      <ProjectsPanel initialTenant={toTenantDto(tenant)} />
    </>
  );
}
