CREATE TABLE "api_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" text NOT NULL,
	"name" text NOT NULL,
	"prefix" text NOT NULL,
	"key_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "artifacts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" text NOT NULL,
	"issue_id" uuid NOT NULL,
	"step_id" uuid,
	"type" text NOT NULL,
	"name" text NOT NULL,
	"content" text DEFAULT '' NOT NULL,
	"file_path" text,
	"diff_patch" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "feedback" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" text NOT NULL,
	"issue_id" uuid NOT NULL,
	"step_id" uuid,
	"agent_type" text,
	"rating" smallint NOT NULL,
	"outcome" text NOT NULL,
	"comment" text,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"user_id" text,
	"kanban_card_id" text,
	"improvement_status" text DEFAULT 'PENDING' NOT NULL,
	"analysis_result" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "feedback_rating_range" CHECK ("feedback"."rating" between 1 and 5),
	CONSTRAINT "feedback_outcome_valid" CHECK ("feedback"."outcome" in ('SOLVED','PARTIAL','NOT_SOLVED','MADE_WORSE'))
);
--> statement-breakpoint
CREATE TABLE "issue_logs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"issue_id" uuid NOT NULL,
	"step_id" uuid,
	"level" text NOT NULL,
	"message" text NOT NULL,
	"data" jsonb,
	"timestamp" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "issue_steps" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" text NOT NULL,
	"issue_id" uuid NOT NULL,
	"stage" text NOT NULL,
	"round" integer DEFAULT 0 NOT NULL,
	"agent_type" text NOT NULL,
	"model" text,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"max_attempts" integer,
	"summary" text,
	"error" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "issues" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" text NOT NULL,
	"source" text NOT NULL,
	"external_id" text NOT NULL,
	"type" text NOT NULL,
	"priority" text NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"module" text,
	"context" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"stage" text,
	"workflow_id" text NOT NULL,
	"result" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "llm_calls" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" text NOT NULL,
	"issue_id" uuid,
	"step_id" uuid,
	"stage" text NOT NULL,
	"model" text NOT NULL,
	"status" text NOT NULL,
	"attempt" integer DEFAULT 1 NOT NULL,
	"input_tokens" integer DEFAULT 0 NOT NULL,
	"output_tokens" integer DEFAULT 0 NOT NULL,
	"cache_read_tokens" integer DEFAULT 0 NOT NULL,
	"cache_write_tokens" integer DEFAULT 0 NOT NULL,
	"cost_usd" numeric(14, 6) DEFAULT '0' NOT NULL,
	"duration_ms" integer DEFAULT 0 NOT NULL,
	"stop_reason" text,
	"request_id" text,
	"error" text,
	"request" jsonb,
	"response" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "organizations" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"tier" text DEFAULT 'free' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "artifacts" ADD CONSTRAINT "artifacts_issue_id_issues_id_fk" FOREIGN KEY ("issue_id") REFERENCES "public"."issues"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "artifacts" ADD CONSTRAINT "artifacts_step_id_issue_steps_id_fk" FOREIGN KEY ("step_id") REFERENCES "public"."issue_steps"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback" ADD CONSTRAINT "feedback_issue_id_issues_id_fk" FOREIGN KEY ("issue_id") REFERENCES "public"."issues"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback" ADD CONSTRAINT "feedback_step_id_issue_steps_id_fk" FOREIGN KEY ("step_id") REFERENCES "public"."issue_steps"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "issue_logs" ADD CONSTRAINT "issue_logs_issue_id_issues_id_fk" FOREIGN KEY ("issue_id") REFERENCES "public"."issues"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "issue_logs" ADD CONSTRAINT "issue_logs_step_id_issue_steps_id_fk" FOREIGN KEY ("step_id") REFERENCES "public"."issue_steps"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "issue_steps" ADD CONSTRAINT "issue_steps_issue_id_issues_id_fk" FOREIGN KEY ("issue_id") REFERENCES "public"."issues"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "issues" ADD CONSTRAINT "issues_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "llm_calls" ADD CONSTRAINT "llm_calls_issue_id_issues_id_fk" FOREIGN KEY ("issue_id") REFERENCES "public"."issues"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "llm_calls" ADD CONSTRAINT "llm_calls_step_id_issue_steps_id_fk" FOREIGN KEY ("step_id") REFERENCES "public"."issue_steps"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_key_hash_uq" ON "api_keys" USING btree ("key_hash");--> statement-breakpoint
CREATE INDEX "api_keys_org_idx" ON "api_keys" USING btree ("organization_id");--> statement-breakpoint
CREATE UNIQUE INDEX "artifacts_step_name_uq" ON "artifacts" USING btree ("step_id","name");--> statement-breakpoint
CREATE INDEX "artifacts_org_issue_idx" ON "artifacts" USING btree ("organization_id","issue_id");--> statement-breakpoint
CREATE INDEX "artifacts_org_type_idx" ON "artifacts" USING btree ("organization_id","type");--> statement-breakpoint
CREATE INDEX "feedback_org_issue_idx" ON "feedback" USING btree ("organization_id","issue_id");--> statement-breakpoint
CREATE INDEX "feedback_org_status_idx" ON "feedback" USING btree ("organization_id","improvement_status");--> statement-breakpoint
CREATE INDEX "issue_logs_org_issue_time_idx" ON "issue_logs" USING btree ("organization_id","issue_id","timestamp");--> statement-breakpoint
CREATE UNIQUE INDEX "issue_steps_issue_stage_round_uq" ON "issue_steps" USING btree ("issue_id","stage","round");--> statement-breakpoint
CREATE INDEX "issue_steps_org_status_idx" ON "issue_steps" USING btree ("organization_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "issues_business_key_uq" ON "issues" USING btree ("organization_id","source","external_id");--> statement-breakpoint
CREATE UNIQUE INDEX "issues_workflow_id_uq" ON "issues" USING btree ("workflow_id");--> statement-breakpoint
CREATE INDEX "issues_org_created_idx" ON "issues" USING btree ("organization_id","created_at");--> statement-breakpoint
CREATE INDEX "issues_org_status_idx" ON "issues" USING btree ("organization_id","status");--> statement-breakpoint
CREATE INDEX "issues_org_type_idx" ON "issues" USING btree ("organization_id","type");--> statement-breakpoint
CREATE INDEX "llm_calls_org_issue_idx" ON "llm_calls" USING btree ("organization_id","issue_id");--> statement-breakpoint
CREATE INDEX "llm_calls_org_created_idx" ON "llm_calls" USING btree ("organization_id","created_at");