// /connect?request=… — the consent step for MCP clients (after /oauth2/authorize checked the request): who is
// asking (its name AND where the answer goes), how it identified itself, for which account and tenant, and
// which tool groups it gets — chosen here. Allow / Deny post to /connect/decide.
import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { readPendingRequest } from '@/lib/auth/mcp-oauth/authorization-request.ts';
import { resolveMcpClient } from '@/lib/auth/mcp-oauth/clients.ts';
import { consentCsrf } from '@/lib/auth/mcp-oauth/consent.ts';
import { metadataTransportFor } from '@/lib/auth/mcp-oauth/http.ts';
import { redirectHost } from '@/lib/auth/mcp-oauth/redirect-uri.ts';
import { TOOL_GROUPS } from '@/lib/auth/mcp-oauth/scopes.ts';
import { tenantForApproval } from '@/lib/auth/device-grant.ts';
import { getSessionUser } from '@/lib/auth/session.ts';
import { getConfig } from '@/lib/config/index.ts';
import { getDb } from '@/lib/db/index.ts';
import { ConsentChoices } from './consent-form.tsx';
import { Notice } from '@/components/ui/notice.tsx';

export const metadata: Metadata = { title: 'Connect an application' };
export const dynamic = 'force-dynamic';

function Problem({ text }: { text: string }) {
  return (
    <div>
      <h1 className="text-xl font-semibold text-slate-900">Cannot connect</h1>
      <Notice tone="danger" testId="consent-problem" className="mt-4">{text}</Notice>
    </div>
  );
}

export default async function ConnectPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const token = typeof sp.request === 'string' ? sp.request : '';
  const { oauth } = getConfig();
  const now = new Date();
  const request = readPendingRequest(oauth.secret, token, now);
  if (!request) return <Problem text="This connection request is not valid or has expired. Start again from the application." />;
  const user = await getSessionUser().catch(() => null);
  if (!user) redirect(`/signin?${new URLSearchParams({ callbackUrl: `/connect?${new URLSearchParams({ request: token })}` })}`);
  const db = await getDb();
  const client = await resolveMcpClient(db, request.clientId, { metadataTransport: metadataTransportFor(oauth) }, now);
  if ('error' in client) return <Problem text={`This application could not be identified: ${client.description}`} />;
  const tenant = await tenantForApproval(db, user.id);
  const host = redirectHost(request.redirectUri);
  const identifiedBy = client.kind === 'metadata_document'
    ? `its metadata document at ${new URL(client.clientId).host}`
    : 'registering itself with this server (dynamic registration)';
  const groups = TOOL_GROUPS.filter((g) => request.groups.includes(g.scope)).map((g) => ({ scope: g.scope, label: g.label, detail: g.detail }));
  const error = sp.error === 'none_chosen' ? 'Choose at least one group, or deny.' : null;
  return (
    <div>
      <h1 className="text-xl font-semibold text-slate-900">Connect <span data-testid="consent-client-name">{client.name ?? 'an unnamed application'}</span>?</h1>
      <p className="mt-2 rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="consent-warning">
        The name is what the application says about itself. What counts is where your answer goes: <strong data-testid="consent-redirect-host">{host}</strong>.
      </p>
      {error && <Notice tone="danger" className="mt-4">{error}</Notice>}
      <dl className="mt-5 grid gap-3 text-sm">
        <div><dt className="text-slate-600">Sends you back to</dt><dd className="break-all font-mono text-slate-900">{request.redirectUri}</dd></div>
        <div><dt className="text-slate-600">Identified by</dt><dd className="text-slate-900" data-testid="consent-client-kind" data-kind={client.kind}>{identifiedBy}</dd></div>
        <div><dt className="text-slate-600">Account and tenant</dt>
          <dd className="text-slate-900">{user.email ?? user.name} · <span data-testid="consent-tenant">{tenant ? tenant.name : 'no tenant yet'}</span></dd></div>
        <div><dt className="text-slate-600">For</dt><dd className="text-slate-900">Your notes through MCP ({request.resource}), until you disconnect it</dd></div>
      </dl>
      <form method="post" action="/connect/decide">
        <input type="hidden" name="request" value={token} />
        <input type="hidden" name="tenant" value={tenant?.id ?? ''} />
        <input type="hidden" name="csrf" value={consentCsrf(oauth.secret, user.id, token)} />
        <ConsentChoices groups={groups} />
      </form>
    </div>
  );
}
