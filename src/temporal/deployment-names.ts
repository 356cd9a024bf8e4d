/**
 * Worker deployment names and build ids we accept (config, the deployment CLI, and visibility
 * queries that quote them). Kept free of Temporal imports: src/config.ts loads it.
 */
export const DEPLOYMENT_PART = /^[A-Za-z0-9_-]{1,64}$/;
export const DEPLOYMENT_PART_RULE = "letters, digits, '_' or '-' (at most 64)";
