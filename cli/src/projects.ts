// `projects list` / `projects add NAME`: the tenant's projects through the tenant proxy
// (GET|POST /proxy/projects/projects, upstream shapes), like the upstream `bm project list|add`.
import { CliError } from './auth.ts';
import type { Command } from './command.ts';

interface ProjectItem { name: string; path: string; is_default: boolean }

function failure(status: number, body: unknown): CliError {
  const d = (body as { detail?: unknown })?.detail;
  if (status === 401) return new CliError('Not authenticated (the session was revoked or expired). Run `login` again.');
  if (status === 403 && (d as { error?: string })?.error === 'subscription_required') {
    return new CliError(`${(d as { message?: string }).message ?? 'Active subscription required'} — ${(d as { subscribe_url?: string }).subscribe_url ?? ''}`);
  }
  if (status === 503) return new CliError(`Your tenant is not ready yet (${(d as { message?: string })?.message ?? 'starting'}). Try again in a few seconds.`);
  const msg = typeof d === 'string' ? d : (d as { message?: string })?.message ?? JSON.stringify(d ?? body);
  return new CliError(`The server answered ${status}: ${msg}`);
}

export const projectsCommand: Command = {
  summary: 'List your cloud projects, or add one (`projects add NAME`)',
  usage: 'projects [list | add NAME [--default]]',
  async run({ args, flags, io, api }) {
    const sub = args[0] ?? 'list';
    if (sub === 'list') {
      const r = await api('/proxy/projects/projects');
      if (r.status !== 200) throw failure(r.status, r.body);
      const list = r.body as { projects: ProjectItem[]; default_project: string | null };
      if (!list.projects.length) { io.out('No projects yet. Add one with `projects add NAME`.'); return 0; }
      const w = Math.max(4, ...list.projects.map((p) => p.name.length));
      io.out(`${'NAME'.padEnd(w)}  PATH`);
      for (const p of list.projects) io.out(`${p.name.padEnd(w)}  ${p.path}${p.is_default ? '  (default)' : ''}`);
      return 0;
    }
    if (sub === 'add') {
      const name = args.slice(1).join(' ').trim();
      if (!name) throw new CliError('Usage: projects add NAME');
      const r = await api('/proxy/projects/projects', {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name, path: name, set_default: flags.default === true }),
      });
      if (r.status !== 201 && r.status !== 200) throw failure(r.status, r.body);
      io.out((r.body as { message?: string }).message ?? `Project '${name}' added.`);
      return 0;
    }
    throw new CliError(`Unknown subcommand "${sub}". Usage: projects [list | add NAME [--default]]`);
  },
};
