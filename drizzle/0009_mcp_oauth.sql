CREATE TYPE "public"."oauth_client_kind" AS ENUM('dynamic_registration', 'metadata_document');--> statement-breakpoint
CREATE TYPE "public"."token_family_kind" AS ENUM('cli', 'mcp');--> statement-breakpoint
CREATE TABLE "oauth_authorization_codes" (
	"code_hash" text PRIMARY KEY NOT NULL,
	"client_id" text NOT NULL,
	"user_id" uuid NOT NULL,
	"tenant_id" uuid,
	"redirect_uri" text NOT NULL,
	"code_challenge" text NOT NULL,
	"resource" text NOT NULL,
	"scope" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"session_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "oauth_clients" (
	"client_id" text PRIMARY KEY NOT NULL,
	"kind" "oauth_client_kind" NOT NULL,
	"client_name" text,
	"client_uri" text,
	"redirect_uris" jsonb NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"metadata_expires_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "cli_sessions" ADD COLUMN "kind" "token_family_kind" DEFAULT 'cli' NOT NULL;--> statement-breakpoint
ALTER TABLE "cli_sessions" ADD COLUMN "resource" text;--> statement-breakpoint
ALTER TABLE "cli_sessions" ADD COLUMN "redirect_uri" text;--> statement-breakpoint
ALTER TABLE "oauth_refresh_tokens" ADD COLUMN "replaced_by_hash" text;--> statement-breakpoint
ALTER TABLE "oauth_authorization_codes" ADD CONSTRAINT "oauth_authorization_codes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oauth_authorization_codes" ADD CONSTRAINT "oauth_authorization_codes_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "oauth_authorization_codes_expires_idx" ON "oauth_authorization_codes" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "oauth_clients_kind_created_idx" ON "oauth_clients" USING btree ("kind","created_at");