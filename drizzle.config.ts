import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` diffs src/db/schema.ts against migrations/ and writes the next
// migration. Migrations are committed and append-only; never edit one that has shipped.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './migrations',
});
