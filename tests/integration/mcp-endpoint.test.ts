// /mcp end to end: the official TypeScript SDK client (both protocol eras) with a real CLI-session Bearer token,
// against the MCP endpoint served over node:http, real Postgres and real supervised tenant processes. Every tool,
// prompt and resource is called; a second person never reaches the first person's notes; 401/403/429 answers.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { eq } from 'drizzle-orm';
import { startMcpRig, type McpRig, type Person } from '../helpers/mcp-rig.ts';
import { createCallBudget } from '../../lib/mcp/call-budget.ts';
import { mcpCallsByGrant, mcpCallsByTenant, mcpCallsByTool, mcpNoteChangesFor } from '../../lib/db/queries/mcp-calls.ts';
import { appMetrics } from '../../lib/metrics/registry.ts';
import { auditEvents } from '../../lib/db/schema.ts';
import { TOOLS } from '../../lib/mcp/tools/index.ts';

type ToolResult = { content: Array<{ type: string; text?: string }>; isError?: boolean; structuredContent?: Record<string, unknown> };
const textOf = (r: ToolResult) => r.content.map((c) => c.text ?? '').join('\n');

describe('/mcp with real MCP clients (postgres, real tenants)', () => {
  let rig: McpRig;
  let alice: Person;
  let bob: Person;
  let aliceToken: string;
  let aliceGrant: string;
  let bobToken: string;
  let readOnlyToken: string;
  let otherResourceToken: string;
  let budgetToken: string;
  let url: string;
  let h: McpRig['h'];
  let recorder: McpRig['recorder'];
  const srv = { get url() { return rig.appUrl; } };

  before(async () => {
    rig = await startMcpRig({ MCP_MAX_RESULT_CHARS: '5000' });
    ({ h, recorder, url } = rig);
    [alice, bob] = await Promise.all([rig.person('alice'), rig.person('bob')]);
    ({ token: aliceToken, grantId: aliceGrant } = alice);
    bobToken = bob.token;
    ({ token: readOnlyToken } = await rig.token(alice, 'memory:read'));
    ({ token: otherResourceToken } = await rig.token(alice));
    // A token the authorization server bound to another resource (as an MCP OAuth token would carry it).
    rig.alterPrincipal.set(otherResourceToken, (p) => ({ ...p, resource: 'https://elsewhere.example/mcp', clientId: 'other-client' }));
    const carol = await rig.person('carol', { running: false });
    budgetToken = carol.token;
    rig.budgets.set(carol.userId, createCallBudget(1, 3)); // 3 at once, then one a minute
  });
  after(async () => { await rig?.close(); });

  async function connect(token: string, era: 'legacy' | '2026-07-28', name = 'mcp-test-client'): Promise<Client> {
    const client = new Client({ name, version: '1.0.0' }, era === 'legacy' ? {} : { versionNegotiation: { mode: { pin: '2026-07-28' } } });
    await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
    return client;
  }
  const call = async (c: Client, name: string, args: Record<string, unknown> = {}) => (await c.callTool({ name, arguments: args })) as ToolResult;

  for (const era of ['legacy', '2026-07-28'] as const) {
    test(`every tool, prompt and resource through the SDK client (${era})`, async () => {
      const c = await connect(aliceToken, era);
      const folder = `mcp-${era}`;
      try {
        const { tools } = await c.listTools();
        assert.deepEqual(tools.map((t) => t.name).sort(), TOOLS.map((t) => t.name).sort());
        assert.equal(tools.length, 21);
        for (const t of tools) {
          assert.ok(t.title, `${t.name} has a title`);
          assert.equal(typeof t.annotations?.readOnlyHint, 'boolean', `${t.name} readOnlyHint`);
          assert.equal(typeof t.annotations?.destructiveHint, 'boolean', `${t.name} destructiveHint`);
          assert.equal(typeof t.annotations?.idempotentHint, 'boolean', `${t.name} idempotentHint`);
          assert.equal(t.annotations?.openWorldHint, false, `${t.name} openWorldHint`);
        }
        assert.equal(tools.find((t) => t.name === 'edit_note')!.annotations!.destructiveHint, true);
        assert.equal(tools.find((t) => t.name === 'search_notes')!.annotations!.readOnlyHint, true);
        if (era === 'legacy') assert.match(c.getInstructions() ?? '', /recent_activity/);

        const w = await call(c, 'write_note', { title: 'Okapi Facts', folder, content: '# Okapi Facts\n\n- [fact] The okapi is related to the giraffe #zoo\n- relates_to [[Giraffe Notes]]\n', tags: 'zoo,animals' });
        assert.ok(!w.isError, textOf(w));
        assert.match(textOf(w), /# Created note/);
        assert.match(textOf(w), new RegExp(`file_path: ${folder}/Okapi Facts.md`));
        assert.match(textOf(w), /- fact: 1/);
        const again = await call(c, 'write_note', { title: 'Okapi Facts', directory: folder, content: 'must not replace' });
        assert.equal(again.isError, true);
        assert.match(textOf(again), /already exists/);

        const byTitle = await call(c, 'read_note', { identifier: 'Okapi Facts', project: 'main' });
        assert.match(textOf(byTitle), /related to the giraffe/);
        assert.doesNotMatch(textOf(byTitle), /must not replace/);
        const permalink = `${folder}/okapi-facts`;
        const byPermalink = await call(c, 'read_note', { identifier: `memory://${permalink}`, output_format: 'json' });
        assert.equal(byPermalink.structuredContent?.permalink, permalink);
        const missing = await call(c, 'read_note', { identifier: 'No Such Note Anywhere' });
        assert.match(textOf(missing), /Note Not Found/);

        const edited = await call(c, 'edit_note', { identifier: permalink, operation: 'append', new_content: '\n- [fact] Okapis have striped legs' });
        assert.ok(!edited.isError, textOf(edited));
        const findReplace = await call(c, 'edit_note', { identifier: permalink, operation: 'find_replace', find: 'striped legs', content: 'zebra-striped legs' });
        assert.ok(!findReplace.isError, textOf(findReplace));
        assert.match(textOf(await call(c, 'read_content', { path: `${folder}/Okapi Facts.md` })), /zebra-striped legs/);
        assert.match(textOf(await call(c, 'view_note', { identifier: permalink })), /zebra-striped/);

        const found = await call(c, 'search_notes', { query: 'okapi', output_format: 'json' });
        assert.ok((found.structuredContent!.results as Array<{ permalink: string }>).some((r) => r.permalink === permalink));
        assert.match(textOf(await call(c, 'search_notes', { q: 'okapi', limit: 5 })), /Okapi Facts/);
        // the filters are the tenant's query (every tag present, frontmatter fields, observation categories), not a post-filter
        const tagged = await call(c, 'search_notes', { query: 'okapi', tags: 'zoo, #animals', metadata_filters: { type: 'note' }, output_format: 'json' });
        assert.ok((tagged.structuredContent!.results as Array<{ permalink: string }>).some((r) => r.permalink === permalink), textOf(tagged));
        const notAll = await call(c, 'search_notes', { query: 'okapi', tags: ['zoo', 'no-such-tag'], output_format: 'json' });
        assert.deepEqual(notAll.structuredContent!.results, []);
        const facts = await call(c, 'search_notes', { query: 'okapi', categories: 'fact', page_size: 1, output_format: 'json' });
        const factItems = facts.structuredContent!.results as Array<{ type: string; category: string }>;
        assert.equal(factItems.length, 1, textOf(facts));
        assert.ok(factItems.every((r) => r.type === 'observation' && r.category === 'fact'), textOf(facts));
        const ctx = await call(c, 'build_context', { url: `memory://${permalink}`, depth: 1 });
        assert.match(textOf(ctx), /Okapi Facts/);
        assert.match(textOf(await call(c, 'recent_activity', { timeframe: '1d', project: 'main' })), /Okapi Facts/);
        assert.match(textOf(await call(c, 'recent_activity', {})), /main/);
        assert.match(textOf(await call(c, 'list_directory', { dir_name: folder })), /Okapi Facts/);

        const moved = await call(c, 'move_note', { identifier: permalink, destination_path: `${folder}/archive/okapi-facts.md` });
        assert.ok(!moved.isError, textOf(moved));
        assert.match(textOf(await call(c, 'list_directory', { dir_name: `${folder}/archive` })), /okapi-facts/);

        const projects = await call(c, 'list_memory_projects', { output_format: 'json' });
        assert.ok((projects.structuredContent!.projects as Array<{ name: string }>).some((p) => p.name === 'main'));
        const pname = `scratch-${era === 'legacy' ? 'a' : 'b'}`;
        const created = await call(c, 'create_memory_project', { project_name: pname, project_path: pname });
        assert.ok(!created.isError, textOf(created));
        assert.match(textOf(await call(c, 'list_memory_projects')), new RegExp(pname));
        // account-wide search pages the merged list, as upstream: each match once across the pages, the total counts all
        const word = `quagga${era === 'legacy' ? 'a' : 'b'}`;
        for (let i = 0; i < 3; i++) await call(c, 'write_note', { title: `Quagga ${i}`, directory: `${folder}/quagga`, content: `${word} stripes ${i}` });
        for (let i = 0; i < 2; i++) await call(c, 'write_note', { project: pname, title: `Quagga Scratch ${i}`, directory: 'quagga', content: `${word} stripes ${i}` });
        const seen: string[] = [];
        for (let page = 1; page <= 3; page++) {
          const r = (await call(c, 'search_notes', { query: word, search_all_projects: true, page, page_size: 2, output_format: 'json' })).structuredContent as
            { results: Array<{ project: string; file_path: string }>; total: number; has_more: boolean };
          assert.equal(r.total, 5, `page ${page}: the total counts every project's matches`);
          assert.equal(r.has_more, page < 3, `page ${page}`);
          assert.equal(r.results.length, page < 3 ? 2 : 1, `page ${page}`);
          seen.push(...r.results.map((h) => `${h.project}:${h.file_path}`));
        }
        assert.equal(new Set(seen).size, 5, `every match once: ${seen.join(', ')}`);
        assert.ok(!(await call(c, 'delete_project', { project_name: pname })).isError);
        const ws = await call(c, 'list_workspaces', { output_format: 'json' });
        assert.equal((ws.structuredContent!.workspaces as Array<{ tenant_id: string }>)[0]!.tenant_id, alice.tenantId);

        await call(c, 'write_note', { title: 'Person Schema', folder: `${folder}/schemas`, note_type: 'schema', content: '# Person',
          metadata: { entity: 'person', schema: { name: 'string', 'role?': 'string' } } });
        await call(c, 'write_note', { title: 'Ada', folder: `${folder}/people`, note_type: 'person', content: '# Ada\n\n- [name] Ada Lovelace\n' });
        for (const [tool, args] of [['schema_validate', { note_type: 'person' }], ['schema_infer', { note_type: 'person' }], ['schema_diff', { note_type: 'person' }]] as const) {
          const r = await call(c, tool, args);
          assert.ok(!r.isError, `${tool}: ${textOf(r)}`);
        }
        assert.match(textOf(await call(c, 'basic_memory_diagnostics')), /"projects"/);
        // search/fetch answer OpenAI's client only
        assert.match(textOf(await call(c, 'search', { query: 'okapi' })), /Unsupported MCP client/);
        assert.match(textOf(await call(c, 'fetch', { id: permalink })), /Unsupported MCP Client/);

        // a move keeps the permalink (as upstream); the file is at its new path
        const del = await call(c, 'delete_note', { identifier: `${folder}/archive/okapi-facts.md` });
        assert.ok(!del.isError, textOf(del));
        assert.match(textOf(await call(c, 'read_note', { identifier: permalink })), /Note Not Found/);

        const { prompts } = await c.listPrompts();
        assert.deepEqual(prompts.map((p) => p.name).sort(), ['continue_conversation', 'getting_started', 'recent_activity', 'search_knowledge_base']);
        for (const [name, args] of [['continue_conversation', { topic: 'giraffe' }], ['recent_activity', { timeframe: '1d' }], ['search_knowledge_base', { query: 'ada' }], ['getting_started', {}]] as const) {
          const p = await c.getPrompt({ name, arguments: args });
          assert.ok(p.messages[0]!.content.type === 'text' && p.messages[0]!.content.text.length > 20, name);
        }
        const { resources } = await c.listResources();
        assert.ok(resources.some((r) => r.uri === 'memory://ai_assistant_guide'));
        const guide = await c.readResource({ uri: 'memory://ai_assistant_guide' });
        assert.match((guide.contents[0] as { text: string }).text, /recent_activity/);
        const { resourceTemplates } = await c.listResourceTemplates();
        assert.equal(resourceTemplates[0]!.uriTemplate, 'memory://{workspace}/{project}/info');
        const info = await c.readResource({ uri: 'memory://personal/main/info' });
        assert.match((info.contents[0] as { text: string }).text, /"project_name"|"statistics"|"name"/);
      } finally {
        await c.close();
      }
    });
  }

  test('bad input gets a clear error and nothing changes on disk', async () => {
    const c = await connect(aliceToken, 'legacy');
    try {
      await assert.rejects(c.callTool({ name: 'no_such_tool', arguments: {} }), /Unknown tool/);
      const wrongType = await call(c, 'read_note', { identifier: 42 });
      assert.equal(wrongType.isError, true);
      assert.match(textOf(wrongType), /identifier/);
      const unknownArg = await call(c, 'search_notes', { query: 'x', bogus: 1 });
      assert.equal(unknownArg.isError, true);
      const escaping = await call(c, 'write_note', { title: 'Escape', directory: '../../etc', content: 'nope' });
      assert.equal(escaping.isError, true);
      assert.match(textOf(escaping), /within project boundaries/);
      const moveOut = await call(c, 'move_note', { identifier: 'Escape', destination_path: '../outside.md' });
      assert.equal(moveOut.isError, true);
      const big = await call(c, 'write_note', { title: 'Huge', directory: 'x', content: 'y'.repeat(1_600_000) });
      assert.equal(big.isError, true);
      assert.match(textOf(big), /content/);
      assert.match(textOf(await call(c, 'read_note', { identifier: 'Huge' })), /Note Not Found/);
      // two notes with one title: a change by that title is refused with both candidates
      await call(c, 'write_note', { title: 'Twin', directory: 'twins/a', content: 'a' });
      await call(c, 'write_note', { title: 'Twin', directory: 'twins/b', content: 'b' });
      const ambiguous = await call(c, 'delete_note', { identifier: 'Twin' });
      assert.equal(ambiguous.isError, true, textOf(ambiguous));
      assert.match(textOf(ambiguous), /matches 2 notes/);
      assert.match(textOf(await call(c, 'read_content', { path: 'twins/a/Twin.md' })), /a/);
      // a long answer is cut with a note (cap 5000 characters in this test)
      await call(c, 'write_note', { title: 'Long', directory: 'long', content: 'z'.repeat(20_000) });
      const long = await call(c, 'read_note', { identifier: 'long/long' });
      assert.ok(textOf(long).length < 5300);
      assert.match(textOf(long), /answer cut at 5000/);
    } finally {
      await c.close();
    }
  });

  test("a second person never reaches the first person's notes", async () => {
    const a = await connect(aliceToken, '2026-07-28');
    const b = await connect(bobToken, 'legacy');
    try {
      await call(a, 'write_note', { title: 'Alice Secret', directory: 'private', content: 'the vault code is 4711' });
      assert.match(textOf(await call(b, 'read_note', { identifier: 'private/alice-secret' })), /Note Not Found/);
      assert.doesNotMatch(textOf(await call(b, 'search_notes', { query: 'vault', search_all_projects: true })), /4711|Alice Secret/);
      const ws = await call(b, 'list_workspaces', { output_format: 'json' });
      assert.equal((ws.structuredContent!.workspaces as Array<{ tenant_id: string }>)[0]!.tenant_id, bob.tenantId);
      assert.equal((await call(b, 'delete_note', { identifier: 'private/alice-secret' })).isError, true);
      assert.match(textOf(await call(a, 'read_note', { identifier: 'private/alice-secret' })), /4711/);
    } finally {
      await a.close();
      await b.close();
    }
  });

  test('401 with the metadata challenge, resource binding, 403 step-up, 429 budget, Origin, GET/DELETE', async () => {
    const post = (headers: Record<string, string>, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, body: JSON.stringify(body) });
    const list = { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} };
    const none = await post({}, list);
    assert.equal(none.status, 401);
    const challenge = none.headers.get('www-authenticate') ?? '';
    assert.match(challenge, new RegExp(`^Bearer resource_metadata="${srv.url}/\\.well-known/oauth-protected-resource/mcp", scope="memory:read memory:write memory:admin"`));
    assert.ok((await none.json()).detail);
    const bad = await post({ authorization: 'Bearer bmat_nope' }, list);
    assert.equal(bad.status, 401);
    assert.match(bad.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    assert.equal((await fetch(url)).status, 401, 'GET is authenticated before anything else');
    const other = await post({ authorization: `Bearer ${otherResourceToken}` }, list);
    assert.equal(other.status, 401);
    assert.match(other.headers.get('www-authenticate') ?? '', /invalid_token/);
    // the cookie alone is never enough
    assert.equal((await post({ cookie: 'next-auth.session-token=whatever' }, list)).status, 401);

    const ro = await connect(readOnlyToken, 'legacy');
    try {
      assert.ok(!(await call(ro, 'search_notes', { query: 'okapi' })).isError);
      await assert.rejects(call(ro, 'write_note', { title: 'Nope', directory: 'x', content: 'no' }), /403|insufficient.?scope|Forbidden/i);
    } finally { await ro.close(); }
    const step = await post({ authorization: `Bearer ${readOnlyToken}` }, { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'delete_note', arguments: { identifier: 'x' } } });
    assert.equal(step.status, 403);
    assert.match(step.headers.get('www-authenticate') ?? '', /^Bearer error="insufficient_scope", scope="memory:admin"/);

    const hostile = await post({ authorization: `Bearer ${aliceToken}`, origin: 'https://evil.example' }, list);
    assert.equal(hostile.status, 403);
    const get = await fetch(url, { headers: { authorization: `Bearer ${aliceToken}`, accept: 'text/event-stream' } });
    assert.equal(get.status, 405);
    assert.equal((await fetch(url, { method: 'DELETE', headers: { authorization: `Bearer ${aliceToken}` } })).status, 405);

    // budget: 3 at once, then 429 with Retry-After (1 per minute refill)
    const calls = await Promise.all(Array.from({ length: 5 }, (_, i) => post({ authorization: `Bearer ${budgetToken}` },
      { jsonrpc: '2.0', id: 10 + i, method: 'tools/call', params: { name: 'list_workspaces', arguments: {} } })));
    const statuses = calls.map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
    const limited = calls.find((r) => r.status === 429)!;
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);

    // a 2025-03-26 client negotiates its own version
    const init = await post({ authorization: `Bearer ${aliceToken}` }, { jsonrpc: '2.0', id: 3, method: 'initialize', params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 'old', version: '1' } } });
    assert.equal(init.status, 200);
    const initBody = await init.text();
    assert.match(initBody, /"protocolVersion":"2025-03-26"/);
    // /mcp/ is the same endpoint, no redirect
    const slash = await fetch(`${url}/`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/json' }, body: JSON.stringify(list) });
    assert.notEqual(Math.floor(slash.status / 100), 3);
  });

  test('calls are recorded per tenant and grant; destructive calls audited; writes remember the client', async () => {
    await recorder.flush();
    const since = new Date(Date.now() - 24 * 3600_000);
    const byTenant = await mcpCallsByTenant(h.db, since);
    assert.ok(byTenant.get(alice.tenantId)!.calls > 20);
    assert.ok(byTenant.get(alice.tenantId)!.errors >= 1);
    const byGrant = await mcpCallsByGrant(h.db, alice.tenantId, since);
    assert.ok(byGrant.get(aliceGrant)!.calls > 20);
    const audits = await h.db.select().from(auditEvents).where(eq(auditEvents.tenantId, alice.tenantId));
    assert.ok(audits.some((a) => a.action === 'mcp.delete_note'));
    assert.ok(audits.some((a) => a.action === 'mcp.delete_project'));
    const tools = await mcpCallsByTool(h.db, alice.tenantId, since);
    assert.ok(tools.find((t) => t.tool === 'write_note')!.calls >= 4);
    assert.ok(tools.find((t) => t.tool === 'write_note')!.errors >= 1, 'the refused overwrite counts as an error');
    const scrape = await appMetrics().registry.metrics();
    assert.match(scrape, /bmc_mcp_tool_calls_total\{tool="write_note",outcome="ok"\} [1-9]/);
    assert.match(scrape, /bmc_mcp_tool_calls_total\{tool="delete_note",outcome="insufficient_scope"\} 1/);
    assert.match(scrape, /bmc_mcp_refusals_total\{reason="unauthenticated"\}/);
    const changes = await mcpNoteChangesFor(h.db, alice.tenantId, 'main', ['private/Alice Secret.md']);
    assert.equal(changes.get('private/Alice Secret.md')?.clientName, 'mcp-test-client');
  });
});
