CREATE TYPE "public"."snapshot_kind" AS ENUM('scheduled', 'manual');--> statement-breakpoint
CREATE TYPE "public"."snapshot_status" AS ENUM('running', 'succeeded', 'failed');--> statement-breakpoint
CREATE TABLE "snapshot_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"kind" "snapshot_kind" NOT NULL,
	"status" "snapshot_status" DEFAULT 'running' NOT NULL,
	"description" text,
	"created_by" uuid,
	"restic_id" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"duration_ms" integer,
	"files" integer,
	"bytes_added" bigint,
	"repository_bytes" bigint,
	"error" text,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "snapshot_runs" ADD CONSTRAINT "snapshot_runs_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "snapshot_runs" ADD CONSTRAINT "snapshot_runs_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "snapshot_runs_tenant_started_idx" ON "snapshot_runs" USING btree ("tenant_id","started_at");--> statement-breakpoint
CREATE INDEX "snapshot_runs_status_started_idx" ON "snapshot_runs" USING btree ("status","started_at");