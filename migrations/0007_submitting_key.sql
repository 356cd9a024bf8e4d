ALTER TABLE "agent_invocations" ADD COLUMN "created_by_key_id" uuid;--> statement-breakpoint
ALTER TABLE "issues" ADD COLUMN "created_by_key_id" uuid;