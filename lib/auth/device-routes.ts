// Shared plumbing of the /device POST routes: same-origin check, session, form, redirects.
import { NextResponse } from 'next/server';
import { getConfig } from '../config/index.ts';
import { checkSameOrigin } from '../http/errors.ts';
import { getSessionUser, type SessionUser } from './session.ts';

export function seeOther(path: string): NextResponse {
  const res = NextResponse.redirect(new URL(path, getConfig().app.appUrl), 303);
  res.headers.set('cache-control', 'no-store');
  return res;
}

export function refused(message: string, status = 403): Response {
  return new Response(message, { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' } });
}

/** A form POST from our own origin by a signed-in user, or the Response to send instead. */
export async function formPost(req: Request): Promise<{ user: SessionUser | null; form: FormData } | Response> {
  const bad = checkSameOrigin(req, getConfig().app.appUrl);
  if (bad) return refused('Cross-origin request refused.');
  const ct = req.headers.get('content-type') ?? '';
  if (!ct.startsWith('application/x-www-form-urlencoded') && !ct.startsWith('multipart/form-data')) return refused('Expected a form.', 400);
  const form = await req.formData();
  const user = await getSessionUser().catch(() => null);
  return { user, form };
}
