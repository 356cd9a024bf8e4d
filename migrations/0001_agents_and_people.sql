CREATE TABLE "agent_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" text NOT NULL,
	"issue_id" uuid NOT NULL,
	"loop_id" text NOT NULL,
	"seq" integer NOT NULL,
	"role" text NOT NULL,
	"content" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "agent_tool_calls" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" text NOT NULL,
	"issue_id" uuid NOT NULL,
	"loop_id" text NOT NULL,
	"tool_use_id" text NOT NULL,
	"name" text NOT NULL,
	"input" jsonb NOT NULL,
	"output" text,
	"is_error" integer DEFAULT 0 NOT NULL,
	"executions" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "decisions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" text NOT NULL,
	"issue_id" uuid NOT NULL,
	"gate" text NOT NULL,
	"gate_round" integer DEFAULT 0 NOT NULL,
	"decision" text NOT NULL,
	"reviewer" text NOT NULL,
	"comment" text,
	"via" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" text NOT NULL,
	"issue_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"dedupe_key" text NOT NULL,
	"message" text NOT NULL,
	"recipients" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "questions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" text NOT NULL,
	"issue_id" uuid NOT NULL,
	"stage" text NOT NULL,
	"question" text NOT NULL,
	"policy" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"draft_answer" text,
	"answer" text,
	"answered_by" text,
	"answered_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reviewers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" text NOT NULL,
	"user_id" text NOT NULL,
	"name" text NOT NULL,
	"role" text DEFAULT 'reviewer' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "issues" ADD COLUMN "budget_usd" numeric(12, 4);--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "settings" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "agent_messages" ADD CONSTRAINT "agent_messages_issue_id_issues_id_fk" FOREIGN KEY ("issue_id") REFERENCES "public"."issues"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_tool_calls" ADD CONSTRAINT "agent_tool_calls_issue_id_issues_id_fk" FOREIGN KEY ("issue_id") REFERENCES "public"."issues"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "decisions" ADD CONSTRAINT "decisions_issue_id_issues_id_fk" FOREIGN KEY ("issue_id") REFERENCES "public"."issues"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_issue_id_issues_id_fk" FOREIGN KEY ("issue_id") REFERENCES "public"."issues"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "questions" ADD CONSTRAINT "questions_issue_id_issues_id_fk" FOREIGN KEY ("issue_id") REFERENCES "public"."issues"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reviewers" ADD CONSTRAINT "reviewers_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "agent_messages_loop_seq_uq" ON "agent_messages" USING btree ("loop_id","seq");--> statement-breakpoint
CREATE INDEX "agent_messages_org_issue_idx" ON "agent_messages" USING btree ("organization_id","issue_id");--> statement-breakpoint
CREATE UNIQUE INDEX "agent_tool_calls_loop_use_uq" ON "agent_tool_calls" USING btree ("loop_id","tool_use_id");--> statement-breakpoint
CREATE INDEX "agent_tool_calls_org_issue_idx" ON "agent_tool_calls" USING btree ("organization_id","issue_id");--> statement-breakpoint
CREATE UNIQUE INDEX "decisions_issue_gate_round_uq" ON "decisions" USING btree ("issue_id","gate","gate_round");--> statement-breakpoint
CREATE INDEX "decisions_org_issue_idx" ON "decisions" USING btree ("organization_id","issue_id");--> statement-breakpoint
CREATE UNIQUE INDEX "notifications_dedupe_uq" ON "notifications" USING btree ("issue_id","dedupe_key");--> statement-breakpoint
CREATE INDEX "notifications_org_issue_idx" ON "notifications" USING btree ("organization_id","issue_id");--> statement-breakpoint
CREATE INDEX "questions_org_issue_idx" ON "questions" USING btree ("organization_id","issue_id");--> statement-breakpoint
CREATE INDEX "questions_org_status_idx" ON "questions" USING btree ("organization_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "reviewers_org_user_uq" ON "reviewers" USING btree ("organization_id","user_id");