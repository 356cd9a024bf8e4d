-- Processes that cache an organization's people (who is a reviewer, with which role) drop that
-- organization's entries when `access_changed` names it (migration 0011's channel and function).
-- A trigger, not application code, sends it: the API, the admin CLI and psql are all covered.
CREATE TRIGGER reviewers_access_changed AFTER INSERT OR UPDATE OR DELETE ON reviewers
  FOR EACH ROW EXECUTE FUNCTION notify_access_changed('organization_id');
