/** Every workflow the worker registers. The bundler starts here. */
export { issueWorkflow } from './issue/index';
export { statusCallbackWorkflow } from './callbacks';
export { notificationDeliveryWorkflow } from './notifications';
export { concurrencyLimiterWorkflow } from './limiter';
export { agentControlsBroadcastWorkflow } from './controls';
export { skillWorkflow } from './skill';
export { skillBuildWorkflow } from './builder';
export { erpBuildWorkflow } from './erp-builder';
