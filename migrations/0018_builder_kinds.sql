ALTER TABLE "skill_builds" ALTER COLUMN "persona_slug" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "skill_builds" ADD COLUMN "kind" text DEFAULT 'skill' NOT NULL;--> statement-breakpoint
ALTER TABLE "skill_builds" ADD COLUMN "proposal" jsonb;--> statement-breakpoint
ALTER TABLE "skill_builds" ADD COLUMN "created" jsonb DEFAULT '[]'::jsonb NOT NULL;