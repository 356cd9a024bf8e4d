CREATE TABLE "console_sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"api_key_id" uuid NOT NULL,
	"csrf_token" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "console_sessions" ADD CONSTRAINT "console_sessions_api_key_id_api_keys_id_fk" FOREIGN KEY ("api_key_id") REFERENCES "public"."api_keys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "console_sessions_key_idx" ON "console_sessions" USING btree ("api_key_id");--> statement-breakpoint
CREATE INDEX "console_sessions_expires_idx" ON "console_sessions" USING btree ("expires_at");--> statement-breakpoint
-- The reviewer console's live timeline (src/issues/changes.ts) listens on `issue_changed`: a new
-- log line, or a change of what a person sees first (status, stage, the pending wait, the pull
-- request), sends `{"organizationId","issueId","kind"}`. Triggers, not application code, send
-- it: every writer (activities, the API, the recovery sweep, psql) is covered.
CREATE OR REPLACE FUNCTION notify_issue_changed() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify(
    'issue_changed',
    json_build_object('organizationId', NEW.organization_id, 'issueId', to_jsonb(NEW) ->> TG_ARGV[0], 'kind', TG_ARGV[1])::text
  );
  RETURN NULL;
END
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER issue_logs_issue_changed AFTER INSERT ON issue_logs
  FOR EACH ROW EXECUTE FUNCTION notify_issue_changed('issue_id', 'log');
--> statement-breakpoint
CREATE TRIGGER issues_issue_changed AFTER UPDATE ON issues
  FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.stage IS DISTINCT FROM NEW.stage OR OLD.pending IS DISTINCT FROM NEW.pending OR OLD.pull_request_url IS DISTINCT FROM NEW.pull_request_url)
  EXECUTE FUNCTION notify_issue_changed('id', 'issue');
