// Reference CLI for Basic Memory Cloud: `npm run cli -- <command> [flags]`.
//   login  [--host URL] [--no-browser] [--token-file PATH] [--client-id ID]
//   logout [--token-file PATH]
//   status [--host URL] [--token-file PATH]
//   projects [list | add NAME [--default]]   (cli/src/projects.ts, through /proxy/projects/projects)
// More commands (sync, search) register in COMMANDS below.
import { spawn, spawnSync } from 'node:child_process';
import { CliError, getValidAccessToken, pkcePair, pollForTokens, requestDeviceCode, revokeTokens, type Io } from './auth.ts';
import { resolveSettings, saveSettings, type Settings } from './settings.ts';
import { deleteTokens, loadTokens, saveTokens } from './tokens.ts';
import { projectsCommand } from './projects.ts';
import type { Command, CommandContext, Flags } from './command.ts';

function canOpenBrowser(): string | null {
  if (process.platform === 'darwin') return 'open';
  if (process.platform === 'win32') return null;
  if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return null;
  const r = spawnSync('sh', ['-c', 'command -v xdg-open'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : null;
}

export const COMMANDS: Record<string, Command> = {
  login: {
    summary: 'Connect this terminal to your cloud account (device code + browser approval)',
    usage: 'login [--host URL] [--no-browser] [--token-file PATH]',
    async run({ flags, io, settings, api }) {
      const s = settings();
      const { verifier, challenge } = pkcePair();
      const d = await requestDeviceCode(s, challenge);
      io.out('');
      io.out(`  Your code:  ${d.user_code}`);
      io.out(`  Approve at: ${d.verification_uri}`);
      if (d.verification_uri_complete) io.out(`  Direct link: ${d.verification_uri_complete}`);
      io.out('');
      io.out('Check that the browser shows the same code before you approve.');
      const opener = flags['no-browser'] ? null : canOpenBrowser();
      if (opener) {
        try {
          const child = spawn(opener, [d.verification_uri_complete ?? d.verification_uri], { stdio: 'ignore', detached: true });
          child.on('error', () => {});
          child.unref();
          io.out('Opened your browser.');
        } catch { /* print-only */ }
      }
      const tokens = await pollForTokens(s, d, verifier, io);
      saveTokens(s.tokenFile, tokens);
      saveSettings(s);
      io.out('');
      io.out(`Logged in. Tokens saved to ${s.tokenFile} (mode 0600).`);
      // Say who approved it and which tenant this terminal now reaches: the person at the keyboard
      // must be able to tell at once if the browser was signed in as someone else.
      const r = await api('/api/me').catch(() => null);
      const me = r?.status === 200 ? r.body as { user: { email: string | null; name: string | null }; tenant: { id: string; name: string } | null } : null;
      if (me) {
        io.out(`Logged in as: ${me.user.email ?? me.user.name ?? 'unknown'}`);
        io.out(me.tenant ? `Tenant: ${me.tenant.name} (${me.tenant.id})` : 'Tenant: none yet');
      } else {
        io.out(`Could not confirm the account (HTTP ${r?.status ?? 'unreachable'}); run \`status\` to check.`);
      }
      return 0;
    },
  },
  logout: {
    summary: 'Revoke this terminal’s session and delete the saved tokens',
    usage: 'logout [--token-file PATH]',
    async run({ io, settings }) {
      const s = settings();
      const t = loadTokens(s.tokenFile);
      if (!t) { io.out('Not logged in.'); return 0; }
      const revoked = await revokeTokens(s, t);
      deleteTokens(s.tokenFile);
      io.out(revoked ? 'Logged out: the session was revoked and the tokens deleted.' : 'Tokens deleted (the server could not be reached to revoke them; revoke the session under CLI sessions).');
      return 0;
    },
  },
  status: {
    summary: 'Who you are logged in as, and which tenant this terminal reaches',
    usage: 'status [--host URL] [--token-file PATH]',
    async run({ io, settings, api }) {
      const s = settings();
      io.out(`Host: ${s.host}`);
      const r = await api('/api/me');
      if (r.status === 401) throw new CliError('Not authenticated (the session was revoked or expired). Run `login` again.');
      if (r.status !== 200) throw new CliError(`Could not reach ${s.host}/api/me (HTTP ${r.status}).`);
      const me = r.body as { user: { email: string | null; name: string | null }; tenant: { id: string; name: string; status: string } | null };
      io.out(`Logged in as: ${me.user.email ?? me.user.name ?? 'unknown'}`);
      io.out(me.tenant ? `Tenant: ${me.tenant.name} (${me.tenant.id}), status ${me.tenant.status}` : 'Tenant: none yet');
      // The upstream CLI's probe (contract §1.7): the tenant API's health through /proxy.
      const health = await api('/proxy/health').catch(() => null);
      const hb = health?.body as { status?: string; detail?: unknown } | undefined;
      if (health?.status === 200) io.out(`Tenant API: ${hb?.status ?? 'reachable'}`);
      else if (health) io.out(`Tenant API: not reachable yet (HTTP ${health.status}${hb && typeof hb.detail === 'string' ? ': ' + hb.detail : ''})`);
      return 0;
    },
  },
  projects: projectsCommand,
};

export function parseArgs(argv: string[]): { command: string | undefined; args: string[]; flags: Flags } {
  const flags: Flags = {};
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      const [k, v] = a.slice(2).split('=', 2) as [string, string | undefined];
      if (v !== undefined) flags[k] = v;
      else if (k.startsWith('no-') || argv[i + 1] === undefined || argv[i + 1]!.startsWith('--')) flags[k] = true;
      else flags[k] = argv[++i]!;
    } else args.push(a);
  }
  return { command: args.shift(), args, flags };
}

function usage(io: Io): void {
  io.out('Usage: npm run cli -- <command> [flags]\n');
  for (const c of Object.values(COMMANDS)) io.out(`  ${c.usage.padEnd(58)} ${c.summary}`);
}

export function defaultIo(): Io {
  const tty = process.stderr.isTTY;
  let lastStatusAt = 0;
  return {
    out: (line) => { if (tty) process.stderr.write('\r\x1b[2K'); process.stdout.write(line + '\n'); },
    status: (line) => {
      if (tty) { process.stderr.write('\r\x1b[2K' + line); return; }
      if (Date.now() - lastStatusAt >= 30_000) { lastStatusAt = Date.now(); process.stdout.write(line + '\n'); }
    },
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    now: () => Date.now(),
  };
}

export async function main(argv: string[], io: Io = defaultIo()): Promise<number> {
  const { command, args, flags } = parseArgs(argv);
  if (!command || flags.help || command === 'help') { usage(io); return command ? 0 : 2; }
  const cmd = COMMANDS[command];
  if (!cmd) { io.out(`Unknown command "${command}".\n`); usage(io); return 2; }
  let cached: Settings | undefined;
  const settings = () => (cached ??= resolveSettings(flags));
  const accessToken = async () => {
    const t = await getValidAccessToken(settings(), io);
    if (!t) throw new CliError('Not logged in (or the session ended). Run `npm run cli -- login`.');
    return t;
  };
  const api: CommandContext['api'] = async (path, init = {}) => {
    const token = await accessToken();
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${token}`);
    headers.set('accept', 'application/json');
    const res = await fetch(settings().host + path, { ...init, headers, redirect: 'manual' });
    const text = await res.text();
    let body: unknown = text;
    try { body = JSON.parse(text); } catch { /* keep text */ }
    return { status: res.status, body };
  };
  try {
    return await cmd.run({ args, flags, io, settings, accessToken, api });
  } catch (err) {
    if (err instanceof CliError) { io.out(`Error: ${err.message}`); return err.code; }
    if (err instanceof Error && /fetch failed|ECONNREFUSED/.test(err.message + String((err as { cause?: unknown }).cause))) {
      io.out(`Error: cannot reach ${cached?.host ?? 'the server'} (${String((err as { cause?: { code?: string } }).cause?.code ?? err.message)}).`);
      return 1;
    }
    if (err instanceof Error) { io.out(`Error: ${err.message}`); return 1; }
    throw err;
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('cli/src/main.ts')) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
