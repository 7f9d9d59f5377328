// What the v0.22.1 and HEAD clients parse, route by route: each request is replayed as upstream's client sends it
// (`mcp/clients/*.py`: paths, query, JSON bodies) against a real tenant process on real files, and each answer must
// satisfy a zod transcription of the pydantic model the client validates it with (`schemas/*`: field names and types
// as upstream; extra fields allowed, as pydantic ignores them). Plus the v2 behaviours current clients rely on:
// `directory` on create/replace, `external_id` on every GraphContext entity, project-qualified memory:// URLs.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { z } from 'zod';
import { startTenant, tempDir, type Tenant } from '../process/tenant-process.ts';

// ---- upstream models (v0.22.1 == HEAD for these) ----
const str = z.string();
const opt = <T extends z.ZodType>(t: T) => t.nullish();
const datetime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO datetime');
/** schemas/project_info.py ProjectItem / ProjectList */
const ProjectItem = z.looseObject({ id: z.number().int(), external_id: str, name: str, path: str, is_default: z.boolean().optional(),
  display_name: opt(str), is_private: z.boolean().optional() });
const ProjectList = z.looseObject({ projects: z.array(ProjectItem), default_project: opt(str) });
/** schemas/v2/entity.py ProjectResolveResponse */
const ProjectResolveResponse = z.looseObject({ external_id: str, project_id: z.number().int(), name: str, permalink: str, path: str,
  is_active: z.boolean(), is_default: z.boolean(), resolution_method: z.enum(['external_id', 'name', 'permalink']) });
/** schemas/response.py ObservationResponse / RelationResponse / EntityResponse (what KnowledgeClient validates with) */
const ObservationResponse = z.looseObject({ category: str, content: str, tags: opt(z.array(str)), context: opt(str), permalink: str });
const RelationResponse = z.looseObject({ permalink: str, relation_type: str, from_id: opt(str), to_id: opt(str), to_name: opt(str), context: opt(str) });
const EntityResponse = z.looseObject({ permalink: opt(str), title: str, file_path: str, note_type: str, entity_metadata: opt(z.record(str, z.unknown())),
  checksum: opt(str), content_type: str, external_id: opt(str), observations: z.array(ObservationResponse), relations: z.array(RelationResponse),
  created_at: datetime, updated_at: datetime });
/** schemas/v2/entity.py EntityResolveResponse */
const EntityResolveResponse = z.looseObject({ external_id: str, entity_id: z.number().int(), project_external_id: str, permalink: opt(str), file_path: str,
  title: str, resolution_method: z.enum(['external_id', 'permalink', 'title', 'path', 'search']) });
/** schemas/search.py SearchResult / SearchResponse */
const SearchResult = z.looseObject({ title: str, type: z.enum(['entity', 'observation', 'relation']), score: z.number(), entity: opt(str), permalink: opt(str),
  content: opt(str), matched_chunk: opt(str), file_path: str, metadata: opt(z.record(str, z.unknown())), entity_id: opt(z.number().int()),
  category: opt(str), from_entity: opt(str), to_entity: opt(str), relation_type: opt(str) });
const SearchResponse = z.looseObject({ results: z.array(SearchResult), current_page: z.number().int(), page_size: z.number().int(), total: z.number().int(), has_more: z.boolean() });
/** schemas/memory.py (v0.22.1): EntitySummary requires external_id */
const EntitySummary = z.looseObject({ type: z.literal('entity'), external_id: str, entity_id: opt(z.number().int()), permalink: z.string().nullable(), title: str,
  content: opt(str), file_path: str, created_at: datetime });
const RelationSummary = z.looseObject({ type: z.literal('relation'), title: str, file_path: str, permalink: str, relation_type: str, from_entity: opt(str),
  from_entity_external_id: opt(str), to_entity: opt(str), to_name: opt(str), to_entity_external_id: opt(str), created_at: datetime });
const ObservationSummary = z.looseObject({ type: z.literal('observation'), entity_external_id: opt(str), title: opt(str), file_path: str, permalink: str,
  category: str, content: str, created_at: datetime });
const Summary = z.discriminatedUnion('type', [EntitySummary, RelationSummary, ObservationSummary]);
const GraphContext = z.looseObject({
  results: z.array(z.looseObject({ primary_result: Summary, observations: z.array(ObservationSummary), related_results: z.array(Summary) })),
  metadata: z.looseObject({ uri: opt(str), types: opt(z.array(str)), depth: z.number().int(), timeframe: opt(str), generated_at: opt(datetime),
    primary_count: opt(z.number().int()), related_count: opt(z.number().int()), total_results: opt(z.number().int()) }),
  page: opt(z.number().int()), page_size: opt(z.number().int()), has_more: z.boolean().optional(),
});
/** schemas/response.py DeleteEntitiesResponse, DirectoryMoveResult, DirectoryDeleteResult */
const DeleteEntitiesResponse = z.looseObject({ deleted: z.boolean() });
const DirectoryMoveResult = z.looseObject({ total_files: z.number().int(), successful_moves: z.number().int(), failed_moves: z.number().int(),
  moved_files: z.array(str), errors: z.array(z.looseObject({ path: str, error: str })) });
const DirectoryDeleteResult = z.looseObject({ total_files: z.number().int(), successful_deletes: z.number().int(), failed_deletes: z.number().int(),
  deleted_files: z.array(str), errors: z.array(z.looseObject({ path: str, error: str })) });

function satisfies<T extends z.ZodType>(model: T, body: unknown, what: string): z.infer<T> {
  const r = model.safeParse(body);
  assert.ok(r.success, `${what}: ${r.success ? '' : JSON.stringify(r.error.issues.slice(0, 3))}\n${JSON.stringify(body).slice(0, 600)}`);
  return r.data;
}

const tmp = tempDir('bm-v2-models-');
const dataDir = path.join(tmp, 'data');
let t: Tenant;
let main: string;
let other: string;

before(async () => {
  fs.mkdirSync(path.join(dataDir, 'main'), { recursive: true });
  fs.mkdirSync(path.join(dataDir, 'other', 'notes'), { recursive: true });
  fs.writeFileSync(path.join(dataDir, 'other', 'notes', 'Elsewhere.md'), '---\ntitle: Elsewhere\n---\nin the other project\n');
  t = await startTenant({ dataDir });
  await t.waitHealthy();
});
after(async () => {
  await t?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('v2 routes answer the models the v0.22.1 / HEAD clients validate with', () => {
  test('GET /v2/projects/ → ProjectList; POST /v2/projects/resolve → ProjectResolveResponse', async () => {
    const list = await t.json('GET', '/v2/projects/');
    assert.equal(list.status, 200);
    const l = satisfies(ProjectList, list.body, 'ProjectList');
    main = l.projects.find((p) => p.name === 'main')!.external_id;
    other = l.projects.find((p) => p.name === 'other')!.external_id;
    const res = await t.json('POST', '/v2/projects/resolve', { identifier: 'main' });
    assert.equal(res.status, 200);
    assert.equal(satisfies(ProjectResolveResponse, res.body, 'ProjectResolveResponse').external_id, main);
  });

  test('knowledge: create (with directory) / get / resolve / edit / move / delete → EntityResponse, EntityResolveResponse, DeleteEntitiesResponse', async () => {
    // What write_note sends: Entity(...).model_dump() — `directory` and `note_type`, no `folder`.
    const created = await t.json('POST', `/v2/projects/${main}/knowledge/entities`, {
      title: 'Client Note', content: '# Client Note\n\n- [fact] typed by a client #v2\n- relates_to [[Second Note]]\n', directory: 'clients/deep',
      note_type: 'guide', entity_metadata: null, content_type: 'text/markdown',
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const e = satisfies(EntityResponse, created.body, 'EntityResponse (create)');
    assert.equal(e.file_path, 'clients/deep/Client Note.md');
    assert.equal(e.note_type, 'guide');
    assert.ok(fs.existsSync(path.join(dataDir, 'main', 'clients', 'deep', 'Client Note.md')), 'the note is in its directory, not at the root');
    assert.ok(!fs.existsSync(path.join(dataDir, 'main', 'Client Note.md')));
    await t.json('POST', `/v2/projects/${main}/knowledge/entities`, { title: 'Second Note', content: 'second\n', directory: 'clients', note_type: 'note' });

    const ext = e.external_id!;
    satisfies(EntityResponse, (await t.json('GET', `/v2/projects/${main}/knowledge/entities/${ext}`)).body, 'EntityResponse (get)');
    for (const [identifier, method] of [['Client Note', 'title'], ['clients/deep/client-note', 'permalink'], ['main/clients/deep/client-note', 'permalink'], [ext, 'external_id']]) {
      const r = await t.json('POST', `/v2/projects/${main}/knowledge/resolve`, { identifier, source_path: null, strict: false });
      assert.equal(r.status, 200, identifier);
      const rr = satisfies(EntityResolveResponse, r.body, `EntityResolveResponse (${identifier})`);
      assert.equal(rr.external_id, ext, identifier);
      assert.equal(rr.resolution_method, method, identifier);
    }
    const missing = await t.json('POST', `/v2/projects/${main}/knowledge/resolve`, { identifier: 'No Such Note', strict: true });
    assert.equal(missing.status, 404);
    assert.equal(typeof missing.body.detail, 'string');

    const edited = await t.json('PATCH', `/v2/projects/${main}/knowledge/entities/${ext}`, { operation: 'append', content: '\n- [fact] appended' });
    assert.equal(edited.status, 200);
    assert.ok(satisfies(EntityResponse, edited.body, 'EntityResponse (edit)').observations.some((o) => o.content === 'appended'));

    // Replace by external id with another directory (update_entity sends the same Entity dump).
    const replaced = await t.json('PUT', `/v2/projects/${main}/knowledge/entities/${ext}`, { title: 'Client Note', content: '# Client Note\n\nreplaced\n', directory: 'clients/deep', note_type: 'guide' });
    assert.ok(replaced.status === 200 || replaced.status === 201, JSON.stringify(replaced.body));
    satisfies(EntityResponse, replaced.body, 'EntityResponse (replace)');

    const moved = await t.json('PUT', `/v2/projects/${main}/knowledge/entities/${ext}/move`, { destination_path: 'clients/moved/Client Note.md' });
    assert.equal(moved.status, 200);
    assert.equal(satisfies(EntityResponse, moved.body, 'EntityResponse (move)').file_path, 'clients/moved/Client Note.md');

    const del = await t.json('DELETE', `/v2/projects/${main}/knowledge/entities/${ext}`);
    assert.equal(satisfies(DeleteEntitiesResponse, del.body, 'DeleteEntitiesResponse').deleted, true);
  });

  test('a directory that leaves the project is refused with {"detail"} and nothing is written', async () => {
    for (const directory of ['../escape', 'a/../../escape', '..']) {
      for (const [method, url] of [['POST', `/v2/projects/${main}/knowledge/entities`], ['PUT', `/v2/projects/${main}/knowledge/entities/00000000-0000-8000-8000-000000000000`]] as const) {
        const r = await t.json(method, url, { title: 'Escape', content: 'x', directory, note_type: 'note' });
        assert.equal(r.status, 400, `${method} ${directory}: ${JSON.stringify(r.body)}`);
        assert.match(r.body.detail, /inside the project/);
      }
    }
    assert.ok(!fs.existsSync(path.join(dataDir, 'escape')) && !fs.existsSync(path.join(dataDir, 'Escape.md')) && !fs.existsSync(path.join(tmp, 'escape')));
  });

  test('search → SearchResponse (query body and page params as SearchClient sends them)', async () => {
    const r = await t.json('POST', `/v2/projects/${main}/search/?page=1&page_size=10`, { text: 'second', retrieval_mode: 'fts' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const page = satisfies(SearchResponse, r.body, 'SearchResponse');
    assert.ok(page.results.length >= 1);
    assert.equal(page.total, page.results.length, 'v0.22.1 prints the exact total of a full-text search');
  });

  test('memory: /memory/recent and /memory/{path} answer the v2 GraphContext with external_id on every entity summary', async () => {
    await t.json('POST', `/v2/projects/${main}/knowledge/entities`, { title: 'Linked', content: '- [idea] linked #x\n- relates_to [[Second Note]]\n', directory: 'mem', note_type: 'note' });
    const recent = await t.json('GET', `/v2/projects/${main}/memory/recent?depth=1&timeframe=7d&page=1&page_size=10&max_related=10`);
    assert.equal(recent.status, 200);
    const g = satisfies(GraphContext, recent.body, 'GraphContext (recent)');
    const entities = g.results.flatMap((r) => [r.primary_result, ...r.related_results]).filter((s) => s.type === 'entity');
    assert.ok(entities.length >= 2);
    for (const s of entities) assert.match((s as { external_id: string }).external_id, /^[0-9a-f-]{36}$/);

    // memory://main/mem/linked (permalinks_include_project, on by default): the client sends the project-qualified path.
    for (const p of ['mem/linked', 'main/mem/linked']) {
      const c = await t.json('GET', `/v2/projects/${main}/memory/${p}?depth=1&page=1&page_size=10&max_related=10`);
      assert.equal(c.status, 200, p);
      const ctx = satisfies(GraphContext, c.body, `GraphContext (${p})`);
      assert.equal(ctx.results.length, 1, p);
      assert.equal((ctx.results[0]!.primary_result as { title: string }).title, 'Linked', p);
      assert.ok(ctx.results[0]!.related_results.some((r) => r.type === 'relation'), p);
    }
    const glob = satisfies(GraphContext, (await t.json('GET', `/v2/projects/${main}/memory/main/mem/*`)).body, 'GraphContext (glob)');
    assert.deepEqual(glob.results.map((r) => (r.primary_result as { title: string }).title), ['Linked']);
    // Another project's memory URL does not reach into it from this project's route.
    const cross = satisfies(GraphContext, (await t.json('GET', `/v2/projects/${main}/memory/other/notes/elsewhere`)).body, 'GraphContext (other project)');
    assert.equal(cross.results.length, 0);
    const own = satisfies(GraphContext, (await t.json('GET', `/v2/projects/${other}/memory/other/notes/elsewhere`)).body, 'GraphContext (own project)');
    assert.equal(own.results.length, 1);
  });

  test('directory moves and deletes → DirectoryMoveResult, DirectoryDeleteResult', async () => {
    const mv = await t.json('POST', `/v2/projects/${main}/knowledge/move-directory`, { source_directory: 'mem', destination_directory: 'memories' });
    assert.equal(mv.status, 200, JSON.stringify(mv.body));
    assert.equal(satisfies(DirectoryMoveResult, mv.body, 'DirectoryMoveResult').successful_moves, 1);
    const rm = await t.json('POST', `/v2/projects/${main}/knowledge/delete-directory`, { directory: 'memories' });
    assert.equal(rm.status, 200, JSON.stringify(rm.body));
    assert.equal(satisfies(DirectoryDeleteResult, rm.body, 'DirectoryDeleteResult').successful_deletes, 1);
  });
});

