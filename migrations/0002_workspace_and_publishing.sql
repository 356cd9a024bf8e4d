CREATE TABLE "local_pull_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" text NOT NULL,
	"repository" text NOT NULL,
	"number" integer NOT NULL,
	"head" text NOT NULL,
	"base" text NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"draft" integer DEFAULT 0 NOT NULL,
	"labels" text[] DEFAULT '{}'::text[] NOT NULL,
	"state" text DEFAULT 'open' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "side_effects" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" text NOT NULL,
	"workflow_id" text NOT NULL,
	"effect" text NOT NULL,
	"result" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "issues" ADD COLUMN "pull_request_url" text;--> statement-breakpoint
CREATE UNIQUE INDEX "local_pull_requests_repo_head_uq" ON "local_pull_requests" USING btree ("repository","head");--> statement-breakpoint
CREATE UNIQUE INDEX "local_pull_requests_repo_number_uq" ON "local_pull_requests" USING btree ("repository","number");--> statement-breakpoint
CREATE UNIQUE INDEX "side_effects_workflow_effect_uq" ON "side_effects" USING btree ("workflow_id","effect");--> statement-breakpoint
CREATE INDEX "side_effects_org_idx" ON "side_effects" USING btree ("organization_id");