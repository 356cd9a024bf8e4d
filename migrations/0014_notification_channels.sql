ALTER TABLE "callback_deliveries" ADD COLUMN "channel" text DEFAULT 'erp' NOT NULL;--> statement-breakpoint
ALTER TABLE "callback_deliveries" ADD COLUMN "notification_id" uuid;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "details" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "callback_deliveries" ADD CONSTRAINT "callback_deliveries_notification_id_notifications_id_fk" FOREIGN KEY ("notification_id") REFERENCES "public"."notifications"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "callback_deliveries_notification_idx" ON "callback_deliveries" USING btree ("notification_id");