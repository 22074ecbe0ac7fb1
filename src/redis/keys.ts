/**
 * How the library names Redis keys so that they work on a Redis Cluster. A cluster spreads keys
 * over 16384 slots and refuses (`CROSSSLOT`) any MULTI, script or multi-key command whose keys
 * sit in different slots; only the part of a key between its first `{` and the next `}` (the
 * hash tag) decides its slot. So every operation that must touch several keys at once builds
 * them with one tag, and every other operation touches one key per command.
 *
 * The rules the stores follow (docs/scaling.md lists every key):
 * - keys one atomic operation touches come from `taggedKey` with the same `tag`;
 * - no `KEYS`, no cross-slot `DEL`/`MGET`, no pipeline that spans keys of different tags;
 * - a prefix never holds a brace, or it would become the tag of every key.
 */

/**
 * `<prefix>{<tag>}<suffix>`: the keys of one `tag` share a cluster slot, whatever their suffix.
 *
 * @example
 * ```ts
 * taggedKey('fastify_users_limit:', 'login:ip:203.0.113.7', ':29333') // 'fastify_users_limit:{login:ip:203.0.113.7}:29333'
 * ```
 */
export function taggedKey(prefix: string, tag: string, suffix = ''): string {
  // `{}` is no tag at all: each key would hash whole, each to a slot of its own.
  if (tag === '') throw new TypeError('a Redis hash tag cannot be empty')
  return `${prefix}{${tag}}${suffix}`
}

/**
 * Throws unless `prefix` can start a key without deciding its slot: a brace in it would make
 * (part of) the prefix the hash tag of every key, all of them in one slot.
 */
export function checkKeyPrefix(prefix: string, name = 'keyPrefix'): string {
  if (/[{}]/.test(prefix)) throw new TypeError(`${name} cannot contain "{" or "}": Redis Cluster would read it as a hash tag`)
  return prefix
}
