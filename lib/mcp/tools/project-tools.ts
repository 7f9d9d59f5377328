// Projects and workspaces: list_memory_projects, create_memory_project, delete_project, list_workspaces, and
// basic_memory_diagnostics. One personal workspace per account (the account's tenant).
import { z } from 'zod';
import { defineTool, outputFormat, str } from '../tool-def.ts';
import { assertProjectPath, resolveProject, v2 } from '../project-route.ts';
import { ToolProblem } from '../tool-problem.ts';

export const SERVER_NAME = 'Basic Memory Cloud';
export const SERVER_VERSION = '0.1.0';

export const listMemoryProjects = defineTool({
  name: 'list_memory_projects',
  title: 'List Memory Projects',
  description: 'List all available projects with their status.\n\nEach project entry includes an `external_id` (UUID). Pass that value as the `project_id` parameter on other tools to address a specific project unambiguously.',
  group: 'memory:read',
  hints: { readOnly: true, destructive: false },
  schema: z.object({ output_format: outputFormat() }),
  async run(ctx, a) {
    const { projects, default_project } = await ctx.api.projects();
    if (a.output_format === 'json') {
      return { projects: projects.map((p) => ({ name: p.name, external_id: p.external_id, path: p.path, is_default: p.name === default_project, workspace: 'personal' })), default_project };
    }
    if (!projects.length) return 'No projects yet. Create one with create_memory_project().';
    const lines = ['Available projects:', ''];
    for (const p of projects) lines.push(`• ${p.name}${p.name === default_project ? ' (default)' : ''}`, `  path: ${p.path}`, `  project_id: ${p.external_id}`);
    lines.push('', 'Use the project name (or project_id) in other tools, e.g. `search_notes(query="…", project="<name>")`.');
    return lines.join('\n');
  },
});

export const createMemoryProject = defineTool({
  name: 'create_memory_project',
  title: 'Create Memory Project',
  description: 'Create a new Basic Memory project.\n\nCreates a new project with the specified name and path. The project directory will be created if it doesn\'t exist. Optionally sets the new project as default.',
  group: 'memory:admin',
  hints: { readOnly: false, destructive: false },
  audited: true,
  schema: z.object({
    project_name: str(100).min(1).describe('Name of the new project'),
    project_path: str(500).describe('Folder for the project (in the cloud, relative to your storage root)'),
    set_default: z.boolean().default(false),
    workspace: str(255).nullish(),
    output_format: outputFormat(),
  }),
  async run(ctx, a) {
    assertProjectPath(a.project_path.replace(/^\/+/, ''), 'project_path');
    const r = await ctx.api.raw('POST', '/v2/projects/', { name: a.project_name, path: a.project_path, set_default: a.set_default });
    ctx.api.forgetProjects();
    if (r.status >= 300) throw new ToolProblem(`Could not create project '${a.project_name}': ${(r.body as { detail?: unknown })?.detail ?? r.status}`, r.status);
    const body = r.body as { message: string; new_project?: { name: string; path: string; external_id: string } | null };
    if (a.output_format === 'json') return { name: body.new_project?.name ?? a.project_name, path: body.new_project?.path ?? a.project_path, external_id: body.new_project?.external_id ?? null,
      is_default: a.set_default, created: r.status === 201, message: body.message };
    return [`✓ ${body.message}`, '', 'Project Details:', `• Name: ${body.new_project?.name ?? a.project_name}`, `• Path: ${body.new_project?.path ?? a.project_path}`,
      ...(a.set_default ? ['• Set as default project'] : []), '', `Project is now available for use in tool calls. Use '${a.project_name}' as the project parameter.`].join('\n');
  },
});

export const deleteProject = defineTool({
  name: 'delete_project',
  title: 'Delete Project',
  description: "Delete a Basic Memory project.\n\nRemoves a project from Basic Memory's configuration and database records. By default the project's note files are retained. Pass delete_notes=True to also delete the note files themselves.",
  group: 'memory:admin',
  hints: { readOnly: false, destructive: true },
  audited: true,
  schema: z.object({ project_name: str(255).min(1), delete_notes: z.boolean().default(false), workspace: str(255).nullish() }),
  async run(ctx, a) {
    const p = await resolveProject(ctx.api, { project: a.project_name });
    const r = await ctx.api.raw('DELETE', `${v2(p)}?delete_notes=${a.delete_notes}`);
    ctx.api.forgetProjects();
    if (r.status >= 300) throw new ToolProblem(`Could not delete project '${p.name}': ${(r.body as { detail?: unknown })?.detail ?? r.status}`, r.status);
    return [`✓ Project '${p.name}' removed successfully`, '', `Removed project: ${p.name}`, `Path: ${p.path}`, '',
      a.delete_notes ? 'Its note files were deleted too.' : 'Its note files were kept in your cloud storage.'].join('\n');
  },
});

export const listWorkspaces = defineTool({
  name: 'list_workspaces',
  title: 'List Workspaces',
  description: 'List available cloud workspaces (tenant_id, type, role, and name).',
  group: 'memory:read',
  hints: { readOnly: true, destructive: false },
  schema: z.object({ output_format: outputFormat() }),
  async run(ctx, a) {
    const t = ctx.principal.tenant!;
    const ws = { tenant_id: t.id, workspace_type: 'personal', slug: 'personal', name: t.name, role: 'owner', has_active_subscription: t.desiredState !== 'stopped' };
    if (a.output_format === 'json') return { workspaces: [ws], count: 1 };
    return ['# Workspaces (1)', '', `- ${ws.name} (type=personal, role=owner, tenant_id=${ws.tenant_id})`].join('\n');
  },
});

export const diagnostics = defineTool({
  name: 'basic_memory_diagnostics',
  title: 'Basic Memory Diagnostics',
  description: 'Return version, system, and configuration diagnostics for Basic Memory. Read-only; never emits secrets or API keys.',
  group: 'memory:read',
  hints: { readOnly: true, destructive: false },
  schema: z.object({}),
  async run(ctx) {
    const { projects, default_project } = await ctx.api.projects();
    return JSON.stringify({
      basic_memory_version: SERVER_VERSION, server: SERVER_NAME, transport: 'streamable-http (stateless)', runtime: `node ${process.version}`,
      platform: process.platform, projects: projects.length, default_project, workspace: 'personal',
    }, null, 2);
  },
});
