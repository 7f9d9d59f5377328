DROP INDEX "sync_runs_tenant_project_started_idx";--> statement-breakpoint
CREATE INDEX "sync_runs_tenant_rebuild_started_idx" ON "sync_runs" USING btree ("tenant_id","started_at") WHERE kind = 'rebuild';--> statement-breakpoint
CREATE INDEX "sync_runs_tenant_project_started_idx" ON "sync_runs" USING btree ("tenant_id","project","started_at","kind");