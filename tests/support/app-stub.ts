import { type ApiDeps, createApp } from '../../src/api/app';

/**
 * The HTTP app with no services behind it: for tests of what the app itself decides (routes,
 * health, webhook guards) before any service is called. Override the parts a test needs.
 */
export function createStubApp(overrides: Partial<ApiDeps> = {}) {
  return createApp({
    issues: {} as never,
    skills: {} as never,
    builds: {} as never,
    schedules: {} as never,
    deliveries: {} as never,
    controls: {} as never,
    notificationSettings: {} as never,
    feedback: {} as never,
    inbox: {} as never,
    access: { authenticate: async () => undefined } as never,
    health: async () => ({}),
    ...overrides,
  });
}
