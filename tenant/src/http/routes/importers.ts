// POST /{project}/import/chatgpt | claude/conversations | claude/projects | memory-json (upstream v0.16): a
// multipart form with `file` (the export) and `folder` (default "conversations", "projects" for Claude projects).
// The form is parsed by the platform's own FormData reader (undici, no dependency), capped at --max-upload-mb.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parseChatGpt, parseClaudeConversations, parseClaudeProjects, parseMemoryJson, type ParsedImport } from '../../notes/importers.ts';
import type { TenantRuntime } from '../../tenant-runtime.ts';
import { HttpError } from '../errors.ts';
import { assertInsideProject, confineRelPath } from '../path-confinement.ts';
import { projectFromRequest } from '../project-param.ts';

async function readForm(req: FastifyRequest, defaultFolder: string): Promise<{ text: string; folder: string }> {
  const ct = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data/i.test(ct)) throw new HttpError(422, [{ type: 'missing', loc: ['body', 'file'], msg: 'Field required (multipart/form-data with a file)' }]);
  let form: FormData;
  try { form = await new Response(new Uint8Array(req.body as Buffer), { headers: { 'content-type': ct } }).formData(); } catch {
    throw new HttpError(400, 'Invalid multipart body');
  }
  const file = form.get('file');
  if (!file || typeof file === 'string') throw new HttpError(422, [{ type: 'missing', loc: ['body', 'file'], msg: 'Field required' }]);
  const bytes = Buffer.from(await (file as Blob).arrayBuffer());
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  const folderRaw = form.get('folder');
  const folder = typeof folderRaw === 'string' ? folderRaw : defaultFolder;
  return { text, folder };
}

export function registerImportRoutes(app: FastifyInstance, runtime: TenantRuntime): void {
  app.register(async (scope) => {
    scope.addContentTypeParser(/^multipart\/form-data/i, { parseAs: 'buffer', bodyLimit: runtime.maxUploadBytes }, (_req, body, done) => done(null, body));
    const route = (sub: string, defaultFolder: string, parse: (text: string, folder: string) => ParsedImport & { skipped?: number },
      shape: (p: ParsedImport & { skipped?: number }, written: number) => object) => {
      scope.post(`/:project/import/${sub}`, async (req) => {
        const { text, folder: rawFolder } = await readForm(req, defaultFolder);
        const folder = confineRelPath(rawFolder, { allowEmpty: true, leadingSlashIsRoot: true });
        const p = await projectFromRequest(req, runtime);
        assertInsideProject(p.absPath, folder);
        const parsed = parse(text, folder);
        const res = await runtime.engine.importNotes(p.name, parsed.notes);
        return { ...shape(parsed, res.written.length), success: true, error_message: null,
          skipped_existing: res.skipped_existing, skipped_invalid: res.skipped_invalid };
      });
    };
    route('chatgpt', 'conversations', parseChatGpt, (p) => ({ import_count: p.counts, conversations: p.counts.conversations, messages: p.counts.messages }));
    route('claude/conversations', 'conversations', parseClaudeConversations, (p) => ({ import_count: p.counts, conversations: p.counts.conversations, messages: p.counts.messages }));
    route('claude/projects', 'projects', parseClaudeProjects, (p) => ({ import_count: p.counts, documents: p.counts.documents, prompts: p.counts.prompts }));
    route('memory-json', 'conversations', parseMemoryJson, (p) => ({ import_count: p.counts, entities: p.counts.entities, relations: p.counts.relations, skipped_entities: p.skipped ?? 0 }));
  });
}
