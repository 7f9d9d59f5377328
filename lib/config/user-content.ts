// Where a person's files may be viewed inline: a separate origin that never receives the app's cookies
// (USER_CONTENT_ORIGIN). Unset, the default: no inline view at all; on the app's origin, active files are
// sandboxed downloads (lib/http/user-content.ts). index.ts composes this section as `getConfig().userContent`.
import { z } from 'zod';
import { envHttpUrl, type ConfigIssue } from './env.ts';

export const userContentEnvSchema = z.object({
  USER_CONTENT_ORIGIN: envHttpUrl().refine((s) => s === undefined || new URL(s).origin === s,
    { error: 'expects an origin only (scheme, host and optional port; no path), e.g. https://usercontent.example.net' }),
});

export type UserContentEnv = z.output<typeof userContentEnvSchema>;

export interface UserContentConfig {
  /** The content origin (no trailing slash), or null: no inline view. */
  origin: string | null;
  /** How long a signed view link works. */
  linkTtlSeconds: number;
}

/** The content origin must be another host than the app's: cookies are scoped by host, not by port. */
export function checkUserContentEnv(e: UserContentEnv, appUrl: string, issues: ConfigIssue[]): void {
  if (!e.USER_CONTENT_ORIGIN) return;
  if (new URL(e.USER_CONTENT_ORIGIN).hostname === new URL(appUrl).hostname) {
    issues.push({ variable: 'USER_CONTENT_ORIGIN', message: `expects another host than APP_URL's (${new URL(appUrl).hostname}): browsers send a host's cookies to every port of it` });
  }
}

export function buildUserContentConfig(e: UserContentEnv): UserContentConfig {
  return { origin: e.USER_CONTENT_ORIGIN ?? null, linkTtlSeconds: 300 };
}
