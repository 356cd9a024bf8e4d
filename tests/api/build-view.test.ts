import { randomUUID } from 'node:crypto';
import { createSkillBuildService } from '../../src/builds/service';
import type { DatabaseHandle } from '../../src/db/client';
import { insertSkillBuild, updateSkillBuild } from '../../src/db/skill-builds';
import type { SkillBuildDryRun } from '../../src/db/schema';
import { skillBuildStatusQuery, skillBuildWorkflowId } from '../../workflows/definitions';
import { createTestOrganization, openTestDatabase, uniqueId } from '../support/harness';
import { InMemoryRuns } from '../support/in-memory-runs';

/**
 * A build's view is read from two owners: its row and its workflow's live status. The workflow
 * writes the row before its status moves, so a view never shows a status whose record is
 * missing — even when the workflow moves between the view's two reads (a fresh-clone CI run
 * once showed `awaiting_approval` with no dry runs this way). Real Postgres, runs in memory.
 */
describe('build view', () => {
  let db: DatabaseHandle;
  const runs = new InMemoryRuns();
  let organizationId: string;

  beforeAll(async () => {
    db = await openTestDatabase();
    organizationId = (await createTestOrganization(db)).organization.id;
  });
  afterAll(async () => {
    await db.close();
  });

  it('shows the dry runs recorded with the status it shows, when the workflow moves between its reads', async () => {
    const builds = createSkillBuildService({
      db: db.db,
      runs,
      taskQueue: uniqueId('tq-build-view'),
      skills: { getInvocation: async () => ({ costUsd: 0.01, wouldWrite: [], requests: [] }) as never },
    });
    const id = randomUUID();
    const workflowId = skillBuildWorkflowId(organizationId, id);
    await insertSkillBuild(db.db, { id, organizationId, workflowId, kind: 'skill', mode: 'create', skillSlug: null, description: 'd', examples: [{ clientId: 'c1' }], personaSlug: 'p', requestedBy: 'olivia', createdByKeyId: null });
    await updateSkillBuild(db.db, { organizationId, id }, { status: 'testing' });
    await runs.start({ workflowType: 'skillBuildWorkflow', taskQueue: 'tq', workflowId, args: [], searchAttributes: [] });

    // The dry runs finish after the view read the row ('testing', none yet) and before it asks the
    // workflow: the workflow records them with the new status, then answers with that status.
    const dryRun: SkillBuildDryRun = { invocationId: randomUUID(), input: { clientId: 'c1' }, status: 'completed', output: { summary: 'ok' }, error: null };
    let moved = false;
    runs.answerQuery(skillBuildStatusQuery, () => {
      if (!moved) throw new Error('the view asked the workflow before reading the row');
      return { buildId: id, status: 'awaiting_approval' as const, round: 0, skill: 'client-summary', version: '1.0.0', updatedAt: new Date().toISOString() };
    });
    const realQuery = runs.query.bind(runs);
    runs.query = (async (...args: Parameters<typeof runs.query>) => {
      await updateSkillBuild(db.db, { organizationId, id }, { status: 'awaiting_approval', dryRuns: [dryRun] });
      moved = true;
      return realQuery(...args);
    }) as typeof runs.query;

    const view = await builds.get(organizationId, id);
    expect(view.status).toBe('awaiting_approval');
    expect(view.dryRuns).toEqual([{ ...dryRun, costUsd: 0.01, wouldWrite: [], requests: [] }]);
    expect(view.costUsd).toBe(0.01);
  });
});
