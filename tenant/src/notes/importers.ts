// Upstream importers (v0.16 `importers/*`): export files of ChatGPT, Claude (conversations, projects) and the MCP
// memory server (memory.json, one JSON object per line) become markdown notes laid out as upstream does:
//   chatgpt / claude conversations → <folder>/<YYYYMMDD>-<clean title>.md  (type: conversation)
//   claude projects                → <folder>/<project>/docs/<doc>.md (project_doc), <folder>/<project>/prompt-template.md
//   memory-json                    → <folder>/<entityType>/<name>.md with observations and relations
// Parsing is pure (export data → notes); writing is done by the engine. Bad input → ImportError (400).
import { z } from 'zod';
import { BadRequestError } from '../engine-types.ts';

class ImportError extends BadRequestError { override name = 'ImportError'; }

export interface ImportedNote { rel: string; frontmatter: Record<string, unknown>; body: string }
export interface ParsedImport { notes: ImportedNote[]; counts: Record<string, number> }

/** upstream clean_filename: punctuation/whitespace runs → '_', other non-word characters dropped, ≤ 100 chars. */
function cleanFilename(name: string): string {
  const s = name.replace(/[\s\-,.:/\\[\]()]+/g, '_').replace(/[^\p{L}\p{N}_]+/gu, '').slice(0, 100);
  return s || 'untitled';
}

const pad = (n: number) => String(n).padStart(2, '0');
function toDate(ts: unknown): Date | null {
  if (typeof ts === 'number' && Number.isFinite(ts)) return new Date(ts * 1000);
  if (typeof ts === 'string') { const d = new Date(ts); if (!Number.isNaN(d.getTime())) return d; const n = Number(ts); if (Number.isFinite(n)) return new Date(n * 1000); }
  return null;
}
/** upstream format_timestamp: '%Y-%m-%d %H:%M:%S' (UTC here: the server's zone means nothing to the user). */
function formatTs(ts: unknown): string {
  const d = toDate(ts);
  if (!d) return ts === undefined || ts === null ? '' : String(ts);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}
function datePrefix(ts: unknown): string {
  const d = toDate(ts) ?? new Date(0);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
}
const join = (folder: string, rest: string) => (folder ? `${folder}/${rest}` : rest);

function parseJsonArray(text: string, what: string): unknown[] {
  let data: unknown;
  try { data = JSON.parse(text); } catch (e) { throw new ImportError(`${what}: not valid JSON (${(e as Error).message})`); }
  if (!Array.isArray(data)) throw new ImportError(`${what}: expected a JSON array`);
  return data;
}
function check<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const r = schema.safeParse(value);
  if (!r.success) throw new ImportError(`${what}: ${r.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(item)'}: ${i.message}`).join('; ')}`);
  return r.data;
}

const ChatGptConversation = z.looseObject({
  title: z.string().nullish(), create_time: z.number().nullish(), update_time: z.number().nullish(),
  mapping: z.record(z.string(), z.looseObject({
    id: z.string().optional(), parent: z.string().nullish(), children: z.array(z.string()).default([]),
    message: z.looseObject({
      author: z.looseObject({ role: z.string() }), create_time: z.number().nullish(),
      content: z.looseObject({ content_type: z.string().optional(), parts: z.array(z.unknown()).optional(), text: z.string().optional(), language: z.string().optional() }).optional(),
      metadata: z.record(z.string(), z.unknown()).nullish(),
    }).nullish(),
  })),
});

export function parseChatGpt(text: string, folder: string): ParsedImport {
  const convs = parseJsonArray(text, 'ChatGPT conversations.json').map((c, i) => check(ChatGptConversation, c, `conversation ${i}`));
  const notes: ImportedNote[] = [];
  let messages = 0;
  for (const c of convs) {
    const title = c.title || 'Untitled';
    const root = Object.entries(c.mapping).find(([, n]) => !n.parent)?.[0];
    const lines = [`# ${title}\n`];
    const seen = new Set<string>();
    const stack = root ? [root] : [];
    while (stack.length) { // iterative walk: deep conversations do not blow the stack
      const id = stack.pop()!;
      const node = c.mapping[id];
      if (!node || seen.has(id)) continue;
      seen.add(id);
      const m = node.message;
      if (m && !m.metadata?.is_visually_hidden_from_conversation) {
        lines.push(`### ${m.author.role.charAt(0).toUpperCase()}${m.author.role.slice(1)} (${m.create_time ? formatTs(m.create_time) : ''})`);
        const ct = m.content;
        const body = ct?.content_type === 'text' ? (ct.parts ?? []).filter((p) => typeof p === 'string').join('\n')
          : ct?.content_type === 'code' ? `\`\`\`${ct.language ?? ''}\n${ct.text ?? ''}\n\`\`\`` : '';
        if (body) lines.push(body);
        lines.push('');
        messages++;
      }
      for (const child of [...node.children].reverse()) stack.push(child);
    }
    const permalink = join(folder, `${datePrefix(c.create_time)}-${cleanFilename(title)}`);
    notes.push({ rel: `${permalink}.md`, frontmatter: { type: 'conversation', title, created: formatTs(c.create_time), modified: formatTs(c.update_time), permalink }, body: lines.join('\n') });
  }
  return { notes, counts: { conversations: notes.length, messages } };
}

const ClaudeConversation = z.looseObject({
  name: z.string().nullish(), created_at: z.string(), updated_at: z.string().nullish(),
  chat_messages: z.array(z.looseObject({
    sender: z.string(), text: z.string().nullish(), created_at: z.string().nullish(),
    content: z.array(z.looseObject({ text: z.string().nullish() }).nullable()).nullish(),
    attachments: z.array(z.looseObject({ file_name: z.string().optional(), extracted_content: z.string().nullish() })).nullish(),
  })).default([]),
});

export function parseClaudeConversations(text: string, folder: string): ParsedImport {
  const chats = parseJsonArray(text, 'Claude conversations.json').map((c, i) => check(ClaudeConversation, c, `conversation ${i}`));
  const notes: ImportedNote[] = [];
  let messages = 0;
  for (const c of chats) {
    const name = c.name || 'Untitled';
    const lines = [`# ${name}\n`];
    for (const m of c.chat_messages) {
      lines.push(`### ${m.sender.charAt(0).toUpperCase()}${m.sender.slice(1)} (${formatTs(m.created_at)})`);
      lines.push(m.content?.length ? m.content.filter((x) => x && x.text != null).map((x) => x!.text).join(' ') : (m.text ?? ''));
      for (const a of m.attachments ?? []) {
        if (!a.file_name) continue;
        lines.push(`\n**Attachment: ${a.file_name}**`);
        if (a.extracted_content != null) lines.push('```', a.extracted_content, '```');
      }
      lines.push('');
      messages++;
    }
    const permalink = join(folder, `${datePrefix(c.created_at)}-${cleanFilename(name)}`);
    notes.push({ rel: `${permalink}.md`, frontmatter: { type: 'conversation', title: name, created: c.created_at, modified: c.updated_at ?? c.created_at, permalink }, body: lines.join('\n') });
  }
  return { notes, counts: { conversations: notes.length, messages } };
}

const ClaudeProject = z.looseObject({
  uuid: z.string(), name: z.string(), created_at: z.string().nullish(), updated_at: z.string().nullish(), prompt_template: z.string().nullish(),
  docs: z.array(z.looseObject({ uuid: z.string(), filename: z.string(), content: z.string(), created_at: z.string().nullish() })).default([]),
});

export function parseClaudeProjects(text: string, folder: string): ParsedImport {
  const projects = parseJsonArray(text, 'Claude projects.json').map((p, i) => check(ClaudeProject, p, `project ${i}`));
  const notes: ImportedNote[] = [];
  let documents = 0, prompts = 0;
  for (const p of projects) {
    const dir = cleanFilename(p.name);
    if (p.prompt_template) {
      const permalink = `${dir}/prompt-template`;
      notes.push({ rel: join(folder, `${permalink}.md`), frontmatter: { type: 'prompt_template', title: `Prompt Template: ${p.name}`, created: p.created_at ?? null,
        modified: p.updated_at ?? null, permalink: join(folder, permalink), project_name: p.name, project_uuid: p.uuid },
      body: `# Prompt Template: ${p.name}\n\n${p.prompt_template}` });
      prompts++;
    }
    for (const d of p.docs) {
      const permalink = `${dir}/docs/${cleanFilename(d.filename)}`;
      notes.push({ rel: join(folder, `${permalink}.md`), frontmatter: { type: 'project_doc', title: d.filename, created: d.created_at ?? p.created_at ?? null,
        modified: p.updated_at ?? null, permalink: join(folder, permalink), project_name: p.name, project_uuid: p.uuid, doc_uuid: d.uuid }, body: d.content });
      documents++;
    }
  }
  return { notes, counts: { documents, prompts } };
}

export function parseMemoryJson(text: string, folder: string): ParsedImport & { skipped: number } {
  const entities = new Map<string, Record<string, unknown>>();
  const relations = new Map<string, { type: string; target: string }[]>();
  let skipped = 0, lineNo = 0;
  for (const line of text.split(/\r?\n/)) {
    lineNo++;
    if (!line.trim()) continue;
    let d: Record<string, unknown>;
    try { d = JSON.parse(line); } catch (e) { throw new ImportError(`memory.json line ${lineNo}: not valid JSON (${(e as Error).message})`); }
    if (!d || typeof d !== 'object') throw new ImportError(`memory.json line ${lineNo}: expected a JSON object`);
    if (d.type === 'entity') {
      const name = [d.name, d.entityName, d.id].find((x) => typeof x === 'string' && x.trim()) as string | undefined;
      if (!name) { skipped++; continue; }
      entities.set(name, d);
    } else if (d.type === 'relation') {
      const from = String(d.from ?? d.from_id ?? ''), to = String(d.to ?? d.to_id ?? ''), type = String(d.relationType ?? d.relation_type ?? 'relates_to');
      if (!from || !to) continue;
      relations.set(from, [...(relations.get(from) ?? []), { type, target: to }]);
    }
  }
  const notes: ImportedNote[] = [];
  for (const [name, d] of entities) {
    const type = String(d.entityType ?? d.entity_type ?? 'entity');
    const obs = Array.isArray(d.observations) ? d.observations.map(String) : [];
    const rels = relations.get(name) ?? [];
    const body = [`# ${name}`, '', ...obs.map((o) => `- [note] ${o}`), ...(rels.length ? ['', ...rels.map((r) => `- ${r.type} [[${r.target}]]`)] : [])].join('\n') + '\n';
    notes.push({ rel: join(folder, `${type}/${name}.md`), frontmatter: { type, title: name, permalink: `${type}/${name}` }, body });
  }
  const relCount = [...relations.values()].reduce((n, r) => n + r.length, 0);
  return { notes, counts: { entities: notes.length, relations: relCount }, skipped };
}
