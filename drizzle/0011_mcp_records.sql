CREATE TYPE "public"."mcp_call_outcome" AS ENUM('ok', 'tool_error', 'invalid_arguments', 'unknown_tool', 'error', 'insufficient_scope', 'rate_limited');--> statement-breakpoint
CREATE TABLE "mcp_call_rollups" (
	"tenant_id" uuid NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"grant_id" text DEFAULT '' NOT NULL,
	"client_id" text DEFAULT '' NOT NULL,
	"tool" text NOT NULL,
	"outcome" "mcp_call_outcome" NOT NULL,
	"calls" integer NOT NULL,
	"total_ms" bigint DEFAULT 0 NOT NULL,
	"last_at" timestamp with time zone NOT NULL,
	CONSTRAINT "mcp_call_rollups_tenant_id_hour_grant_id_client_id_tool_outcome_pk" PRIMARY KEY("tenant_id","hour","grant_id","client_id","tool","outcome")
);
--> statement-breakpoint
CREATE TABLE "mcp_note_changes" (
	"tenant_id" uuid NOT NULL,
	"project" text NOT NULL,
	"file_path" text NOT NULL,
	"client_name" text NOT NULL,
	"tool" text NOT NULL,
	"changed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "mcp_note_changes_tenant_id_project_file_path_pk" PRIMARY KEY("tenant_id","project","file_path")
);
--> statement-breakpoint
ALTER TABLE "mcp_call_rollups" ADD CONSTRAINT "mcp_call_rollups_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mcp_note_changes" ADD CONSTRAINT "mcp_note_changes_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "mcp_call_rollups_hour_idx" ON "mcp_call_rollups" USING btree ("hour");--> statement-breakpoint
CREATE INDEX "mcp_call_rollups_grant_idx" ON "mcp_call_rollups" USING btree ("grant_id","hour");