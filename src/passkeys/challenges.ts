/**
 * Passkey challenges. A ceremony's challenge is 32 random bytes, handed to the client inside
 * a short-lived HS256 token of its own audience, `{chl, cer, sub?, exp}`: `cer` names the
 * ceremony (`register` or `login`) and a registration's `sub` the user who asked, so a
 * challenge answers only the ceremony and the user it was issued for. Nothing is stored when
 * the options are handed out (anyone may ask for login options; no table fills with them).
 * Presenting the token records its challenge as answered, one insert under a unique key, so
 * that of two presentations, on one instance or several, one goes on; the record is kept
 * only until the token would have expired anyway.
 */
import { randomBytes } from 'node:crypto'
import { InvalidTokenError } from '../errors.ts'
import type { JwtKeys } from '../jwt/keys.ts'
import { signJwt } from '../jwt/sign.ts'
import { verifyJwt } from '../jwt/verify.ts'
import { PasskeyError, PasskeyErrorCode } from './errors.ts'
import type { PasskeyStore } from './store.ts'

export const PASSKEY_CHALLENGE_AUDIENCE = 'fastify-users:passkey-challenge'

export type Ceremony = 'register' | 'login'

export interface IssuedChallenge {
  /** The challenge, base64url, for the WebAuthn options. */
  challenge: string
  /** The token the client sends back with the authenticator's answer. */
  token: string
  expiresIn: number
}

export interface ChallengeSettings {
  keys: JwtKeys
  store: PasskeyStore
  lifetimeSeconds: number
  now: () => number
}

/** A fresh challenge for `ceremony` (and, for a registration, its user). */
export async function issueChallenge(settings: ChallengeSettings, ceremony: Ceremony, userId?: string): Promise<IssuedChallenge> {
  const challenge = randomBytes(32).toString('base64url')
  const exp = Math.floor(settings.now() / 1000) + settings.lifetimeSeconds
  const claims = { chl: challenge, cer: ceremony, ...(userId === undefined ? {} : { sub: userId }), exp }
  const token = await signJwt(claims, settings.keys, { audience: PASSKEY_CHALLENGE_AUDIENCE, lifetimeSeconds: null })
  return { challenge, token, expiresIn: settings.lifetimeSeconds }
}

/**
 * The challenge of `token`, consumed: throws `PASSKEY_BAD_CHALLENGE` when the token is not a
 * live one of this ceremony and user, or was presented before.
 */
export async function consumeChallenge(settings: ChallengeSettings, token: string, ceremony: Ceremony, userId?: string): Promise<string> {
  const now = Math.floor(settings.now() / 1000)
  let claims
  try {
    claims = verifyJwt(token, settings.keys, { audience: PASSKEY_CHALLENGE_AUDIENCE, requireExp: true, now })
  } catch (error) {
    if (error instanceof InvalidTokenError) throw new PasskeyError(PasskeyErrorCode.PASSKEY_BAD_CHALLENGE)
    throw error
  }
  const { chl, cer, sub, exp } = claims as { chl?: unknown; cer?: unknown; sub?: unknown; exp: number }
  if (typeof chl !== 'string' || cer !== ceremony || sub !== userId) throw new PasskeyError(PasskeyErrorCode.PASSKEY_BAD_CHALLENGE)
  if (!(await settings.store.consumeChallenge(chl, exp, now))) throw new PasskeyError(PasskeyErrorCode.PASSKEY_BAD_CHALLENGE)
  return chl
}
