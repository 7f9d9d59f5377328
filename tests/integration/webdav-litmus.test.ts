// Debian's litmus (the WebDAV compliance suite) against /proxy/webdav with an app password: the real proxy path
// (the node:http hook the app installs), a real supervised tenant process on real files, real Postgres.
// Every test litmus runs must pass, except the few listed in KNOWN_FAILURES, each with the reason we accept it;
// a listed test that starts passing fails this suite too, so the list never goes stale.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { freshDatabase, type TestDatabase } from '../helpers/test-db.ts';
import { memberships, users } from '../../lib/db/schema.ts';
import { getTenantRoute } from '../../lib/db/queries/tenants-runtime.ts';
import { createAppPassword } from '../../lib/auth/app-passwords.ts';
import { installNodeRequestHook } from '../../lib/http/node-request-hook.ts';
import { LocalTenantDriver } from '../../lib/tenants/local-driver.ts';
import { AUTH_SECRET, TENANT_ENTRY, createTenantRow, makeSupervisor, tempRoot, tenantState, waitFor } from '../helpers/tenant-fixtures.ts';
import { litmusVersion, runLitmus, type LitmusRun } from '../helpers/litmus.ts';

const GROUPS = ['basic', 'copymove', 'props', 'locks', 'http'];

/** `group/test` → why we knowingly fail it. */
export const KNOWN_FAILURES: Record<string, string> = {
};

describe('litmus against /proxy/webdav (postgres, real tenant, app password)', () => {
  let h: TestDatabase;
  const dirs = tempRoot('bmc-litmus-');
  let sup: ReturnType<typeof makeSupervisor>;
  let server: http.Server;
  let uninstall: () => void;
  let run: LitmusRun;

  before(async () => {
    litmusVersion(); // fails here, loudly, when litmus is missing
    h = await freshDatabase('postgres');
    const T = await createTenantRow(h.db, 'litmus');
    const [u] = await h.db.insert(users).values({ issuer: 'https://idp.test', subject: 'litmus', email: 'lit@example.test' }).returning();
    await h.db.insert(memberships).values([{ userId: u!.id, tenantId: T, role: 'owner' }]);
    const a = (await createAppPassword(h.db, { userId: u!.id, tenantId: T, name: 'litmus' }, { ip: '127.0.0.1', userAgent: 'test' }))!;
    const driver = new LocalTenantDriver({ dataRoot: dirs.dataRoot, indexRoot: dirs.indexRoot, entry: TENANT_ENTRY, syncIntervalS: 0,
      startTimeoutMs: 20_000, quotaMb: 64, env: { BM_LOG_LEVEL: 'warn' } });
    sup = makeSupervisor(h.db, driver, { holderId: 'litmus-test' });
    sup.start();
    await waitFor('running', async () => (await tenantState(h.db, T)).tenant.status === 'running', 90_000);
    const opts = {
      db: async () => h.db,
      deps: async () => ({
        getRoute: (id: string) => getTenantRoute(h.db, id), authSecret: AUTH_SECRET, appOrigin: 'http://app.test',
        subscribeUrl: 'https://x.test/subscribe', connectTimeoutMs: 2000, idleTimeoutMs: 30_000,
      }),
    };
    uninstall = installNodeRequestHook({ fastPath: opts, webdav: opts });
    server = http.createServer((_req, res) => { res.writeHead(418); res.end('next'); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    run = await runLitmus(`http://127.0.0.1:${port}/proxy/webdav/main/`, a.row.accessKey, a.secret, GROUPS);
    if (process.env.LITMUS_PRINT) console.log(run.output);
  });
  after(async () => {
    uninstall?.(); server?.closeAllConnections(); server?.close(); await sup?.stop(); await h?.close(); dirs.cleanup();
  });

  test('every group ran to its summary and ran tests', () => {
    assert.deepEqual(run.groupsRun, GROUPS, run.output);
    for (const g of GROUPS) {
      assert.match(run.output, new RegExp(`<- summary for \`${g}'`), `group ${g} did not finish:\n${run.output}`);
      assert.ok(run.results.filter((r) => r.group === g).length >= 3, `group ${g} ran almost nothing:\n${run.output}`);
    }
  });

  test('no test fails beyond the reasoned list, and no listed test passes', () => {
    const failed = run.results.filter((r) => r.verdict === 'FAIL').map((r) => r.id);
    const unexpected = run.results.filter((r) => r.verdict === 'FAIL' && !(r.id in KNOWN_FAILURES)).map((r) => `${r.id}: ${r.detail}`);
    assert.deepEqual(unexpected, [], run.output);
    const stale = Object.keys(KNOWN_FAILURES).filter((k) => !failed.includes(k));
    assert.deepEqual(stale, [], `listed as failing but did not fail (remove from KNOWN_FAILURES):\n${run.output}`);
  });

  test('no warnings: litmus found nothing unsafe or doubtful either', () => {
    const warnings = run.output.split(/[\r\n]+/).filter((l) => /WARNING:/.test(l)).map((l) => l.trim());
    assert.deepEqual(warnings, [], run.output);
  });

  test('nothing is skipped: every test in the five groups gave a verdict', () => {
    const skipped = run.results.filter((r) => r.verdict === 'SKIPPED').map((r) => `${r.id}: ${r.detail}`);
    assert.deepEqual(skipped, [], run.output);
  });
});
