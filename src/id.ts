/**
 * User ids are UUIDs, written lower-case and hyphenated, as FastAPI Users' `UUIDIDMixin` stores
 * and prints them. Like Python's `uuid.UUID`, parsing accepts any letter case, the 32-digit form
 * and braces, so an id a client copied in another spelling still finds its user.
 */

const UUID = /^\{?([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})\}?$/i

/**
 * The canonical form of a UUID, or `null` when `value` is not one.
 *
 * @example
 * parseId('D35D213E-F3D8-4F08-954A-7E0D1BEA286F') // 'd35d213e-f3d8-4f08-954a-7e0d1bea286f'
 */
export function parseId(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 38) return null
  const match = UUID.exec(value.startsWith('urn:uuid:') ? value.slice(9) : value)
  if (!match) return null
  return match.slice(1, 6).join('-').toLowerCase()
}
