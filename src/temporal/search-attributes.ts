import { Connection } from '@temporalio/client';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import type { SearchAttributeKey, SearchAttributeType } from '@temporalio/common/lib/search-attributes';

/**
 * Registers the project's custom search attributes on a server that already runs (the dev
 * server registers them at start with --search-attribute). Existing ones are left alone.
 * Temporal Cloud manages attributes per namespace in its console: there, registration is
 * refused and we say which ones to add.
 */
export async function ensureSearchAttributes(
  address: string,
  namespace: string,
  keys: SearchAttributeKey<SearchAttributeType>[],
  connection?: Connection,
): Promise<void> {
  const conn = connection ?? (await Connection.connect({ address }));
  try {
    const existing = await conn.operatorService.listSearchAttributes({ namespace });
    const known = new Set([
      ...Object.keys(existing.customAttributes ?? {}),
      ...Object.keys(existing.systemAttributes ?? {}),
    ]);
    const missing = keys.filter((key) => !known.has(key.name));
    if (missing.length === 0) return;
    await conn.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(
        missing.map((key) => [key.name, encodeSearchAttributeIndexedValueType(key.type) ?? 0]),
      ),
    });
  } catch (error) {
    const names = keys.map((key) => `${key.name} (${key.type})`).join(', ');
    throw new Error(`Could not register search attributes [${names}] in namespace ${namespace}: ${String(error)}`, {
      cause: error,
    });
  } finally {
    if (!connection) await conn.close();
  }
}
