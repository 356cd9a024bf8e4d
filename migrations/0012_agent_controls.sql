CREATE TABLE "agent_controls" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" text,
	"paused" boolean DEFAULT false NOT NULL,
	"disabled_stages" text[] DEFAULT '{}'::text[] NOT NULL,
	"reason" text,
	"changed_by" text NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agent_controls_scope" UNIQUE NULLS NOT DISTINCT("organization_id")
);
--> statement-breakpoint
ALTER TABLE "agent_controls" ADD CONSTRAINT "agent_controls_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;