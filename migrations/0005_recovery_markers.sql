ALTER TABLE "agent_invocations" ADD COLUMN "checked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "issues" ADD COLUMN "workflow_started_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "agent_invocations_unfinished_idx" ON "agent_invocations" USING btree ("checked_at") WHERE "agent_invocations"."status" in ('pending', 'running');--> statement-breakpoint
CREATE INDEX "issues_unstarted_idx" ON "issues" USING btree ("created_at") WHERE "issues"."workflow_started_at" is null;--> statement-breakpoint
-- Issues from before this migration that left the queue certainly had a workflow.
UPDATE "issues" SET "workflow_started_at" = "created_at" WHERE "status" <> 'queued';
