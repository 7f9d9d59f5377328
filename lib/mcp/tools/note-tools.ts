// The note tools as upstream HEAD names and shapes them: write_note, read_note, view_note, read_content,
// edit_note, move_note, delete_note. Each resolves its project, checks paths stay inside it, then calls the
// tenant's v2 routes. Text answers follow upstream's markdown summaries; output_format=json their dicts.
import { z } from 'zod';
import { defineTool, MAX_TEXT, outputFormat, pageArg, pageSizeArg, parseTags, projectArgs, str, tagsArg, type ToolContext } from '../tool-def.ts';
import { assertProjectPath, resolveNote, resolveNoteForChange, resolveProject, stripMemoryUrl, v2, type ResolvedNote } from '../project-route.ts';
import type { ProjectItem } from '../tenant-api.ts';
import { ToolProblem } from '../tool-problem.ts';

interface Entity {
  external_id: string; permalink: string | null; title: string; file_path: string; checksum: string | null; note_type?: string; entity_type?: string;
  observations?: Array<{ category: string }>; relations?: Array<{ to_id: number | null }>;
}

const EDIT_OPERATIONS = ['append', 'prepend', 'find_replace', 'replace_section', 'insert_before_section', 'insert_after_section'] as const;

function withProject(text: string, p: ProjectItem): string {
  return `${text}\n\n[Session: Using project '${p.name}']`;
}

function stripFrontmatter(text: string): string {
  if (!text.startsWith('---')) return text;
  const end = text.indexOf('\n---', 3);
  if (end < 0) return text;
  const after = text.indexOf('\n', end + 4);
  return after < 0 ? '' : text.slice(after + 1).replace(/^\n/, '');
}

/** The note's text: what the resolve call brought along, else (a tenant that does not send it) one more read. */
async function noteText(ctx: ToolContext, p: ProjectItem, note: ResolvedNote): Promise<string> {
  return typeof note.content === 'string' ? note.content : await readRaw(ctx, p, note.file_path);
}

async function readRaw(ctx: ToolContext, p: ProjectItem, filePath: string): Promise<string> {
  const path = filePath.split('/').map(encodeURIComponent).join('/');
  const r = await ctx.api.raw('GET', `/${encodeURIComponent(p.name)}/resource/${path}`);
  if (r.status !== 200) throw new ToolProblem(`Could not read '${filePath}': the tenant answered ${r.status}.`, r.status);
  return r.text;
}

async function notFoundText(ctx: ToolContext, p: ProjectItem, identifier: string): Promise<string> {
  const q = stripMemoryUrl(identifier).split('/').pop()!.replace(/[-_]/g, ' ');
  const r = await ctx.api.raw('POST', `${v2(p)}/search/?page=1&page_size=5`, { text: q });
  const hits = ((r.body as { results?: Array<{ title: string; permalink: string | null; file_path: string }> })?.results ?? []);
  const lines = [`# Note Not Found in ${p.name}: "${identifier}"`, '', "I couldn't find any notes matching this identifier."];
  if (hits.length) {
    lines.push('', '## Similar notes', ...hits.map((h) => `- **${h.title}** (permalink: \`${h.permalink ?? h.file_path}\`)`));
  }
  lines.push('', '## Suggestions', `- Search: \`search_notes("${q}")\``, '- Recent notes: `recent_activity(timeframe="7d")`',
    `- Create it: \`write_note(title="${q}", directory="notes", content="...")\``);
  return lines.join('\n');
}

export const writeNote = defineTool({
  name: 'write_note',
  title: 'Write Note',
  description: 'Create a markdown note. If the note already exists, returns an error by default — pass overwrite=True to replace.',
  group: 'memory:write',
  hints: { readOnly: false, destructive: true, idempotent: false },
  writes: true,
  schema: z.object({
    title: str(255).min(1).describe('The title of the note'),
    content: z.string().max(MAX_TEXT).describe('Markdown content; may include observations (`- [category] text #tag`) and relations (`- relation_type [[Entity]]`)'),
    directory: str(1024).describe('Directory relative to the project root, e.g. "notes" or "projects/2025"; "/" or "" for the root'),
    ...projectArgs,
    workspace: str(255).nullish().describe('Workspace slug, name, or tenant_id; with project, routes as workspace/project.'),
    tags: tagsArg.describe('Tags: a list, or a comma-separated string'),
    note_type: str(100).default('note').describe('Type of note (stored in frontmatter), e.g. "note", "guide", "person"'),
    metadata: z.record(z.string(), z.unknown()).nullish().describe('Extra frontmatter fields'),
    overwrite: z.boolean().nullish().describe('True replaces an existing note; otherwise an existing note is an error'),
    output_format: outputFormat(),
  }),
  aliases: { directory: ['folder', 'dir', 'path'] },
  async run(ctx, a) {
    const p = await resolveProject(ctx.api, a);
    const dir = a.directory.trim();
    try { assertProjectPath(dir, 'directory'); } catch {
      if (a.output_format === 'json') return { title: a.title, permalink: null, file_path: null, checksum: null, action: 'created', error: 'SECURITY_VALIDATION_ERROR' };
      throw new ToolProblem(`# Error\n\nDirectory path '${a.directory}' is not allowed - paths must stay within project boundaries`);
    }
    if (a.title.includes('/') || a.title.includes('\\')) assertProjectPath(a.title, 'title');
    const tags = parseTags(a.tags);
    const metadata: Record<string, unknown> = { ...(a.metadata ?? {}) };
    if (tags.length) metadata.tags = tags;
    const body = { title: a.title, folder: dir === '' ? '/' : dir, content: a.content, entity_type: a.note_type,
      entity_metadata: Object.keys(metadata).length ? metadata : null, content_type: 'text/markdown' };
    let action = 'Created';
    let r = await ctx.api.raw('POST', `${v2(p)}/knowledge/entities`, body);
    if (r.status === 409) {
      const existingPath = `${dir.replace(/^\/+|\/+$/g, '')}${dir.replace(/^\/+|\/+$/g, '') ? '/' : ''}${a.title}.md`;
      if (!a.overwrite) {
        const existing = await resolveNote(ctx.api, p, existingPath, true);
        const permalink = existing?.permalink ?? existingPath;
        if (a.output_format === 'json') return { title: a.title, permalink, file_path: null, checksum: null, action: 'conflict', error: 'NOTE_ALREADY_EXISTS' };
        throw new ToolProblem([
          '# Error: Note already exists', '', `**"${a.title}"** already exists (permalink: \`${permalink}\`).`, '',
          '`write_note` does not overwrite by default. Choose an option:', '',
          '| Goal | Action |', '|------|--------|',
          `| Append content | \`edit_note("${permalink}", operation="append", content="...")\` |`,
          `| Prepend content | \`edit_note("${permalink}", operation="prepend", content="...")\` |`,
          `| Replace a section | \`edit_note("${permalink}", operation="replace_section", section="...", content="...")\` |`,
          `| Full replace | \`write_note("${a.title}", ..., overwrite=True)\` |`,
          `| Inspect first | \`read_note("${permalink}")\` |`, '', `Project: ${p.name}`,
        ].join('\n'));
      }
      const existing = await resolveNote(ctx.api, p, existingPath, true);
      if (!existing) throw new ToolProblem(`The note '${a.title}' exists but could not be resolved for an update.`);
      r = await ctx.api.raw('PUT', `${v2(p)}/knowledge/entities/${encodeURIComponent(existing.external_id)}`, body);
      action = 'Updated';
    }
    if (r.status >= 300) throw new ToolProblem(`Could not write the note: ${(r.body as { detail?: unknown })?.detail ?? r.status}`, r.status);
    const e = r.body as Entity;
    ctx.onNoteChanged?.(p.name, e.file_path, 'write_note');
    if (a.output_format === 'json') return { title: e.title, permalink: e.permalink, file_path: e.file_path, checksum: e.checksum, action: action.toLowerCase() };
    const lines = [`# ${action} note`, `project: ${p.name}`, `file_path: ${e.file_path}`, `permalink: ${e.permalink}`, `checksum: ${e.checksum ? e.checksum.slice(0, 8) : 'unknown'}`];
    const cats = new Map<string, number>();
    for (const o of e.observations ?? []) cats.set(o.category, (cats.get(o.category) ?? 0) + 1);
    if (cats.size) lines.push('\n## Observations', ...[...cats].sort(([x], [y]) => x.localeCompare(y)).map(([c, n]) => `- ${c}: ${n}`));
    const rels = e.relations ?? [];
    if (rels.length) {
      const unresolved = rels.filter((x) => !x.to_id).length;
      lines.push('\n## Relations', `- Resolved: ${rels.length - unresolved}`);
      if (unresolved) lines.push(`- Unresolved: ${unresolved}`, "\nNote: Unresolved relations point to entities that don't exist yet.",
        'They will be automatically resolved when target entities are created or during sync operations.');
    }
    if (tags.length) lines.push(`\n## Tags\n- ${tags.join(', ')}`);
    return withProject(lines.join('\n'), p);
  },
});

export const readNote = defineTool({
  name: 'read_note',
  title: 'Read Note',
  description: 'Read a markdown note by title or permalink.',
  group: 'memory:read',
  hints: { readOnly: true, destructive: false },
  schema: z.object({
    identifier: str().min(1).describe('Title, permalink, file path or memory:// URL of the note'),
    ...projectArgs,
    page: pageArg,
    page_size: pageSizeArg(),
    output_format: outputFormat(),
    include_frontmatter: z.boolean().default(false).describe('Keep the YAML frontmatter in the returned content'),
  }),
  aliases: { page: ['page_number'], page_size: ['limit', 'per_page'] },
  async run(ctx, a) {
    const p = await resolveProject(ctx.api, a);
    // Resolution and the file's text in one tenant call (the hot path of an agent's memory).
    const note = await resolveNote(ctx.api, p, a.identifier, false, true);
    // A fuzzy (search) match is not the note asked for: answer "not found" with it among the suggestions.
    if (!note || note.resolution_method === 'search') {
      if (a.output_format === 'json') return { title: null, permalink: null, file_path: null, content: null, frontmatter: null, error: 'NOTE_NOT_FOUND', identifier: a.identifier };
      return await notFoundText(ctx, p, a.identifier);
    }
    const raw = await noteText(ctx, p, note);
    const content = a.include_frontmatter ? raw : stripFrontmatter(raw);
    if (a.output_format === 'json') {
      return { title: note.title, permalink: note.permalink, file_path: note.file_path, content, external_id: note.external_id };
    }
    return content;
  },
});

export const viewNote = defineTool({
  name: 'view_note',
  title: 'View Note',
  description: 'View a note as a formatted artifact for better readability.',
  group: 'memory:read',
  hints: { readOnly: true, destructive: false },
  schema: z.object({ identifier: str().min(1).describe('Title, permalink or memory:// URL of the note'), ...projectArgs }),
  async run(ctx, a) {
    const p = await resolveProject(ctx.api, a);
    const note = await resolveNote(ctx.api, p, a.identifier, false, true);
    if (!note || note.resolution_method === 'search') return await notFoundText(ctx, p, a.identifier);
    const content = stripFrontmatter(await noteText(ctx, p, note));
    return [`Note retrieved: "${note.title}"`, '', 'Display this note as a markdown artifact for the user.', '',
      'Content:', '---', content, '---'].join('\n');
  },
});

export const readContent = defineTool({
  name: 'read_content',
  title: 'Read Content',
  description: "Read a file's raw content by path or permalink.",
  group: 'memory:read',
  hints: { readOnly: true, destructive: false },
  schema: z.object({ path: str().min(1).describe('File path or permalink, relative to the project'), ...projectArgs }),
  aliases: { path: ['file_path', 'filepath', 'file'] },
  async run(ctx, a) {
    const p = await resolveProject(ctx.api, a);
    const rel = assertProjectPath(stripMemoryUrl(a.path));
    const r = await ctx.api.raw('GET', `/${encodeURIComponent(p.name)}/resource/${rel.split('/').map(encodeURIComponent).join('/')}`);
    if (r.status === 404) throw new ToolProblem(`Resource not found: '${a.path}' in project '${p.name}'.`);
    if (r.status >= 300) throw new ToolProblem(`Could not read '${a.path}': ${(r.body as { detail?: unknown })?.detail ?? r.status}`, r.status);
    return { type: 'text', text: r.text, content_type: 'text/plain', encoding: 'utf-8' };
  },
});

export const editNote = defineTool({
  name: 'edit_note',
  title: 'Edit Note',
  description: 'Edit an existing markdown note using various operations like append, prepend, find_replace, replace_section, insert_before_section, or insert_after_section. Pass metadata to merge YAML frontmatter fields independent of the operation.',
  group: 'memory:write',
  hints: { readOnly: false, destructive: true },
  writes: true,
  schema: z.object({
    identifier: str().min(1).describe('Title, permalink or memory:// URL of the note to edit'),
    operation: z.enum(EDIT_OPERATIONS).describe('The edit operation'),
    content: z.string().max(MAX_TEXT).describe('The content to add or to replace with'),
    ...projectArgs,
    workspace: str(255).nullish(),
    section: str(500).nullish().describe('Heading of the section (replace_section, insert_before_section, insert_after_section)'),
    find_text: z.string().max(MAX_TEXT).nullish().describe('Text to find (find_replace)'),
    expected_replacements: z.number().int().min(0).max(1_000_000).nullish().describe('How many replacements find_replace must make (default 1)'),
    replace_subsections: z.boolean().nullish(),
    metadata: z.record(z.string(), z.unknown()).nullish(),
    output_format: outputFormat(),
  }),
  aliases: { content: ['new_content', 'replacement', 'replace_with'], section: ['section_heading', 'heading'], find_text: ['find', 'old_text', 'old_content', 'search'] },
  async run(ctx, a) {
    const p = await resolveProject(ctx.api, a);
    const note = await resolveNoteForChange(ctx.api, p, a.identifier);
    if (a.operation === 'find_replace' && !a.find_text) throw new ToolProblem('find_text parameter is required for find_replace operation');
    if (a.operation.endsWith('section') && !a.section) throw new ToolProblem(`section parameter is required for ${a.operation} operation`);
    const e = await ctx.api.json<Entity>('PATCH', `${v2(p)}/knowledge/entities/${encodeURIComponent(note.external_id)}`, {
      operation: a.operation, content: a.content, section: a.section ?? null, find_text: a.find_text ?? null,
      ...(a.expected_replacements != null ? { expected_replacements: a.expected_replacements } : {}),
    });
    ctx.onNoteChanged?.(p.name, e.file_path, 'edit_note');
    if (a.output_format === 'json') return { title: e.title, permalink: e.permalink, file_path: e.file_path, checksum: e.checksum, operation: a.operation };
    const lines = [`# Edited note (${a.operation})`, `project: ${p.name}`, `file_path: ${e.file_path}`, `permalink: ${e.permalink}`,
      `checksum: ${e.checksum ? e.checksum.slice(0, 8) : 'unknown'}`];
    if (a.operation === 'find_replace') lines.push(`\n## Operation Details\n- Find: "${(a.find_text ?? '').slice(0, 100)}"\n- Expected replacements: ${a.expected_replacements ?? 1}`);
    if (a.section) lines.push(`\n## Section\n- ${a.section}`);
    return withProject(lines.join('\n'), p);
  },
});

export const moveNote = defineTool({
  name: 'move_note',
  title: 'Move Note',
  description: 'Move a note or directory to a new location, updating database and maintaining links.',
  group: 'memory:write',
  hints: { readOnly: false, destructive: false },
  writes: true,
  schema: z.object({
    identifier: str().min(1).describe('Title, permalink or path of the note (or the directory with is_directory)'),
    destination_path: str(1024).default('').describe('New path relative to the project root, e.g. "archive/old-note.md"'),
    destination_folder: str(1024).nullish().describe('Move into this folder, keeping the file name'),
    is_directory: z.boolean().default(false).describe('Move a whole directory'),
    ...projectArgs,
    output_format: outputFormat(),
  }),
  aliases: { destination_path: ['dest_path', 'new_path', 'to', 'destination'], destination_folder: ['dest_folder', 'to_folder'], is_directory: ['is_dir'] },
  async run(ctx, a) {
    const p = await resolveProject(ctx.api, a);
    if (a.is_directory) {
      const src = assertProjectPath(stripMemoryUrl(a.identifier), 'source directory');
      const dest = assertProjectPath((a.destination_folder ?? a.destination_path).replace(/^\/+/, ''), 'destination');
      if (!dest) throw new ToolProblem('destination_path (or destination_folder) is required.');
      const r = await ctx.api.json<{ total_files: number; successful_moves: number; failed_moves: number; errors: Array<{ path: string; error: string }> }>(
        'POST', `${v2(p)}/knowledge/move-directory`, { source_directory: src, destination_directory: dest });
      if (a.output_format === 'json') return { ...r, source: src, destination: dest, is_directory: true };
      const lines = [`# Directory Moved`, '', `**${src}** → **${dest}**`, '', `- Files: ${r.total_files}`, `- Moved: ${r.successful_moves}`, `- Failed: ${r.failed_moves}`];
      for (const e of r.errors ?? []) lines.push(`  - ${e.path}: ${e.error}`);
      return withProject(lines.join('\n'), p);
    }
    const note = await resolveNoteForChange(ctx.api, p, a.identifier);
    let dest = a.destination_path.trim().replace(/^\/+/, '');
    if (a.destination_folder != null) dest = `${a.destination_folder.replace(/^\/+|\/+$/g, '')}/${note.file_path.split('/').pop()}`.replace(/^\//, '');
    if (!dest) throw new ToolProblem('destination_path (or destination_folder) is required.');
    assertProjectPath(dest, 'destination_path');
    if (!/\.[A-Za-z0-9]+$/.test(dest)) dest += '.md';
    const e = await ctx.api.json<Entity>('PUT', `${v2(p)}/knowledge/entities/${encodeURIComponent(note.external_id)}/move`, { destination_path: dest });
    ctx.onNoteChanged?.(p.name, e.file_path, 'move_note');
    if (a.output_format === 'json') return { title: e.title, permalink: e.permalink, file_path: e.file_path, source: note.file_path, destination: e.file_path, moved: true };
    return withProject([`✅ Note moved successfully`, '', `📁 **${note.file_path}** → **${e.file_path}**`, `🔗 Permalink: ${e.permalink}`,
      '📊 Database and search index updated'].join('\n'), p);
  },
});

export const deleteNote = defineTool({
  name: 'delete_note',
  title: 'Delete Note',
  description: 'Delete a note or directory by title, permalink, or path',
  group: 'memory:admin',
  hints: { readOnly: false, destructive: true },
  audited: true,
  schema: z.object({
    identifier: str().min(1).describe('Title, permalink or path of the note (or the directory with is_directory)'),
    is_directory: z.boolean().default(false).describe('Delete a whole directory'),
    ...projectArgs,
    output_format: outputFormat(),
  }),
  aliases: { is_directory: ['is_dir'] },
  async run(ctx, a) {
    const p = await resolveProject(ctx.api, a);
    if (a.is_directory) {
      const dir = assertProjectPath(stripMemoryUrl(a.identifier), 'directory');
      if (!dir || dir === '/') throw new ToolProblem('Deleting the whole project through delete_note is not allowed; name a directory inside it.');
      const r = await ctx.api.json<{ total_files: number; successful_deletes: number; failed_deletes: number }>('POST', `${v2(p)}/knowledge/delete-directory`, { directory: dir });
      if (a.output_format === 'json') return { deleted: r.failed_deletes === 0, is_directory: true, identifier: dir, ...r };
      return withProject([`# Directory Deleted`, '', `**${dir}**: ${r.successful_deletes} of ${r.total_files} files moved to the trash (restorable).`,
        ...(r.failed_deletes ? [`${r.failed_deletes} could not be deleted.`] : [])].join('\n'), p);
    }
    const note = await resolveNoteForChange(ctx.api, p, a.identifier);
    const r = await ctx.api.json<{ deleted: boolean }>('DELETE', `${v2(p)}/knowledge/entities/${encodeURIComponent(note.external_id)}`);
    if (a.output_format === 'json') return { deleted: r.deleted, title: note.title, permalink: note.permalink, file_path: note.file_path };
    if (!r.deleted) throw new ToolProblem(`Note '${a.identifier}' could not be deleted.`);
    return withProject(`# Note Deleted\n\n**${note.title}** (${note.file_path}) was moved to the trash; it can be restored from the dashboard.`, p);
  },
});
