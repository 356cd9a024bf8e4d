ALTER TABLE "callback_deliveries" ALTER COLUMN "issue_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "callback_deliveries" ADD COLUMN "invocation_id" uuid;--> statement-breakpoint
CREATE INDEX "callback_deliveries_org_created_idx" ON "callback_deliveries" USING btree ("organization_id","created_at");