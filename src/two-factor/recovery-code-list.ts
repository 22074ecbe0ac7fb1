/**
 * How the SQL adapters keep a user's recovery-code hashes: a JSON array in one TEXT column of
 * the user's two-factor row, so that using a code is one compare-and-set UPDATE of that row
 * (no second table, no transaction), in Kysely and Drizzle alike.
 */

/** The hashes of a stored list; anything unreadable is an empty list. */
export function parseRecoveryCodeList(stored: unknown): string[] {
  if (typeof stored !== 'string') return []
  try {
    const value: unknown = JSON.parse(stored)
    return Array.isArray(value) ? value.filter((hash): hash is string => typeof hash === 'string') : []
  } catch {
    return []
  }
}

export function formatRecoveryCodeList(hashes: readonly string[]): string {
  return JSON.stringify(hashes)
}
