// Files: download a project (or one of its folders) as a ZIP, upload a ZIP or a folder of files into a project.
// Everything goes through the tenant proxy: /proxy/{project}/archive.zip (streamed), /proxy/{project}/archive (ZIP
// in) and /proxy/{project}/resource/{path} (one file), each validated by the tenant like any other write.
import type { Metadata } from 'next';
import { PageHeader } from '@/components/page-header.tsx';
import { requireTenant } from '@/lib/auth/session.ts';
import { getConfig } from '@/lib/config/index.ts';
import { FilesPanel } from './files-panel.tsx';

export const metadata: Metadata = { title: 'Files' };
export const dynamic = 'force-dynamic';

export default async function FilesPage() {
  await requireTenant(undefined, { callbackUrl: '/files' });
  const { tenants } = getConfig();
  return (
    <>
      <PageHeader title="Files" description="Take a project out as a ZIP, or bring files in from a ZIP or a folder." />
      <FilesPanel maxUploadMb={tenants.maxUploadMb} />
    </>
  );
}
