/**
 * Creating the first superuser, from a deployment's configuration or the command line. The
 * operator chooses the password, so the password policy does not apply; an existing account of
 * that email is promoted (active, verified, superuser) and keeps its password.
 */
import type { UserDatabase } from './db/types.ts'
import type { PasswordHasher } from './password.ts'
import type { UserRecord } from './user.ts'

export interface EnsureSuperuserResult<U extends UserRecord> {
  user: U
  created: boolean
}

/**
 * Creates a superuser, or promotes the existing user of that email.
 *
 * @example
 * const { user, created } = await ensureSuperuser(store.users, new PasswordHelper(), 'admin@example.com', 'a long password')
 */
export async function ensureSuperuser<U extends UserRecord>(
  db: UserDatabase<U>,
  passwordHelper: PasswordHasher,
  email: string,
  password: string,
): Promise<EnsureSuperuserResult<U>> {
  const existing = await db.getByEmail(email)
  const flags = { is_active: true, is_superuser: true, is_verified: true }
  if (existing) return { user: await db.update(existing, flags), created: false }
  const user = await db.create({ email, hashed_password: await passwordHelper.hash(password), ...flags })
  return { user, created: true }
}
