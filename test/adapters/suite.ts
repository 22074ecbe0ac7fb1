/**
 * The adapter suite every storage adapter passes (DESIGN.md: "Every adapter passes the same
 * adapter test suite"). An adapter's test file calls `adapterSuite` with a function that
 * opens a fresh, empty store declaring the custom fields it is given; each test gets its own
 * store and destroys it. Nothing here knows SQL, so a MongoDB adapter runs the same suite.
 *
 * @example
 * ```ts
 * adapterSuite('sqlite', freshStore(sqliteTestDatabase))
 * ```
 */
import { afterEach, beforeEach, describe } from 'vitest'
import type { ApiKeyStore } from '../../src/api-keys/store.ts'
import type { AuditStore } from '../../src/audit/store.ts'
import type { FieldDefinitions } from '../../src/db/fields.ts'
import type { AccessTokenDatabase, UserDatabase } from '../../src/db/types.ts'
import type { MagicLinkStore } from '../../src/magic-link/store.ts'
import type { PasskeyStore } from '../../src/passkeys/store.ts'
import type { SessionStore } from '../../src/sessions/store.ts'
import type { TwoFactorStore } from '../../src/two-factor/store.ts'
import type { UserCreateData } from '../../src/user.ts'
import { accessTokenTests } from './suite-access-tokens.ts'
import { apiKeyStoreTests } from './suite-api-keys.ts'
import { auditStoreTests } from './suite-audit.ts'
import { listingFilterTests, listingTests } from './suite-listing.ts'
import { banTests } from './suite-bans.ts'
import { roleTests } from './suite-roles.ts'
import { oauthAccountTests } from './suite-oauth.ts'
import { magicLinkStoreTests } from './suite-magic-link.ts'
import { passkeyStoreTests } from './suite-passkeys.ts'
import { sessionStoreTests } from './suite-sessions.ts'
import { twoFactorStoreTests } from './suite-two-factor.ts'
import { userTests } from './suite-users.ts'
import { usernameTests } from './suite-usernames.ts'

/** What the suite needs of a store. */
export interface SuiteStore {
  users: UserDatabase
  accessTokens: AccessTokenDatabase
  /** The adapter's two-factor store on the same database. */
  twoFactor: TwoFactorStore
  /** The adapter's used-magic-link store on the same database. */
  magicLinks: MagicLinkStore
  /** The adapter's passkey store on the same database. */
  passkeys: PasskeyStore
  /** The adapter's API key store on the same database. */
  apiKeys: ApiKeyStore
  /** The adapter's session store on the same database. */
  sessions: SessionStore
  /** The adapter's audit store on the same database. */
  audit: AuditStore
  destroy(): Promise<void>
}

/** Opens a fresh, empty store with these custom fields. */
export type OpenSuiteStore = (options: { fields?: FieldDefinitions }) => Promise<SuiteStore>

/** The custom fields every store of the suite declares: one of each portable type. */
export const SUITE_FIELDS = {
  nickname: { type: 'text' },
  age: { type: 'integer' },
  newsletter: { type: 'boolean', nullable: false, default: false },
  score: { type: 'real' },
  birthday: { type: 'timestamp' },
  preferences: { type: 'json' },
} as const satisfies FieldDefinitions

/** The current test's store. */
export type StoreRef = () => SuiteStore

/** What a server cannot do, for test doubles of a database; real databases pass nothing. */
export interface SuiteOptions {
  /**
   * Why the server does not enforce unique indexes (a wire-compatible stand-in, say): the tests
   * that need the database to refuse a duplicate are then skipped, with this reason in their titles.
   */
  uniqueIndexesUnenforced?: string
}

/**
 * Registers the suite under `describe(name)`.
 */
export function adapterSuite(name: string, open: OpenSuiteStore, options: SuiteOptions = {}): void {
  describe(name, () => {
    let store: SuiteStore | undefined
    beforeEach(async () => {
      store = await open({ fields: SUITE_FIELDS })
    })
    afterEach(async () => {
      await store?.destroy()
      store = undefined
    })
    const current: StoreRef = () => {
      if (store === undefined) throw new Error('no store: the suite opens one before each test')
      return store
    }
    userTests(current, options)
    usernameTests(current, options)
    oauthAccountTests(current)
    accessTokenTests(current)
    twoFactorStoreTests(() => current().twoFactor)
    magicLinkStoreTests(() => current().magicLinks)
    passkeyStoreTests(() => current().passkeys)
    apiKeyStoreTests(() => current().apiKeys)
    sessionStoreTests(() => current().sessions)
    auditStoreTests(() => current().audit)
    listingTests(current)
    listingFilterTests(current)
    roleTests(current)
    banTests(current)
  })
}

/** Data for a new ordinary user. */
export function newUser(email: string, extra: Partial<UserCreateData> = {}): UserCreateData {
  return {
    email,
    hashed_password: '$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA',
    is_active: true,
    is_superuser: false,
    is_verified: false,
    ...extra,
  }
}

/** A lower-case hyphenated UUID. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
