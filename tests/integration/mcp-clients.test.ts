// /mcp against two independent real clients run under the project's Node 24: the MCP Inspector CLI (exit codes 0 ok,
// 3 auth required, 5 tool error) and the MCP conformance suite's server scenarios (0.2.0-alpha line), behind a
// loopback proxy that adds the Bearer token (the suite sends none). Expected failures are listed with reasons in
// tests/integration/mcp-conformance-baseline.yml.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveFetch } from '../helpers/mcp-fixtures.ts';
import { serveMcpNode } from '../../lib/mcp/mcp-node.ts';
import { startMcpRig, type McpRig, type Person } from '../helpers/mcp-rig.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const INSPECTOR = path.join(ROOT, 'node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js');
const CONFORMANCE = path.join(ROOT, 'node_modules/@modelcontextprotocol/conformance/dist/index.js');
const BASELINE = path.join(ROOT, 'tests/integration/mcp-conformance-baseline.yml');

function run(script: string, args: string[], env: Record<string, string> = {}, timeoutMs = 120_000): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'bmc-mcp-client-'));
    const child = spawn(process.execPath, [script, ...args], { cwd: ROOT, env: { ...process.env, HOME: home, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d; });
    child.stderr.on('data', (d: Buffer) => { err += d; });
    const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => { clearTimeout(t); fs.rmSync(home, { recursive: true, force: true }); resolve({ code: code ?? -1, out, err }); });
  });
}

describe('/mcp with the MCP Inspector CLI and the conformance suite', () => {
  let rig: McpRig;
  let alice: Person;
  let injector: Awaited<ReturnType<typeof serveFetch>>;
  let edge: http.Server;
  let edgeUrl: string;
  before(async () => {
    rig = await startMcpRig();
    alice = await rig.person('alice');
    // The Inspector goes through the app's node:http edge adapter (what serves /mcp in the app).
    edge = http.createServer((req, res) => { void serveMcpNode(req, res, rig.handle); });
    await new Promise<void>((r) => edge.listen(0, '127.0.0.1', r));
    edgeUrl = `http://127.0.0.1:${(edge.address() as AddressInfo).port}/mcp`;
    // The conformance suite cannot send a token: this loopback hop adds alice's.
    injector = await serveFetch(async (req) => {
      const headers = new Headers(req.headers);
      headers.set('authorization', `Bearer ${alice.token}`);
      const u = new URL(req.url);
      return rig.handle(new Request(`${rig.appUrl}${u.pathname}${u.search}`, { method: req.method, headers, body: req.method === 'GET' || req.method === 'HEAD' ? undefined : await req.arrayBuffer() }));
    });
  });
  after(async () => { edge?.closeAllConnections(); edge?.close(); await injector?.close(); await rig?.close(); });

  const inspector = (args: string[]) => run(INSPECTOR, ['--cli', edgeUrl, '--transport', 'http', '--format', 'json', '--stored-auth-only', '--connect-timeout', '20000', ...args]);
  const auth = () => ['--header', `Authorization: Bearer ${alice.token}`];

  test('Inspector CLI: 0 for tools/list and a tool call, 5 for a tool error, 3 without credentials', async () => {
    const list = await inspector([...auth(), '--method', 'tools/list']);
    assert.equal(list.code, 0, list.err);
    assert.equal(JSON.parse(list.out).result.tools.length, 21);
    const write = await inspector([...auth(), '--method', 'tools/call', '--tool-name', 'write_note', '--tool-args-json', JSON.stringify({ title: 'From Inspector', directory: 'inspector', content: 'hello from the inspector' })]);
    assert.equal(write.code, 0, write.err);
    const read = await inspector([...auth(), '--method', 'tools/call', '--tool-name', 'read_note', '--tool-args-json', JSON.stringify({ identifier: 'inspector/from-inspector' })]);
    assert.equal(read.code, 0, read.err);
    assert.match(read.out, /hello from the inspector/);
    const bad = await inspector([...auth(), '--method', 'tools/call', '--tool-name', 'write_note', '--tool-args-json', JSON.stringify({ title: 'x', directory: '../../escape', content: 'no' })]);
    assert.equal(bad.code, 5, `${bad.out}\n${bad.err}`);
    const prompts = await inspector([...auth(), '--method', 'prompts/list']);
    assert.equal(prompts.code, 0, prompts.err);
    const resource = await inspector([...auth(), '--method', 'resources/read', '--uri', 'memory://ai_assistant_guide']);
    assert.equal(resource.code, 0, resource.err);
    const anonymous = await inspector(['--method', 'tools/list']);
    assert.equal(anonymous.code, 3, `${anonymous.out}\n${anonymous.err}`);
  });

  test('conformance server scenarios (2025-11-25 and 2026-07-28)', async () => {
    const url = `${injector.url}/mcp`;
    const scenarios: Array<[string, string]> = [
      ['server-initialize', '2025-11-25'], ['ping', '2025-11-25'], ['tools-list', '2025-11-25'], ['resources-list', '2025-11-25'],
      ['prompts-list', '2025-11-25'], ['dns-rebinding-protection', '2025-11-25'],
      ['server-stateless', '2026-07-28'], ['tools-list', '2026-07-28'], ['resources-list', '2026-07-28'], ['prompts-list', '2026-07-28'],
      ['caching', '2026-07-28'], ['http-header-validation', '2026-07-28'], ['dns-rebinding-protection', '2026-07-28'],
    ];
    const failures: string[] = [];
    for (const [scenario, version] of scenarios) {
      const r = await run(CONFORMANCE, ['server', '--url', url, '--scenario', scenario, '--spec-version', version, '--expected-failures', BASELINE], {}, 90_000);
      if (r.code !== 0) failures.push(`${scenario}@${version} (exit ${r.code}):\n${r.out.slice(-2500)}\n${r.err.slice(-1000)}`);
    }
    assert.deepEqual(failures, []);
  });
});
