CREATE TABLE "sync_runs" (
	"tenant_id" uuid NOT NULL,
	"run_id" text NOT NULL,
	"instance_id" text,
	"kind" text NOT NULL,
	"project" text,
	"trigger" text NOT NULL,
	"scan_type" text,
	"status" text NOT NULL,
	"mode" text,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"duration_ms" integer NOT NULL,
	"scan_ms" integer DEFAULT 0 NOT NULL,
	"apply_ms" integer DEFAULT 0 NOT NULL,
	"files_scanned" integer DEFAULT 0 NOT NULL,
	"new_count" integer DEFAULT 0 NOT NULL,
	"modified_count" integer DEFAULT 0 NOT NULL,
	"deleted_count" integer DEFAULT 0 NOT NULL,
	"moved_count" integer DEFAULT 0 NOT NULL,
	"skipped_count" integer DEFAULT 0 NOT NULL,
	"error_count" integer DEFAULT 0 NOT NULL,
	"errors" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"skipped_files" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"peak_rss_bytes" bigint,
	"collected_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sync_runs_tenant_id_run_id_pk" PRIMARY KEY("tenant_id","run_id")
);
--> statement-breakpoint
CREATE TABLE "tenant_endpoints" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"driver" text DEFAULT 'local' NOT NULL,
	"host" text,
	"port" integer,
	"pid" integer,
	"instance_id" text,
	"started_at" timestamp with time zone,
	"ready_at" timestamp with time zone,
	"last_health_at" timestamp with time zone,
	"tenant_version" text,
	"last_rebuild" jsonb,
	"last_exit_at" timestamp with time zone,
	"last_exit_code" integer,
	"last_exit_signal" text,
	"crash_count" integer DEFAULT 0 NOT NULL,
	"crash_window_started_at" timestamp with time zone,
	"next_restart_at" timestamp with time zone,
	"restart_requested_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tenant_leases" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"holder" text NOT NULL,
	"acquired_at" timestamp with time zone DEFAULT now() NOT NULL,
	"renewed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tenant_sync_cursors" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"cursor" text,
	"instance_id" text,
	"last_collected_at" timestamp with time zone,
	"last_error" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "sync_runs" ADD CONSTRAINT "sync_runs_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tenant_endpoints" ADD CONSTRAINT "tenant_endpoints_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tenant_leases" ADD CONSTRAINT "tenant_leases_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tenant_sync_cursors" ADD CONSTRAINT "tenant_sync_cursors_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sync_runs_tenant_project_started_idx" ON "sync_runs" USING btree ("tenant_id","project","started_at");--> statement-breakpoint
CREATE INDEX "sync_runs_started_idx" ON "sync_runs" USING btree ("started_at");--> statement-breakpoint
CREATE INDEX "sync_runs_kind_started_idx" ON "sync_runs" USING btree ("kind","started_at");--> statement-breakpoint
CREATE INDEX "tenant_leases_expires_idx" ON "tenant_leases" USING btree ("expires_at");