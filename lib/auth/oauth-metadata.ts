// The authorization server's own description of itself for the CLI (RFC 8414); MCP clients get a wider one
// built on it (mcp-oauth/http.ts).
import type { OAuthConfig } from '../config/oauth.ts';
import { SUPPORTED_SCOPES } from '../config/oauth.ts';
import { DEVICE_GRANT_TYPE } from './device-grant.ts';

/** GET /.well-known/oauth-authorization-server (RFC 8414). */
export function authorizationServerMetadata(cfg: OAuthConfig): Record<string, unknown> {
  const base = cfg.issuer;
  return {
    issuer: base,
    device_authorization_endpoint: `${base}/oauth2/device_authorization`,
    token_endpoint: `${base}/oauth2/token`,
    revocation_endpoint: `${base}/oauth2/revoke`,
    grant_types_supported: [DEVICE_GRANT_TYPE, 'refresh_token'],
    response_types_supported: [],
    token_endpoint_auth_methods_supported: ['none'],
    revocation_endpoint_auth_methods_supported: ['none'],
    code_challenge_methods_supported: ['S256'],
    scopes_supported: [...SUPPORTED_SCOPES],
    service_documentation: `${base}/device`,
  };
}
