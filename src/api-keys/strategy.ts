/**
 * The strategy of API keys: a key names its owner, refused when the owner is deleted or
 * inactive (deactivated or banned, src/ban.ts), whatever the guard asks. It hands back a copy
 * of the user of its own, and remembers which key that copy came with, so that the guard can
 * restrict the request to the key's permissions (`grantOf`) without a second lookup, and no two
 * requests ever share the object.
 */
import type { Strategy, UserLookup } from '../authentication/strategy.ts'
import type { UserRecord } from '../user.ts'
import type { ApiKeys } from './api-keys.ts'
import type { ApiKeyRecord } from './store.ts'

/**
 * @example
 * const backend = new AuthenticationBackend({ name: 'api_key', transport: new ApiKeyTransport(), strategy: new ApiKeyStrategy(apiKeys) })
 */
export class ApiKeyStrategy implements Strategy {
  readonly apiKeys: ApiKeys
  readonly #grants = new WeakMap<UserRecord, ApiKeyRecord>()

  constructor(apiKeys: ApiKeys) {
    this.apiKeys = apiKeys
  }

  async readToken<U extends UserRecord>(token: string, users: UserLookup<U>): Promise<U | null> {
    const record = await this.apiKeys.check(token)
    if (record === null) return null
    const owner = await users.get(record.userId)
    if (owner === null || !owner.is_active) return null
    const user = { ...owner }
    this.#grants.set(user, record)
    return user
  }

  /** The key a user returned by `readToken` came with. */
  grantOf(user: UserRecord): ApiKeyRecord | null {
    return this.#grants.get(user) ?? null
  }

  async writeToken(): Promise<string> {
    throw new TypeError('API keys are created at POST /users/me/api-keys, never by a login')
  }

  /** A key ends by being revoked (`DELETE /users/me/api-keys/{id}`), not by a logout. */
  async destroyToken(): Promise<void> {}
}
