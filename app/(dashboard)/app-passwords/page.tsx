// App passwords: named credentials for file tools (rclone, Finder, Windows) on /proxy/webdav/*. Created here,
// shown once, listed with when and from where they were last used, revoked with effect on the next request.
import type { Metadata } from 'next';
import { PageHeader } from '@/components/page-header.tsx';
import { appPasswordDto } from '@/lib/auth/app-passwords.ts';
import { requireTenant } from '@/lib/auth/session.ts';
import { getConfig } from '@/lib/config/index.ts';
import { getDb } from '@/lib/db/index.ts';
import { listAppPasswordsForUser } from '@/lib/db/queries/app-passwords.ts';
import { AppPasswordsPanel } from './app-passwords-panel.tsx';

export const metadata: Metadata = { title: 'App passwords' };
export const dynamic = 'force-dynamic';

export default async function AppPasswordsPage() {
  const { user } = await requireTenant(undefined, { callbackUrl: '/app-passwords' });
  const rows = (await listAppPasswordsForUser(await getDb(), user.id)).map(appPasswordDto);
  return (
    <>
      <PageHeader title="App passwords" description="Credentials for WebDAV file tools: rclone, Finder, Windows. Each one works until you revoke it." />
      <AppPasswordsPanel initial={rows} webdavUrl={`${getConfig().app.appUrl.replace(/\/$/, '')}/proxy/webdav/`} email={user.email ?? null} />
    </>
  );
}
