// Class 3 of the hardening: the API only serves the user's notes. Hidden paths (.git/, .obsidian/,
// .basic-memory/, temp files, anything the ignore rules skip) are never read, listed, written or deleted
// through the API, whatever the encoding of the path. Real tenant process; every attack is checked to leave
// the files as they were and to reveal nothing.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { hiddenSegment } from '../../src/fs/visible-path.ts';
import { loadIgnoreRules } from '../../src/sync/ignore-rules.ts';
import { rawRequest, startTenant, tempDir, type Tenant } from '../process/tenant-process.ts';

const tmp = tempDir('bm-hidden-');
const dataDir = path.join(tmp, 'data');
const main = path.join(dataDir, 'main');
let t: Tenant;

const SECRETS: Record<string, string> = {
  '.git/config': 'GITSECRET',
  '.obsidian/workspace.json': 'OBSIDIANSECRET',
  '.basic-memory/state.md': 'BMSECRET',
  'notes/.bm-tmp-0123456789abcdef.tmp': 'TEMPSECRET',
  'node_modules/pkg/readme.md': 'NODEMODSECRET',
  'private/plan.md': 'GITIGNOREDSECRET',
  'notes/cache.db': 'DBSECRET',
};

function snapshot(): string {
  const h = createHash('sha256');
  const walk = (d: string) => {
    for (const name of fs.readdirSync(d).sort()) {
      const p = path.join(d, name);
      const st = fs.lstatSync(p);
      h.update(`${path.relative(main, p)}|${st.size}|${st.mtimeMs}\n`);
      if (st.isDirectory()) walk(p);
    }
  };
  walk(main);
  return h.digest('hex');
}

// Every way of writing ".git" (and friends) a client might try.
const GIT_FORMS = ['.git', '%2egit', '%2Egit', '%252egit', '%25252egit', '.GIT', '.Git', '.git.', '.git%20', '.git%2E', '%EF%BC%8Egit' /* fullwidth full stop */,
  '%E2%80%A4git' /* one dot leader */, '.git%20.%20'];

before(async () => {
  fs.mkdirSync(path.join(main, 'notes'), { recursive: true });
  fs.writeFileSync(path.join(main, '.gitignore'), 'private/\n');
  fs.writeFileSync(path.join(main, 'notes', 'visible.md'), '# Visible\n\nhello\n');
  t = await startTenant({ dataDir });
  await t.waitHealthy();
  // planted after the start (the start-up sweep would remove the temp file), then a sync sees them all
  for (const [rel, body] of Object.entries(SECRETS)) {
    fs.mkdirSync(path.dirname(path.join(main, rel)), { recursive: true });
    fs.writeFileSync(path.join(main, rel), body);
  }
  assert.equal((await t.json('POST', '/main/project/sync?run_in_background=false')).status, 200);
});
after(async () => {
  await t?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const leaks = (body: unknown) => /SECRET/.test(typeof body === 'string' ? body : JSON.stringify(body));

describe('hidden and ignored paths through the API', () => {
  test('reads: every encoding of every hidden path is refused with a message naming it, nothing revealed', async () => {
    const targets = [...GIT_FORMS.map((g) => `${g}/config`), '.obsidian/workspace.json', '.OBSIDIAN/workspace.json', '%2eobsidian/workspace.json',
      '.basic-memory/state.md', '.Basic-Memory./state.md', 'notes/.bm-tmp-0123456789abcdef.tmp', 'notes/%2ebm-tmp-0123456789abcdef.tmp',
      'node_modules/pkg/readme.md', 'Node_Modules/pkg/readme.md', 'node_modules./pkg/readme.md', 'private/plan.md', 'notes/cache.db', 'notes/cache.DB',
      'notes/cache.db.'];
    for (const rel of targets) {
      const r = await rawRequest(t, 'GET', `/main/resource/${rel}`);
      assert.equal(r.status, 403, `${rel}: ${r.status} ${JSON.stringify(r.body)}`);
      assert.match(r.body.detail, /Hidden or ignored path/, rel);
      assert.ok(!leaks(r.body), rel);
    }
    // the user's note is still served
    const ok = await rawRequest(t, 'GET', '/main/resource/notes/visible.md');
    assert.equal(ok.status, 200);
  });

  test('writes, uploads, moves, deletes and listings of hidden paths are refused and change nothing', async () => {
    const before = snapshot();
    const results: { what: string; status: number; body: any }[] = [];
    for (const g of GIT_FORMS) {
      results.push({ what: `PUT ${g}`, ...(await rawRequest(t, 'PUT', `/main/resource/${g}/config`, { body: 'overwritten' })) });
      results.push({ what: `DELETE ${g}`, ...(await rawRequest(t, 'DELETE', `/main/knowledge/entities/${g}/config`)) });
      results.push({ what: `LIST ${g}`, ...(await rawRequest(t, 'GET', `/main/directory/list?dir_name=/${g}&depth=3`)) });
    }
    const decoded = ['.git', '.GIT', '.git.', '.git ', '\uff0egit', '\u2024git', '.obsidian', '.basic-memory', 'node_modules', 'NODE_MODULES', 'private'];
    for (const g of decoded) {
      results.push({ what: `WRITE folder ${g}`, ...(await t.json('POST', '/main/knowledge/entities', { title: 'Planted', folder: g, content: 'x' })) });
      results.push({ what: `MOVE to ${g}`, ...(await t.json('POST', '/main/knowledge/move', { identifier: 'notes/visible.md', destination_path: `${g}/visible.md` })) });
      results.push({ what: `MOVE from ${g}`, ...(await t.json('POST', '/main/knowledge/move', { identifier: `${g}/config`, destination_path: 'stolen.md' })) });
    }
    results.push({ what: 'WRITE temp title', ...(await t.json('POST', '/main/knowledge/entities', { title: '.bm-tmp-0123456789abcdef', folder: 'notes', content: 'x' })) });
    results.push({ what: 'DELETE temp', ...(await rawRequest(t, 'DELETE', '/main/knowledge/entities/notes/.bm-tmp-0123456789abcdef.tmp')) });
    for (const r of results) {
      // hidden: 403 (never a 400 a client might "fix"); a move FROM a hidden path that is not a note is not found
      assert.ok([403, 404].includes(r.status), `${r.what}: ${r.status} ${JSON.stringify(r.body)}`);
      assert.ok(!leaks(r.body), r.what);
    }
    assert.equal(snapshot(), before, 'a hidden path was touched');
    for (const [rel, body] of Object.entries(SECRETS)) assert.equal(fs.readFileSync(path.join(main, rel), 'utf8'), body, rel);
  });

  test('the root listing never shows hidden or ignored entries', async () => {
    const r = await t.json('GET', '/main/directory/list?dir_name=/&depth=5');
    assert.equal(r.status, 200);
    assert.ok(!/\.git|obsidian|basic-memory|node_modules|private|bm-tmp|cache\.db/.test(JSON.stringify(r.body)), JSON.stringify(r.body));
  });

  test('one function decides: hiddenSegment on canonical forms, the project .gitignore included', () => {
    const rules = loadIgnoreRules(main);
    for (const p of ['.git/x', '%2egit/x', 'a/%252Egit', 'a/.GIT./x', 'a/\uff0egit/x', 'THUMBS.DB', 'a/x.TMP', 'private/plan.md', 'a/...']) assert.ok(hiddenSegment(p, rules), p);
    for (const p of ['notes/visible.md', 'a/git/x.md', 'a/b.c/d.md', 'Übersicht/Notiz.md', 'private-notes/x.md']) assert.equal(hiddenSegment(p, rules), null, p);
  });
});
