// Friendly text for next-auth's `?error=` codes (never echo the raw query value back).
export interface AuthErrorText { title: string; body: string }

const GENERIC: AuthErrorText = { title: 'Sign-in did not complete', body: 'Something went wrong while signing you in. Nothing was changed; please try again.' };

const MESSAGES: Record<string, AuthErrorText> = {
  OAuthCallback: { title: 'Sign-in could not be verified', body: 'The answer from the sign-in provider did not match this browser’s sign-in attempt (it may have expired, been opened in another browser, or been tampered with), or you cancelled. You are not signed in; please start again.' },
  OAuthSignin: { title: 'Could not reach the sign-in provider', body: 'We could not start sign-in with the identity provider. Please try again in a moment.' },
  Callback: { title: 'Sign-in could not be completed', body: 'We could not finish setting up your session. Please try again.' },
  AccessDenied: { title: 'Access denied', body: 'Sign-in was refused. If you cancelled on purpose, no account was created.' },
  access_denied: { title: 'Sign-in cancelled', body: 'You cancelled sign-in at the provider. No account was created.' },
  Configuration: { title: 'Sign-in is not configured correctly', body: 'The server’s sign-in settings are incomplete. An operator needs to check OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET.' },
  SessionRequired: { title: 'Please sign in', body: 'You need to sign in to see that page.' },
  Verification: { title: 'Link expired', body: 'That sign-in link is no longer valid.' },
};

export function authErrorText(code: string | undefined | null): AuthErrorText {
  if (!code) return GENERIC;
  return MESSAGES[code] ?? MESSAGES[code.toLowerCase() === 'configuration' ? 'Configuration' : ''] ?? GENERIC;
}
