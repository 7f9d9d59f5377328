CREATE TABLE "sync_fleet_rollups" (
	"hour" timestamp with time zone NOT NULL,
	"scan_type" text NOT NULL,
	"runs" integer NOT NULL,
	"failed" integer NOT NULL,
	"changed" integer NOT NULL,
	"duration_sum_ms" bigint NOT NULL,
	"duration_max_ms" integer NOT NULL,
	"files_scanned" bigint NOT NULL,
	"histogram" jsonb NOT NULL,
	CONSTRAINT "sync_fleet_rollups_hour_scan_type_pk" PRIMARY KEY("hour","scan_type")
);
--> statement-breakpoint
CREATE TABLE "sync_project_states" (
	"tenant_id" uuid NOT NULL,
	"project" text NOT NULL,
	"last_run_id" text NOT NULL,
	"last_run_at" timestamp with time zone NOT NULL,
	"last_status" text NOT NULL,
	"last_scan_type" text,
	"last_duration_ms" integer NOT NULL,
	"last_skipped_count" integer DEFAULT 0 NOT NULL,
	"last_error_count" integer DEFAULT 0 NOT NULL,
	"last_ok_at" timestamp with time zone,
	"last_failed_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sync_project_states_tenant_id_project_pk" PRIMARY KEY("tenant_id","project")
);
--> statement-breakpoint
CREATE TABLE "sync_run_rollups" (
	"tenant_id" uuid NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"project" text NOT NULL,
	"scan_type" text NOT NULL,
	"runs" integer NOT NULL,
	"failed" integer NOT NULL,
	"changed" integer NOT NULL,
	"duration_sum_ms" bigint NOT NULL,
	"duration_max_ms" integer NOT NULL,
	"files_scanned" bigint NOT NULL,
	"histogram" jsonb NOT NULL,
	CONSTRAINT "sync_run_rollups_tenant_id_hour_project_scan_type_pk" PRIMARY KEY("tenant_id","hour","project","scan_type")
);
--> statement-breakpoint
ALTER TABLE "sync_runs" ADD COLUMN "changed" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "tenant_sync_cursors" ADD COLUMN "last_rebuild_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tenant_sync_cursors" ADD COLUMN "last_rebuild_ms" integer;--> statement-breakpoint
ALTER TABLE "tenant_sync_cursors" ADD COLUMN "last_rebuild_files" integer;--> statement-breakpoint
ALTER TABLE "sync_project_states" ADD CONSTRAINT "sync_project_states_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_run_rollups" ADD CONSTRAINT "sync_run_rollups_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sync_run_rollups_hour_idx" ON "sync_run_rollups" USING btree ("hour");--> statement-breakpoint
CREATE INDEX "sync_runs_no_change_started_idx" ON "sync_runs" USING btree ("started_at") WHERE not changed;