CREATE TABLE "agent_invocations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"workflow_id" text NOT NULL,
	"skill_slug" text NOT NULL,
	"skill_version" text,
	"persona_slug" text NOT NULL,
	"triggered_by" text NOT NULL,
	"event_id" text,
	"entity_type" text,
	"entity_id" text,
	"status" text NOT NULL,
	"input" jsonb NOT NULL,
	"output" jsonb,
	"error" text,
	"cost_usd" numeric(14, 6) DEFAULT '0' NOT NULL,
	"budget_usd" numeric(14, 6),
	"context" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "invocation_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" text NOT NULL,
	"invocation_id" uuid NOT NULL,
	"tool_use_id" text NOT NULL,
	"kind" text NOT NULL,
	"prompt" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"response" text,
	"responded_by" text,
	"responded_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "personas" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" text NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"system_prompt" text NOT NULL,
	"allowed_skills" text[] DEFAULT '{}'::text[] NOT NULL,
	"enabled" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "skill_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" text NOT NULL,
	"event_id" text NOT NULL,
	"type" text NOT NULL,
	"outcome" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "skill_schedules" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" text NOT NULL,
	"skill_slug" text NOT NULL,
	"name" text NOT NULL,
	"schedule_id" text NOT NULL,
	"config" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "skill_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" text NOT NULL,
	"skill_id" uuid NOT NULL,
	"slug" text NOT NULL,
	"version" text NOT NULL,
	"major" integer NOT NULL,
	"minor" integer NOT NULL,
	"patch" integer NOT NULL,
	"checksum" text NOT NULL,
	"changelog" text DEFAULT '' NOT NULL,
	"source" text NOT NULL,
	"compiled" jsonb NOT NULL,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "skills" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" text NOT NULL,
	"slug" text NOT NULL,
	"enabled" integer DEFAULT 1 NOT NULL,
	"rollout" jsonb NOT NULL,
	"events" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "agent_messages" ALTER COLUMN "issue_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "agent_tool_calls" ALTER COLUMN "issue_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "agent_messages" ADD COLUMN "invocation_id" uuid;--> statement-breakpoint
ALTER TABLE "agent_tool_calls" ADD COLUMN "invocation_id" uuid;--> statement-breakpoint
ALTER TABLE "llm_calls" ADD COLUMN "invocation_id" uuid;--> statement-breakpoint
ALTER TABLE "invocation_requests" ADD CONSTRAINT "invocation_requests_invocation_id_agent_invocations_id_fk" FOREIGN KEY ("invocation_id") REFERENCES "public"."agent_invocations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "personas" ADD CONSTRAINT "personas_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "skill_versions" ADD CONSTRAINT "skill_versions_skill_id_skills_id_fk" FOREIGN KEY ("skill_id") REFERENCES "public"."skills"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "skills" ADD CONSTRAINT "skills_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "agent_invocations_workflow_uq" ON "agent_invocations" USING btree ("workflow_id");--> statement-breakpoint
CREATE INDEX "agent_invocations_org_created_idx" ON "agent_invocations" USING btree ("organization_id","created_at");--> statement-breakpoint
CREATE INDEX "agent_invocations_org_skill_idx" ON "agent_invocations" USING btree ("organization_id","skill_slug");--> statement-breakpoint
CREATE UNIQUE INDEX "invocation_requests_tool_use_uq" ON "invocation_requests" USING btree ("invocation_id","tool_use_id");--> statement-breakpoint
CREATE INDEX "invocation_requests_org_idx" ON "invocation_requests" USING btree ("organization_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "personas_org_slug_uq" ON "personas" USING btree ("organization_id","slug");--> statement-breakpoint
CREATE UNIQUE INDEX "skill_events_org_event_uq" ON "skill_events" USING btree ("organization_id","event_id");--> statement-breakpoint
CREATE UNIQUE INDEX "skill_schedules_org_skill_name_uq" ON "skill_schedules" USING btree ("organization_id","skill_slug","name");--> statement-breakpoint
CREATE UNIQUE INDEX "skill_schedules_schedule_uq" ON "skill_schedules" USING btree ("schedule_id");--> statement-breakpoint
CREATE UNIQUE INDEX "skill_versions_skill_version_uq" ON "skill_versions" USING btree ("skill_id","version");--> statement-breakpoint
CREATE INDEX "skill_versions_org_slug_idx" ON "skill_versions" USING btree ("organization_id","slug");--> statement-breakpoint
CREATE UNIQUE INDEX "skills_org_slug_uq" ON "skills" USING btree ("organization_id","slug");--> statement-breakpoint
ALTER TABLE "agent_messages" ADD CONSTRAINT "agent_messages_invocation_id_agent_invocations_id_fk" FOREIGN KEY ("invocation_id") REFERENCES "public"."agent_invocations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_tool_calls" ADD CONSTRAINT "agent_tool_calls_invocation_id_agent_invocations_id_fk" FOREIGN KEY ("invocation_id") REFERENCES "public"."agent_invocations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "llm_calls" ADD CONSTRAINT "llm_calls_invocation_id_agent_invocations_id_fk" FOREIGN KEY ("invocation_id") REFERENCES "public"."agent_invocations"("id") ON DELETE cascade ON UPDATE no action;