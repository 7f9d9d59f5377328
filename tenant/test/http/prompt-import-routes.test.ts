// Prompt routes (PromptResponse) and importers (their files become notes, as upstream) over HTTP against a real
// tenant; the export files are small hand-written samples in fixtures/imports.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { signRequest } from '../../src/auth/request-signature.ts';
import { startTenant, tempDir, type Tenant } from '../process/tenant-process.ts';

const tmp = tempDir('bm-import-');
const FIX = path.join(import.meta.dirname, 'fixtures', 'imports');
let t: Tenant;

before(async () => {
  const dataDir = path.join(tmp, 'data');
  fs.mkdirSync(path.join(dataDir, 'main', 'notes'), { recursive: true });
  fs.writeFileSync(path.join(dataDir, 'main', 'notes', 'Compost.md'), '---\ntitle: Compost\n---\n# Compost\n\n- [tip] turn the compost weekly #garden\n- feeds [[Garden Beds]]\n');
  fs.writeFileSync(path.join(dataDir, 'main', 'notes', 'Garden Beds.md'), '---\ntitle: Garden Beds\n---\nraised beds by the fence\n');
  t = await startTenant({ dataDir });
  await t.waitHealthy();
});
after(async () => {
  await t?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function upload(route: string, file: string, folder?: string): Promise<{ status: number; body: any }> {
  const form = new FormData();
  form.append('file', new Blob([fs.readFileSync(path.join(FIX, file))]), file);
  if (folder !== undefined) form.append('folder', folder);
  const req = new Request('http://x', { method: 'POST', body: form });
  const body = Buffer.from(await req.arrayBuffer());
  const p = `/main/import/${route}`;
  const res = await fetch(`http://127.0.0.1:${t.port}${p}`, { method: 'POST', body,
    headers: { ...signRequest({ secret: t.secret, tenantId: t.tenantId, method: 'POST', pathAndQuery: p }), 'content-type': req.headers.get('content-type')! } });
  return { status: res.status, body: await res.json() };
}
const read = (rel: string) => fs.readFileSync(path.join(t.dataDir, 'main', rel), 'utf8');

describe('prompts', () => {
  test('continue-conversation with a topic: PromptResponse with context from build_context', async () => {
    const r = await t.json('POST', '/main/prompt/continue-conversation', { topic: 'compost', timeframe: '7d' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(Object.keys(r.body).sort(), ['context', 'metadata', 'prompt']);
    assert.match(r.body.prompt, /Compost/);
    assert.equal(r.body.context.has_results, true);
    assert.equal(r.body.context.hierarchical_results[0].primary_result.title, 'Compost');
    assert.equal(r.body.metadata.search_count, 1);
    assert.equal(r.body.metadata.context_depth, 1);
    for (const k of ['query', 'timeframe', 'search_count', 'context_count', 'observation_count', 'relation_count', 'total_items', 'search_limit', 'context_depth', 'related_limit', 'generated_at']) assert.ok(k in r.body.metadata, k);
    const recent = await t.json('POST', '/main/prompt/continue-conversation', {});
    assert.equal(recent.status, 200);
    assert.match(recent.body.context.topic, /Recent Activity/);
    const bad = await t.json('POST', '/main/prompt/continue-conversation', { depth: 9 });
    assert.equal(bad.status, 422);
  });

  test('search prompt lists the hits with how to read them', async () => {
    const r = await t.json('POST', '/main/prompt/search?page=1&page_size=5', { query: 'raised beds' });
    assert.equal(r.status, 200);
    assert.equal(r.body.context.result_count, 1);
    assert.match(r.body.prompt, /Garden Beds/);
    assert.match(r.body.prompt, /read_note\("notes\/garden-beds"\)/);
    const none = await t.json('POST', '/main/prompt/search', { query: 'zzqxv' });
    assert.equal(none.body.context.has_results, false);
  });
});

describe('importers', () => {
  test('ChatGPT conversations.json → one conversation note per chat, hidden messages left out', async () => {
    const r = await upload('chatgpt', 'chatgpt-conversations.json');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.success, true);
    assert.equal(r.body.conversations, 1);
    assert.equal(r.body.messages, 3);
    const text = read('conversations/20251201-Planning_the_garden.md');
    assert.match(text, /^---\ntype: conversation\ntitle: Planning the garden\n/);
    assert.match(text, /### User \(2025-12-01 00:00:10\)\nWhich vegetables grow well in shade\?/);
    assert.match(text, /```python\nprint\('water daily'\)\n```/);
    assert.doesNotMatch(text, /### System/);
    const s = await t.json('GET', '/main/search?q=spinach');
    assert.equal(s.body.results[0].file_path, 'conversations/20251201-Planning_the_garden.md');
    // importing again never overwrites the note (the user may have edited it)
    fs.appendFileSync(path.join(t.dataDir, 'main', 'conversations/20251201-Planning_the_garden.md'), '\nmy own note\n');
    const again = await upload('chatgpt', 'chatgpt-conversations.json');
    assert.deepEqual(again.body.skipped_existing, ['conversations/20251201-Planning_the_garden.md']);
    assert.match(read('conversations/20251201-Planning_the_garden.md'), /my own note/);
  });

  test('Claude conversations and projects', async () => {
    const c = await upload('claude/conversations', 'claude-conversations.json', 'claude');
    assert.equal(c.status, 200, JSON.stringify(c.body));
    assert.equal(c.body.conversations, 1);
    assert.equal(c.body.messages, 2);
    const text = read('claude/20261120-Bread_baking_tips.md');
    assert.match(text, /### Human \(2026-11-20 09:15:00\)\nHow long should sourdough proof\?/);
    assert.match(text, /Usually 4 to 12 hours, depending on temperature\./);
    assert.match(text, /\*\*Attachment: schedule.txt\*\*\n```\nfeed at 8, bake at 20\n```/);
    const p = await upload('claude/projects', 'claude-projects.json');
    assert.equal(p.status, 200, JSON.stringify(p.body));
    assert.deepEqual([p.body.documents, p.body.prompts], [1, 1]);
    assert.match(read('projects/Home_Lab/prompt-template.md'), /# Prompt Template: Home Lab\n\nYou help me run my home lab\./);
    const doc = read('projects/Home_Lab/docs/network_plan_md.md');
    assert.match(doc, /type: project_doc/);
    const e = await t.json('GET', '/main/knowledge/entities/projects/Home_Lab/docs/network_plan_md.md');
    assert.equal(e.status, 200);
    assert.equal(e.body.observations[0].category, 'vlan');
  });

  test('memory.json (JSON lines) → notes per entity type with observations and relations', async () => {
    const r = await upload('memory-json', 'memory.json', 'graph');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual([r.body.entities, r.body.relations, r.body.skipped_entities], [2, 1, 1]);
    const ada = await t.json('GET', '/main/knowledge/entities/graph/person/Ada%20Lovelace.md');
    assert.equal(ada.status, 200);
    assert.equal(ada.body.entity_type, 'person');
    assert.deepEqual(ada.body.observations.map((o: any) => o.content), ['wrote the first program', 'worked with Babbage']);
    assert.equal(ada.body.relations[0].relation_type, 'wrote_about');
    assert.equal(ada.body.relations[0].to_name, 'Analytical Engine');
    assert.ok(ada.body.relations[0].to_id, 'the relation resolves to the imported machine note');
  });

  test('bad exports: clear {detail}, nothing written', async () => {
    const before = fs.readdirSync(path.join(t.dataDir, 'main')).sort();
    fs.writeFileSync(path.join(tmp, 'broken.json'), '{"not": "an array"');
    const orig = path.join(FIX, 'broken.json');
    fs.copyFileSync(path.join(tmp, 'broken.json'), orig);
    try {
      const r = await upload('chatgpt', 'broken.json');
      assert.equal(r.status, 400);
      assert.match(r.body.detail, /not valid JSON/);
      const escaping = await upload('chatgpt', 'chatgpt-conversations.json', '../outside');
      assert.equal(escaping.status, 400);
    } finally { fs.rmSync(orig, { force: true }); }
    assert.deepEqual(fs.readdirSync(path.join(t.dataDir, 'main')).sort(), before);
    const noFile = await t.json('POST', '/main/import/chatgpt', {});
    assert.equal(noFile.status, 422);
  });
});
