/**
 * Sessions (src/sessions/store.ts) in Redis, beside the Redis strategy's tokens. Every session
 * of one user lives in one hash, `<keyPrefix>{<user id>}` (default prefix
 * `fastify_users_sessions:`), so each operation touches one key, in one slot of a Redis Cluster
 * (src/redis/keys.ts); nothing scans across slots. Its fields:
 *
 * - `s:<session id>`: the record, as JSON;
 * - `t:<access-token hash>` and `f:<family id>`: the session id, to reach a session by its
 *   current access token (a touch, a logout) or by its refresh family (a refresh, a reuse).
 *
 * Every change is one Lua script on the hash, so that a touch or a refresh racing an ending
 * cannot bring the ended session back. The hash expires with its longest-lived session (never,
 * while one has no expiry); a login prunes the user's expired sessions.
 *
 * Redis losing its data loses the list, not a token (the tokens live in their own store); with
 * the Redis strategy both go together.
 */
import { createHash } from 'node:crypto'
import type { Cluster, Redis } from 'ioredis'
import type { SessionRecord, SessionRotation, SessionStore } from '../sessions/store.ts'
import { boundedClient } from './bounded-client.ts'
import { checkKeyPrefix, taggedKey } from './keys.ts'

export interface RedisSessionStoreOptions {
  /** An ioredis client or Redis Cluster client; the store never closes it. */
  redis: Redis | Cluster
  keyPrefix?: string
  /** Milliseconds a Redis call may take before the request is answered 503 (default 1000; `null`: no limit). */
  timeoutMs?: number | null
}

/** Lua: drops session `id` and its index fields; 1 if it existed. */
const DROP = `
local function drop(key, id)
  local s = redis.call('HGET', key, 's:' .. id)
  if not s then return 0 end
  local r = cjson.decode(s)
  redis.call('HDEL', key, 's:' .. id, 't:' .. r.accessTokenHash)
  if r.familyId ~= cjson.null then redis.call('HDEL', key, 'f:' .. r.familyId) end
  return 1
end
`

/** Makes the hash live until `expiresAt` ('' = for ever) at least. */
const EXTEND = `
local function extend(key, existed, ttl, expiresAt, now)
  if expiresAt == '' then redis.call('PERSIST', key) return end
  local at = tonumber(expiresAt)
  if existed == 0 or (ttl >= 0 and now + ttl < at) then redis.call('EXPIREAT', key, at) end
end
`

/** ARGV: id, json, access-token hash, family id or '', expiresAt or '', now. */
const CREATE = `${DROP}${EXTEND}
local key = KEYS[1]
local now = tonumber(ARGV[6])
local existed = redis.call('EXISTS', key)
local ttl = redis.call('TTL', key)
local fields = redis.call('HGETALL', key)
for i = 1, #fields, 2 do
  if string.sub(fields[i], 1, 2) == 's:' then
    local r = cjson.decode(fields[i + 1])
    if r.expiresAt ~= cjson.null and r.expiresAt <= now then drop(key, string.sub(fields[i], 3)) end
  end
end
redis.call('HSET', key, 's:' .. ARGV[1], ARGV[2], 't:' .. ARGV[3], ARGV[1])
if ARGV[4] ~= '' then redis.call('HSET', key, 'f:' .. ARGV[4], ARGV[1]) end
extend(key, existed, ttl, ARGV[5], now)
return 1
`

/** ARGV: family id, access-token hash, access-token key or '', lastUsedAt, expiresAt or '', now. */
const ROTATE = `${EXTEND}
local key = KEYS[1]
local id = redis.call('HGET', key, 'f:' .. ARGV[1])
if not id then return 0 end
local s = redis.call('HGET', key, 's:' .. id)
if not s then return 0 end
local r = cjson.decode(s)
redis.call('HDEL', key, 't:' .. r.accessTokenHash)
r.accessTokenHash = ARGV[2]
if ARGV[3] == '' then r.accessTokenKey = cjson.null else r.accessTokenKey = ARGV[3] end
r.lastUsedAt = tonumber(ARGV[4])
if ARGV[5] == '' then r.expiresAt = cjson.null else r.expiresAt = tonumber(ARGV[5]) end
redis.call('HSET', key, 's:' .. id, cjson.encode(r), 't:' .. ARGV[2], id)
extend(key, 1, redis.call('TTL', key), ARGV[5], tonumber(ARGV[6]))
return 1
`

/** ARGV: access-token hash, at. */
const TOUCH = `
local key = KEYS[1]
local id = redis.call('HGET', key, 't:' .. ARGV[1])
if not id then return 0 end
local s = redis.call('HGET', key, 's:' .. id)
if not s then return 0 end
local r = cjson.decode(s)
local at = tonumber(ARGV[2])
if r.lastUsedAt >= at then return 0 end
r.lastUsedAt = at
redis.call('HSET', key, 's:' .. id, cjson.encode(r))
return 1
`

/** ARGV: 's', 't' or 'f', and the session id, access-token hash or family id. */
const DELETE = `${DROP}
local key = KEYS[1]
local id = ARGV[2]
if ARGV[1] ~= 's' then id = redis.call('HGET', key, ARGV[1] .. ':' .. ARGV[2]) end
if not id then return 0 end
return drop(key, id)
`

/** ARGV: the access-token hash of the session to keep, or ''. */
const DELETE_ALL = `${DROP}
local key = KEYS[1]
local keep = false
if ARGV[1] ~= '' then keep = redis.call('HGET', key, 't:' .. ARGV[1]) end
if not keep then return redis.call('DEL', key) end
local fields = redis.call('HGETALL', key)
for i = 1, #fields, 2 do
  local field = fields[i]
  if string.sub(field, 1, 2) == 's:' and string.sub(field, 3) ~= keep then drop(key, string.sub(field, 3)) end
end
return 1
`

interface Script {
  source: string
  sha: string
}
const script = (source: string): Script => ({ source, sha: createHash('sha1').update(source).digest('hex') })
const SCRIPTS = { create: script(CREATE), rotate: script(ROTATE), touch: script(TOUCH), delete: script(DELETE), deleteAll: script(DELETE_ALL) }

/**
 * @example
 * const sessions = { store: new RedisSessionStore({ redis: new Redis(process.env.REDIS_URL!) }) }
 */
export class RedisSessionStore implements SessionStore {
  readonly #redis: Redis | Cluster
  readonly #prefix: string

  constructor(options: RedisSessionStoreOptions) {
    this.#redis = boundedClient(options.redis, options.timeoutMs)
    this.#prefix = checkKeyPrefix(options.keyPrefix ?? 'fastify_users_sessions:')
  }

  async create(session: SessionRecord): Promise<void> {
    await this.#run(SCRIPTS.create, session.userId, [
      session.id, JSON.stringify(session), session.accessTokenHash, session.familyId ?? '', optional(session.expiresAt), nowSeconds(),
    ])
  }

  async list(userId: string): Promise<SessionRecord[]> {
    const fields = await this.#redis.hgetall(this.#key(userId))
    return Object.entries(fields).filter(([field]) => field.startsWith('s:')).map(([, json]) => parseRecord(json))
  }

  async get(userId: string, id: string): Promise<SessionRecord | null> {
    const json = await this.#redis.hget(this.#key(userId), `s:${id}`)
    return json === null ? null : parseRecord(json)
  }

  async rotate(userId: string, familyId: string, rotation: SessionRotation): Promise<void> {
    await this.#run(SCRIPTS.rotate, userId, [
      familyId, rotation.accessTokenHash, rotation.accessTokenKey ?? '', rotation.lastUsedAt, optional(rotation.expiresAt), nowSeconds(),
    ])
  }

  async touch(userId: string, accessTokenHash: string, at: number): Promise<void> {
    await this.#run(SCRIPTS.touch, userId, [accessTokenHash, at])
  }

  async delete(userId: string, id: string): Promise<boolean> {
    return (await this.#run(SCRIPTS.delete, userId, ['s', id])) === 1
  }

  async deleteByAccessToken(userId: string, accessTokenHash: string): Promise<void> {
    await this.#run(SCRIPTS.delete, userId, ['t', accessTokenHash])
  }

  async deleteFamily(userId: string, familyId: string): Promise<void> {
    await this.#run(SCRIPTS.delete, userId, ['f', familyId])
  }

  async deleteAllForUser(userId: string, keepAccessTokenHash?: string): Promise<void> {
    await this.#run(SCRIPTS.deleteAll, userId, [keepAccessTokenHash ?? ''])
  }

  /** Nothing to do: each hash expires with its sessions, and a login prunes its user's expired ones. */
  async deleteExpired(): Promise<void> {}

  #key(userId: string): string {
    return taggedKey(this.#prefix, userId)
  }

  /** EVALSHA, falling back to EVAL the first time a server sees the script. */
  async #run({ source, sha }: Script, userId: string, args: (number | string)[]): Promise<unknown> {
    const key = this.#key(userId)
    try {
      return await this.#redis.evalsha(sha, 1, key, ...args)
    } catch (error) {
      if (!String((error as Error).message).startsWith('NOSCRIPT')) throw error
      return this.#redis.eval(source, 1, key, ...args)
    }
  }
}

const optional = (value: number | null): number | string => (value === null ? '' : value)

function parseRecord(json: string): SessionRecord {
  const r = JSON.parse(json) as SessionRecord
  return {
    id: r.id, userId: r.userId, backend: r.backend, accessTokenHash: r.accessTokenHash, accessTokenKey: r.accessTokenKey ?? null,
    familyId: r.familyId ?? null, createdAt: r.createdAt, lastUsedAt: r.lastUsedAt, expiresAt: r.expiresAt ?? null,
    userAgent: r.userAgent ?? null, clientAddress: r.clientAddress ?? null,
  }
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000)
}
