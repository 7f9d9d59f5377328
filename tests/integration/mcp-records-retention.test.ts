// The MCP call records age out on the history maintenance schedule: hourly call roll-ups after MCP_CALL_ROLLUP_DAYS,
// the client that last changed a note after MCP_NOTE_CHANGE_DAYS; newer records stay, and the sync history's own
// retention is unchanged. Real Postgres; the scheduled job (HistoryMaintenance, as the app's services start it).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { freshDatabase } from '../helpers/test-db.ts';
import { createTenantRow } from '../helpers/tenant-fixtures.ts';
import { mcpCallRollups, mcpNoteChanges } from '../../lib/db/schema.ts';
import { addMcpCalls, hourOf, recordMcpNoteChange } from '../../lib/db/queries/mcp-calls.ts';
import { HistoryMaintenance, runHistoryMaintenance } from '../../lib/history/history-maintenance.ts';
import { DEFAULT_HISTORY_CONFIG } from '../../lib/config/history.ts';
import { buildMcpConfig, mcpEnvSchema } from '../../lib/config/mcp.ts';

const H = 3_600_000;
const DAY = 24 * H;

describe('MCP call records retention (postgres)', () => {
  test('roll-ups and note changes past retention are deleted by the scheduled maintenance; newer ones stay', async () => {
    const h = await freshDatabase('postgres');
    try {
      const t = await createTenantRow(h.db, 'mcp-ret');
      const mcp = buildMcpConfig(mcpEnvSchema.parse({ MCP_CALL_ROLLUP_DAYS: '30', MCP_NOTE_CHANGE_DAYS: '10' }));
      assert.equal(mcp.callRollupMs, 30 * DAY);
      assert.equal(buildMcpConfig(mcpEnvSchema.parse({})).callRollupMs, 90 * DAY, 'default: 90 days');
      const now = Date.now();
      const row = (ageMs: number, tool: string) => ({ tenantId: t, hour: hourOf(new Date(now - ageMs)), grantId: 'g', clientId: 'c', tool, outcome: 'ok' as const, calls: 3, totalMs: 12, lastAt: new Date(now - ageMs) });
      await addMcpCalls(h.db, [row(31 * DAY, 'search_notes'), row(40 * DAY, 'read_note'), row(29 * DAY, 'write_note'), row(H, 'search_notes')]);
      await recordMcpNoteChange(h.db, { tenantId: t, project: 'main', filePath: 'old.md', clientName: 'Claude', tool: 'write_note', changedAt: new Date(now - 11 * DAY) });
      await recordMcpNoteChange(h.db, { tenantId: t, project: 'main', filePath: 'new.md', clientName: 'Claude', tool: 'edit_note', changedAt: new Date(now - 9 * DAY) });

      // Without MCP retention given, the pass leaves them alone (as before).
      const plain = await runHistoryMaintenance(h.db, DEFAULT_HISTORY_CONFIG);
      assert.equal(plain.mcpRollupsDeleted + plain.mcpNoteChangesDeleted, 0);
      assert.equal((await h.db.select().from(mcpCallRollups)).length, 4);

      const logged: Array<Record<string, unknown>> = [];
      const job = new HistoryMaintenance({
        db: h.db, retention: { ...DEFAULT_HISTORY_CONFIG, maintenanceBatch: 1, mcpCallRollupMs: mcp.callRollupMs, mcpNoteChangeMs: mcp.noteChangeMs },
        intervalMs: 1000, log: (_level, msg, fields) => { if (msg === 'history retention') logged.push(fields ?? {}); },
      });
      job.start();
      try {
        const deadline = Date.now() + 20_000;
        while (!logged.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      } finally {
        await job.stop();
      }
      assert.equal(logged.length >= 1, true, 'the scheduled pass ran and reported deletions');
      assert.equal(logged[0]!.mcpRollupsDeleted, 2);
      assert.equal(logged[0]!.mcpNoteChangesDeleted, 1);
      assert.deepEqual((await h.db.select({ tool: mcpCallRollups.tool }).from(mcpCallRollups)).map((r) => r.tool).sort(), ['search_notes', 'write_note']);
      assert.deepEqual((await h.db.select({ f: mcpNoteChanges.filePath }).from(mcpNoteChanges)).map((r) => r.f), ['new.md']);
    } finally {
      await h.close();
    }
  });
});
