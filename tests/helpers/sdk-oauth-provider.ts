// An in-memory OAuthClientProvider for the MCP TypeScript SDK's client `auth()`: keeps client information,
// tokens and the PKCE verifier, and hands the authorization URL to whoever approves (a test or Chromium).
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthClientProvider, OAuthTokens } from '@modelcontextprotocol/client';

export class MemoryOAuthProvider implements OAuthClientProvider {
  client?: OAuthClientInformationMixed;
  saved?: OAuthTokens;
  verifier = '';
  /** The last authorization URL the SDK wanted to open. */
  authorizationUrl?: URL;
  readonly clientMetadataUrl?: string;
  private readonly redirect: string;
  private readonly name: string;

  constructor(opts: { redirectUrl: string; clientName?: string; clientMetadataUrl?: string }) {
    this.redirect = opts.redirectUrl;
    this.name = opts.clientName ?? 'SDK test client';
    this.clientMetadataUrl = opts.clientMetadataUrl;
  }

  get redirectUrl(): string { return this.redirect; }
  get clientMetadata(): OAuthClientMetadata {
    return { client_name: this.name, redirect_uris: [this.redirect], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none' };
  }
  state(): string { return 'st-' + Math.random().toString(36).slice(2); }
  clientInformation() { return this.client; }
  saveClientInformation(info: OAuthClientInformationMixed) { this.client = info; }
  tokens() { return this.saved; }
  saveTokens(t: OAuthTokens) { this.saved = t; }
  redirectToAuthorization(url: URL) { this.authorizationUrl = url; }
  saveCodeVerifier(v: string) { this.verifier = v; }
  codeVerifier() { return this.verifier; }
}
