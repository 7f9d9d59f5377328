// The small pure parts of /mcp: the call budget, the result cap, who the client is, tool-group scopes, the argument
// aliases and strictness, and which MCP client is credited with a recent change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCallBudget } from '../../lib/mcp/call-budget.ts';
import { capText } from '../../lib/mcp/mcp-server.ts';
import { clientIdentity } from '../../lib/mcp/client-identity.ts';
import { grantedMemoryScopes } from '../../lib/mcp/scopes.ts';
import { TOOLS, TOOLS_BY_NAME } from '../../lib/mcp/tools/index.ts';
import { ToolProblem } from '../../lib/mcp/tool-problem.ts';
import { withMcpClients, type RecentItem } from '../../lib/notes/project-recent.ts';
import { assertProjectPath } from '../../lib/mcp/project-route.ts';

test('the call budget allows the burst, then the rate, and says when to retry', () => {
  const b = createCallBudget(60, 3);
  const t = 1_000_000;
  assert.equal(b.take('u', t), null);
  assert.equal(b.take('u', t), null);
  assert.equal(b.take('u', t), null);
  assert.equal(b.take('u', t), 1, 'fourth call at once waits ~1 s (60/min)');
  assert.equal(b.take('other', t), null, 'budgets are per person');
  assert.equal(b.take('u', t + 1000), null, 'one token back after a second');
});

test('long answers are cut with a note, short ones untouched', () => {
  assert.equal(capText('abc', 10), 'abc');
  const cut = capText('x'.repeat(50), 10);
  assert.ok(cut.startsWith('x'.repeat(10) + '\n'));
  assert.match(cut, /cut at 10 of 50 characters/);
});

test('client identity: initialize clientInfo, 2026 _meta, OAuth client id, then User-Agent; OpenAI detection', () => {
  assert.deepEqual(clientIdentity([{ method: 'initialize', params: { clientInfo: { name: 'openai-mcp', version: '1' } } }], null, null), { name: 'openai-mcp', isOpenAi: true });
  assert.equal(clientIdentity([{ method: 'tools/call', params: { _meta: { 'io.modelcontextprotocol/clientInfo': { name: 'claude-ai', title: 'Claude' } } } }], 'x', null).name, 'Claude');
  assert.deepEqual(clientIdentity([{ method: 'tools/call', params: {} }], 'openai-mcp/1.0.0', null), { name: 'openai-mcp/1.0.0', isOpenAi: true });
  assert.deepEqual(clientIdentity([{ method: 'tools/call', params: {} }], 'node', 'client-123'), { name: 'client-123', isOpenAi: false });
  assert.equal(clientIdentity([{ method: 'tools/call', params: {} }], 'Mozilla/5.0 openai-mcp', null).isOpenAi, false);
});

test('tool groups from scopes: none of the memory scopes means all groups', () => {
  assert.deepEqual([...grantedMemoryScopes(['openid', 'offline_access'])].sort(), ['memory:admin', 'memory:read', 'memory:write']);
  assert.deepEqual([...grantedMemoryScopes(['memory:read'])], ['memory:read']);
  const groups = Object.fromEntries(TOOLS.map((t) => [t.name, t.group]));
  assert.equal(groups.write_note, 'memory:write');
  assert.equal(groups.move_note, 'memory:write');
  assert.equal(groups.delete_note, 'memory:admin');
  assert.equal(groups.create_memory_project, 'memory:admin');
  assert.equal(groups.search_notes, 'memory:read');
});

test('tool arguments: upstream aliases map to canonical names, unknown names and wrong types are refused', () => {
  const write = TOOLS_BY_NAME.get('write_note')!;
  assert.deepEqual(write.parse({ title: 't', content: 'c', folder: 'f' }), { title: 't', content: 'c', directory: 'f', note_type: 'note', output_format: 'text' });
  assert.throws(() => write.parse({ title: 't', content: 'c', directory: 'f', nonsense: 1 }), ToolProblem);
  assert.throws(() => write.parse({ title: 5, content: 'c', directory: 'f' }), /title/);
  assert.throws(() => write.parse({ title: 't', content: 'c', directory: 'a', folder: 'b' }), /twice/);
  const edit = TOOLS_BY_NAME.get('edit_note')!;
  assert.equal((edit.parse({ identifier: 'x', operation: 'append', new_content: 'y' }) as { content: string }).content, 'y');
  assert.throws(() => edit.parse({ identifier: 'x', operation: 'explode', content: 'y' }), /operation/);
  assert.equal(TOOLS.length, 21);
  for (const t of TOOLS) assert.equal((t.inputSchema as { type: string }).type, 'object', t.name);
});

test('paths that would leave the project are refused before any call', () => {
  assert.throws(() => assertProjectPath('../etc'), /within the project/);
  assert.throws(() => assertProjectPath('a/./b'), /within the project/);
  assert.throws(() => assertProjectPath('a\\..\\b'), /within the project/);
  assert.equal(assertProjectPath('notes/2026'), 'notes/2026');
});

test('recent activity credits the MCP client only when its change is the latest', () => {
  const item = (filePath: string, at: string): RecentItem => ({ filePath, title: filePath, permalink: null, at, atKind: 'updated', observations: 0, relations: 0 });
  const changes = new Map([
    ['a.md', { clientName: 'Claude', changedAt: new Date('2026-12-01T10:00:01Z') }],
    ['b.md', { clientName: 'Cursor', changedAt: new Date('2026-12-01T10:00:00Z') }],
  ]);
  const out = withMcpClients([item('a.md', '2026-12-01T10:00:00Z'), item('b.md', '2026-12-01T11:00:00Z'), item('c.md', '2026-12-01T10:00:00Z')], changes);
  assert.equal(out[0]!.changedBy, 'Claude');
  assert.equal(out[1]!.changedBy, undefined, 'changed again later by something else');
  assert.equal(out[2]!.changedBy, undefined);
});
