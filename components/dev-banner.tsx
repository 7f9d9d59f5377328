import { getConfig } from '@/lib/config/index.ts';

/** Shown whenever the bundled development OpenID provider is the sign-in method. */
export function DevSignInBanner() {
  if (!getConfig().app.oidc.devProvider) return null;
  return (
    <div data-testid="dev-signin-banner" className="border-b border-amber-200 bg-amber-50 px-4 py-2 text-center text-xs text-amber-900 sm:text-sm">
      <strong className="font-semibold">Development sign-in.</strong>{' '}
      Accounts come from the bundled development OpenID provider (any email, no password). Set <code className="font-mono">OIDC_ISSUER</code> for real sign-in.
    </div>
  );
}
