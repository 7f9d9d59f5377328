ALTER TYPE "public"."mcp_call_outcome" ADD VALUE 'cancelled';--> statement-breakpoint
CREATE INDEX "mcp_note_changes_changed_at_idx" ON "mcp_note_changes" USING btree ("changed_at");