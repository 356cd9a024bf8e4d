/**
 * Every registered workflow makes a Worker Versioning decision on purpose
 * (workflows/shared/versioning.ts): issue and skill runs declare PINNED, and only the
 * workflows listed as auto-upgrading declare nothing (the worker's AUTO_UPGRADE default). A new
 * workflow type fails here until someone decides which it is.
 */
import * as registered from '../../workflows/index';
import { AUTO_UPGRADING_WORKFLOWS, pinnedWhenVersioned } from '../../workflows/shared/versioning';

describe('versioning behavior of every registered workflow', () => {
  const declared = (workflow: unknown) => (workflow as { workflowDefinitionOptions?: unknown }).workflowDefinitionOptions;

  it.each(Object.keys(registered))('%s is pinned or listed as auto-upgrading, not both', (name) => {
    const options = declared(registered[name as keyof typeof registered]);
    if ((AUTO_UPGRADING_WORKFLOWS as readonly string[]).includes(name)) expect(options).toBeUndefined();
    else expect(options).toBe(pinnedWhenVersioned);
  });

  it('lists only workflows that exist', () => {
    for (const name of AUTO_UPGRADING_WORKFLOWS) expect(Object.keys(registered)).toContain(name);
  });
});
