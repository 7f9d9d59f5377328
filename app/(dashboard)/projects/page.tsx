// Issue 5 fills this page (projects through /proxy/projects/projects).
import type { Metadata } from 'next';
import { EmptyState } from '@/components/empty-state.tsx';
import { PageHeader } from '@/components/page-header.tsx';
import { requireTenant } from '@/lib/auth/session.ts';

export const metadata: Metadata = { title: 'Projects' };
export const dynamic = 'force-dynamic';

export default async function ProjectsPage() {
  await requireTenant(undefined, { callbackUrl: '/projects' });
  return (
    <>
      <PageHeader title="Projects" description="Each project is a folder of markdown notes in your tenant." />
      <EmptyState testId="projects-empty" title="No projects yet" icon="▤">
        Your tenant is being provisioned; projects appear here once it runs.
      </EmptyState>
    </>
  );
}
