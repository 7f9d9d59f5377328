// Projects of the signed-in person's tenant: one row per project with its derived health and latest
// run, and the actions (create, set default, sync now, full re-sync, remove). Data: the same loader
// as GET /api/projects; the client island polls that route only while a sync runs.
import type { Metadata } from 'next';
import { PageHeader } from '@/components/page-header.tsx';
import { requireTenant } from '@/lib/auth/session.ts';
import { getDb } from '@/lib/db/index.ts';
import { loadProjectsOverview } from '@/lib/sync-health/dashboard-data.ts';
import { ProjectsPanel } from './projects-panel.tsx';

export const metadata: Metadata = { title: 'Projects' };
export const dynamic = 'force-dynamic';

export default async function ProjectsPage() {
  const { tenant } = await requireTenant(undefined, { callbackUrl: '/projects' });
  const overview = await loadProjectsOverview(await getDb(), tenant);
  return (
    <>
      <PageHeader title="Projects" description="Each project is a folder of markdown notes in your tenant. Its health says whether it is in sync, and why not." />
      <ProjectsPanel initial={overview} />
    </>
  );
}
