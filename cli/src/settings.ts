// Where the CLI talks to and as which client. `--host` > BMC_HOST > the host saved at login > localhost.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { defaultTokenFile } from './tokens.ts';

const savedSettingsSchema = z.object({ host: z.string().optional(), client_id: z.string().optional() });

/** What `login` saved; a missing file is nothing saved, a broken one is an error naming it. */
function loadSaved(file: string): z.infer<typeof savedSettingsSchema> {
  let text: string;
  try { text = fs.readFileSync(file, 'utf8'); } catch { return {}; }
  let raw: unknown;
  try { raw = JSON.parse(text); } catch { throw new Error(`${file} is not valid JSON; fix or delete it (login writes it again)`); }
  const r = savedSettingsSchema.safeParse(raw);
  if (!r.success) throw new Error(`${file} is not a settings file of this CLI (${r.error.issues.map((i) => `${i.path.join('.') || 'file'}: ${i.message}`).join('; ')}); fix or delete it`);
  return r.data;
}

const DEFAULT_HOST = 'http://localhost:3000';
const DEFAULT_CLIENT_ID = 'bmc-cli';

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
  const saved = loadSaved(settingsFile);
  const host = typeof flags.host === 'string' ? flags.host : process.env.BMC_HOST || saved.host || DEFAULT_HOST;
  const clientId = typeof flags['client-id'] === 'string' ? flags['client-id'] : process.env.BMC_CLIENT_ID || saved.client_id || DEFAULT_CLIENT_ID;
  try { new URL(host); } catch { throw new Error(`--host must be a URL such as https://cloud.example.com (got "${host}")`); }
  return { host: stripSlash(host), clientId, tokenFile, settingsFile };
}

export function saveSettings(s: Settings): void {
  fs.mkdirSync(path.dirname(s.settingsFile), { recursive: true, mode: 0o700 });
  fs.writeFileSync(s.settingsFile, JSON.stringify({ host: s.host, client_id: s.clientId }, null, 2) + '\n', { mode: 0o600 });
}
