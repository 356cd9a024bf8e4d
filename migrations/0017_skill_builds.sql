CREATE TABLE "skill_builds" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"workflow_id" text NOT NULL,
	"mode" text NOT NULL,
	"skill_slug" text,
	"description" text NOT NULL,
	"examples" jsonb NOT NULL,
	"persona_slug" text NOT NULL,
	"requested_by" text NOT NULL,
	"created_by_key_id" uuid,
	"status" text NOT NULL,
	"round" integer DEFAULT 0 NOT NULL,
	"draft" jsonb,
	"dry_runs" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"decisions" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"published_version" text,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "skill_builds" ADD CONSTRAINT "skill_builds_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "skill_builds_workflow_uq" ON "skill_builds" USING btree ("workflow_id");--> statement-breakpoint
CREATE INDEX "skill_builds_org_created_idx" ON "skill_builds" USING btree ("organization_id","created_at");