CREATE TYPE "public"."rebuild_mode" AS ENUM('rebuild', 'catch_up');--> statement-breakpoint
CREATE TYPE "public"."sync_rollup_scan_type" AS ENUM('full_initial', 'full_deletions', 'full_forced', 'incremental', 'rebuild', 'unknown');--> statement-breakpoint
CREATE TYPE "public"."sync_run_kind" AS ENUM('sync', 'rebuild');--> statement-breakpoint
CREATE TYPE "public"."sync_run_status" AS ENUM('ok', 'failed', 'unknown');--> statement-breakpoint
CREATE TYPE "public"."sync_run_trigger" AS ENUM('startup', 'schedule', 'api', 'force', 'discovery', 'unknown');--> statement-breakpoint
CREATE TYPE "public"."sync_scan_type" AS ENUM('full_initial', 'full_deletions', 'full_forced', 'incremental');--> statement-breakpoint
-- Each table is rewritten once (one ALTER TABLE for all its columns; its indexes are rebuilt once). A value
-- outside a set, written before the sets were closed, becomes 'unknown' (trigger, status, roll-up scan type)
-- or null (scan type, mode), as the collector now stores it; kind is 'sync' unless 'rebuild', as it always was.
-- The rebuild index's predicate compares kind with text, so it is dropped and made again on the enum.
DROP INDEX "sync_runs_tenant_rebuild_started_idx";--> statement-breakpoint
ALTER TABLE "sync_runs"
  ALTER COLUMN "kind" SET DATA TYPE "public"."sync_run_kind"
    USING (CASE WHEN "kind" = 'rebuild' THEN 'rebuild' ELSE 'sync' END)::"public"."sync_run_kind",
  ALTER COLUMN "trigger" SET DATA TYPE "public"."sync_run_trigger"
    USING (CASE WHEN "trigger" IN ('startup', 'schedule', 'api', 'force', 'discovery') THEN "trigger" ELSE 'unknown' END)::"public"."sync_run_trigger",
  ALTER COLUMN "scan_type" SET DATA TYPE "public"."sync_scan_type"
    USING (CASE WHEN "scan_type" IN ('full_initial', 'full_deletions', 'full_forced', 'incremental') THEN "scan_type" END)::"public"."sync_scan_type",
  ALTER COLUMN "status" SET DATA TYPE "public"."sync_run_status"
    USING (CASE WHEN "status" IN ('ok', 'failed') THEN "status" ELSE 'unknown' END)::"public"."sync_run_status",
  ALTER COLUMN "mode" SET DATA TYPE "public"."rebuild_mode"
    USING (CASE WHEN "mode" IN ('rebuild', 'catch_up') THEN "mode" END)::"public"."rebuild_mode";--> statement-breakpoint
CREATE INDEX "sync_runs_tenant_rebuild_started_idx" ON "sync_runs" USING btree ("tenant_id","started_at") WHERE kind = 'rebuild';--> statement-breakpoint
ALTER TABLE "sync_run_rollups"
  ALTER COLUMN "scan_type" SET DATA TYPE "public"."sync_rollup_scan_type"
    USING (CASE WHEN "scan_type" IN ('full_initial', 'full_deletions', 'full_forced', 'incremental', 'rebuild') THEN "scan_type" ELSE 'unknown' END)::"public"."sync_rollup_scan_type";--> statement-breakpoint
ALTER TABLE "sync_fleet_rollups"
  ALTER COLUMN "scan_type" SET DATA TYPE "public"."sync_rollup_scan_type"
    USING (CASE WHEN "scan_type" IN ('full_initial', 'full_deletions', 'full_forced', 'incremental', 'rebuild') THEN "scan_type" ELSE 'unknown' END)::"public"."sync_rollup_scan_type";--> statement-breakpoint
ALTER TABLE "sync_project_states"
  ALTER COLUMN "last_status" SET DATA TYPE "public"."sync_run_status"
    USING (CASE WHEN "last_status" IN ('ok', 'failed') THEN "last_status" ELSE 'unknown' END)::"public"."sync_run_status",
  ALTER COLUMN "last_scan_type" SET DATA TYPE "public"."sync_scan_type"
    USING (CASE WHEN "last_scan_type" IN ('full_initial', 'full_deletions', 'full_forced', 'incremental') THEN "last_scan_type" END)::"public"."sync_scan_type";
