/** Every workflow the worker registers. The bundler starts here. */
export { issueWorkflow } from './issue';
export { statusCallbackWorkflow } from './callbacks';
export { concurrencyLimiterWorkflow } from './limiter';
export { skillWorkflow } from './skill';
