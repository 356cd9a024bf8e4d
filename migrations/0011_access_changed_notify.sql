-- Processes that cache API keys' principals (organization, settings, scopes) listen on the
-- `access_changed` channel and drop an organization's entries when it names it. Triggers, not
-- application code, send it: every writer (the API, the admin CLI, a person at psql) is covered.
CREATE OR REPLACE FUNCTION notify_access_changed() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify(
    'access_changed',
    (CASE WHEN TG_OP = 'DELETE' THEN to_jsonb(OLD) ELSE to_jsonb(NEW) END) ->> TG_ARGV[0]
  );
  RETURN NULL;
END
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER api_keys_access_changed AFTER INSERT OR UPDATE OR DELETE ON api_keys
  FOR EACH ROW EXECUTE FUNCTION notify_access_changed('organization_id');
--> statement-breakpoint
CREATE TRIGGER organizations_access_changed AFTER UPDATE OR DELETE ON organizations
  FOR EACH ROW EXECUTE FUNCTION notify_access_changed('id');
