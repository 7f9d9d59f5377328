// Where the CLI talks to and as which client. `--host` > BMC_HOST > the host saved at login > localhost.
import fs from 'node:fs';
import path from 'node:path';
import { defaultTokenFile } from './tokens.ts';

export const DEFAULT_HOST = 'http://localhost:3000';
export const DEFAULT_CLIENT_ID = 'bmc-cli';

export interface Settings {
  host: string;
  clientId: string;
  tokenFile: string;
  settingsFile: string;
}

function stripSlash(u: string): string { return u.replace(/\/+$/, ''); }

export function resolveSettings(flags: Record<string, string | boolean>): Settings {
  const tokenFile = typeof flags['token-file'] === 'string' ? flags['token-file'] : defaultTokenFile();
  const settingsFile = path.join(path.dirname(tokenFile), 'bmc-cli.json');
  let saved: { host?: string; client_id?: string } = {};
  try { saved = JSON.parse(fs.readFileSync(settingsFile, 'utf8')); } catch { /* none yet */ }
  const host = typeof flags.host === 'string' ? flags.host : process.env.BMC_HOST || saved.host || DEFAULT_HOST;
  const clientId = typeof flags['client-id'] === 'string' ? flags['client-id'] : process.env.BMC_CLIENT_ID || saved.client_id || DEFAULT_CLIENT_ID;
  try { new URL(host); } catch { throw new Error(`--host must be a URL such as https://cloud.example.com (got "${host}")`); }
  return { host: stripSlash(host), clientId, tokenFile, settingsFile };
}

export function saveSettings(s: Settings): void {
  fs.mkdirSync(path.dirname(s.settingsFile), { recursive: true, mode: 0o700 });
  fs.writeFileSync(s.settingsFile, JSON.stringify({ host: s.host, client_id: s.clientId }, null, 2) + '\n', { mode: 0o600 });
}
