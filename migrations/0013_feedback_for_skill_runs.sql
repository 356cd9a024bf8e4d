ALTER TABLE "feedback" ALTER COLUMN "issue_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "feedback" ADD COLUMN "invocation_id" uuid;--> statement-breakpoint
ALTER TABLE "feedback" ADD CONSTRAINT "feedback_invocation_id_agent_invocations_id_fk" FOREIGN KEY ("invocation_id") REFERENCES "public"."agent_invocations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "feedback_org_invocation_idx" ON "feedback" USING btree ("organization_id","invocation_id");--> statement-breakpoint
CREATE INDEX "feedback_org_created_idx" ON "feedback" USING btree ("organization_id","created_at");--> statement-breakpoint
ALTER TABLE "feedback" ADD CONSTRAINT "feedback_about_one" CHECK (num_nonnulls("feedback"."issue_id", "feedback"."invocation_id") = 1);--> statement-breakpoint
ALTER TABLE "feedback" ADD CONSTRAINT "feedback_improvement_valid" CHECK ("feedback"."improvement_status" in ('PENDING','ANALYZED','IMPLEMENTED','DISMISSED'));