/**
 * Passkeys (opt-in): WebAuthn credentials that log a user in without a password, found by the
 * authenticator itself (discoverable credentials: no address typed). A logged-in user
 * registers them (a registration ceremony); anyone may start a login ceremony, and the
 * credential's answer names its user. Verification is @simplewebauthn/server's (webauthn.ts);
 * this module adds what it leaves to the server:
 *
 * - challenges single-use, short-lived and bound to their ceremony and user (challenges.ts);
 * - the signature counter: an answer whose counter does not move forward is refused (unless
 *   the authenticator keeps none: 0 and 0), and the new counter is written only if the stored
 *   one is still the one read, so of two logins replaying one answer, one at most succeeds;
 * - the user handle the authenticator returns must be the credential's user;
 * - a login says whether the user was verified (PIN, biometrics): such a login is two factors
 *   in one, and the routes let it skip the TOTP challenge (docs/passkeys.md).
 */
import { randomUUID } from 'node:crypto'
import { ErrorCode, NotFoundError, UsersError } from '../errors.ts'
import { importJwtKeys, type KeyMaterial } from '../jwt/keys.ts'
import type { RevokeOptions } from '../revocation/revoker.ts'
import type { UserRecord } from '../user.ts'
import { consumeChallenge, issueChallenge, type ChallengeSettings } from './challenges.ts'
import { knownTransports, type PasskeyAuthenticationCredential, type PasskeyRegistrationCredential } from './credential-json.ts'
import { PasskeyError, PasskeyErrorCode } from './errors.ts'
import type { PasskeyRecord, PasskeyStore } from './store.ts'
import { loadWebAuthn } from './webauthn.ts'

export interface PasskeyOptions {
  store: PasskeyStore
  /** The relying party id: the site's domain (`example.com`; `localhost` in development). */
  rpID: string
  /** The name authenticators show beside the account. */
  rpName: string
  /** The origins the pages that use passkeys are served from (`https://example.com`). */
  origins: string[]
  /** The HS256 key of challenge tokens (32 bytes or more). Default: the manager's `verificationTokenSecret`. */
  secret?: KeyMaterial
  /** Seconds a ceremony's challenge works (default 300). */
  challengeLifetimeSeconds?: number
  /**
   * `preferred` (the default): authenticators verify the user when they can, and a login
   * without verification still needs the TOTP code of a user with two-factor on;
   * `required`: answers without user verification are refused.
   */
  userVerification?: 'preferred' | 'required'
  /** Passkeys one user may register (default 20). */
  maxPerUser?: number
  /** The clock, in milliseconds; for tests. */
  now?: () => number
}

/** What a ceremony's options route answers: the options for the browser and the challenge token. */
export interface PasskeyCeremony {
  challenge_token: string
  expires_in: number
  /** `PublicKeyCredentialCreationOptionsJSON` or `PublicKeyCredentialRequestOptionsJSON`. */
  public_key: Record<string, unknown>
}

/** A passkey as its user sees it. */
export interface PasskeyView {
  id: string
  name: string
  created_at: string
  last_used_at: string | null
  device_type: 'singleDevice' | 'multiDevice'
  backed_up: boolean
  transports: string[]
}

export interface PasskeyLogin<U> {
  user: U
  /** The authenticator verified the user (PIN, biometrics): the login is two factors in one. */
  userVerified: boolean
}

const NAME_MAX = 100

/**
 * @example
 * const passkeys = new Passkeys({ store, rpID: 'example.com', rpName: 'Example', origins: ['https://example.com'] }, (id) => manager.get(id), SECRET)
 */
export class Passkeys<U extends UserRecord = UserRecord> {
  readonly #options: PasskeyOptions
  readonly #challenges: ChallengeSettings
  readonly #lookup: (id: string) => Promise<U | null>
  readonly #requireVerification: boolean
  readonly #maxPerUser: number

  /** `lookup` finds a user by id (the manager's `get`); `defaultSecret` keys challenges without `secret`. */
  constructor(options: PasskeyOptions, lookup: (id: string) => Promise<U | null>, defaultSecret: KeyMaterial) {
    const lifetime = options.challengeLifetimeSeconds ?? 300
    if (!(Number.isSafeInteger(lifetime) && lifetime > 0)) throw new TypeError('passkeys.challengeLifetimeSeconds must be a positive whole number of seconds')
    if (options.origins.length === 0) throw new TypeError('passkeys.origins must name at least one origin')
    this.#options = options
    this.#challenges = {
      keys: importJwtKeys({ secret: options.secret ?? defaultSecret, algorithm: 'HS256' }),
      store: options.store,
      lifetimeSeconds: lifetime,
      now: options.now ?? Date.now,
    }
    this.#lookup = lookup
    this.#requireVerification = options.userVerification === 'required'
    this.#maxPerUser = options.maxPerUser ?? 20
  }

  /** The options of a registration for `user`, who then answers `register`. */
  async registrationOptions(user: U): Promise<PasskeyCeremony> {
    const webauthn = await loadWebAuthn()
    const existing = await this.#options.store.list(user.id)
    if (existing.length >= this.#maxPerUser) throw new PasskeyError(PasskeyErrorCode.PASSKEY_LIMIT_REACHED)
    const issued = await issueChallenge(this.#challenges, 'register', user.id)
    const options = await webauthn.generateRegistrationOptions({
      rpName: this.#options.rpName,
      rpID: this.#options.rpID,
      userName: user.email,
      // The user handle the authenticator keeps and returns at login: the id, never the address.
      userID: new TextEncoder().encode(user.id),
      challenge: challengeBytes(issued.challenge),
      timeout: issued.expiresIn * 1000,
      attestationType: 'none',
      excludeCredentials: existing.map((passkey) => ({ id: passkey.credentialId, transports: knownTransports(passkey.transports) })),
      authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: this.#options.userVerification ?? 'preferred' },
    })
    return { challenge_token: issued.token, expires_in: issued.expiresIn, public_key: { ...options } }
  }

  /** Verifies the authenticator's answer to a registration of `user` and keeps the passkey. */
  async register(user: U, challengeToken: string, credential: PasskeyRegistrationCredential, name?: string): Promise<PasskeyView> {
    const webauthn = await loadWebAuthn()
    const challenge = await consumeChallenge(this.#challenges, challengeToken, 'register', user.id)
    let verification
    try {
      verification = await webauthn.verifyRegistrationResponse({
        response: {
          id: credential.id,
          rawId: credential.rawId,
          type: 'public-key',
          clientExtensionResults: {},
          response: {
            clientDataJSON: credential.response.clientDataJSON,
            attestationObject: credential.response.attestationObject,
            transports: knownTransports(credential.response.transports),
          },
        },
        expectedChallenge: challenge,
        expectedOrigin: this.#options.origins,
        expectedRPID: this.#options.rpID,
        requireUserVerification: this.#requireVerification,
      })
    } catch {
      throw new PasskeyError(PasskeyErrorCode.PASSKEY_REGISTRATION_FAILED)
    }
    if (credential.type !== 'public-key' || !verification.verified) throw new PasskeyError(PasskeyErrorCode.PASSKEY_REGISTRATION_FAILED)
    const info = verification.registrationInfo
    if (info.credential.id !== credential.id) throw new PasskeyError(PasskeyErrorCode.PASSKEY_REGISTRATION_FAILED)
    const existing = await this.#options.store.list(user.id)
    if (existing.length >= this.#maxPerUser) throw new PasskeyError(PasskeyErrorCode.PASSKEY_LIMIT_REACHED)
    const record: PasskeyRecord = {
      id: randomUUID(),
      userId: user.id,
      credentialId: info.credential.id,
      publicKey: info.credential.publicKey,
      counter: info.credential.counter,
      transports: knownTransports(credential.response.transports),
      deviceType: info.credentialDeviceType,
      backedUp: info.credentialBackedUp,
      name: cleanName(name) ?? `Passkey ${existing.length + 1}`,
      createdAt: this.#nowSeconds(),
      lastUsedAt: null,
    }
    if (!(await this.#options.store.create(record))) throw new PasskeyError(PasskeyErrorCode.PASSKEY_ALREADY_REGISTERED)
    return view(record)
  }

  /** The options of a login: no credential listed, the authenticator offers its own. */
  async authenticationOptions(): Promise<PasskeyCeremony> {
    const webauthn = await loadWebAuthn()
    const issued = await issueChallenge(this.#challenges, 'login')
    const options = await webauthn.generateAuthenticationOptions({
      rpID: this.#options.rpID,
      challenge: challengeBytes(issued.challenge),
      timeout: issued.expiresIn * 1000,
      userVerification: this.#options.userVerification ?? 'preferred',
    })
    return { challenge_token: issued.token, expires_in: issued.expiresIn, public_key: { ...options } }
  }

  /**
   * The user an authenticator's answer to a login names, with whether it verified the user.
   * Throws `PASSKEY_BAD_CHALLENGE`, or `LOGIN_BAD_CREDENTIALS` for any answer that does not
   * verify. The user may be inactive: the caller refuses it as a password login would.
   */
  async authenticate(challengeToken: string, credential: PasskeyAuthenticationCredential): Promise<PasskeyLogin<U>> {
    const webauthn = await loadWebAuthn()
    const challenge = await consumeChallenge(this.#challenges, challengeToken, 'login')
    const refused = () => new UsersError(ErrorCode.LOGIN_BAD_CREDENTIALS)
    if (credential.type !== 'public-key') throw refused()
    const passkey = await this.#options.store.findByCredentialId(credential.id)
    if (passkey === null) throw refused()
    const handle = credential.response.userHandle
    if (handle != null && handle !== Buffer.from(passkey.userId, 'utf8').toString('base64url')) throw refused()
    let verification
    try {
      verification = await webauthn.verifyAuthenticationResponse({
        response: {
          id: credential.id,
          rawId: credential.rawId,
          type: 'public-key',
          clientExtensionResults: {},
          response: {
            clientDataJSON: credential.response.clientDataJSON,
            authenticatorData: credential.response.authenticatorData,
            signature: credential.response.signature,
            ...(handle == null ? {} : { userHandle: handle }),
          },
        },
        expectedChallenge: challenge,
        expectedOrigin: this.#options.origins,
        expectedRPID: this.#options.rpID,
        credential: {
          id: passkey.credentialId,
          publicKey: new Uint8Array(passkey.publicKey),
          counter: passkey.counter,
          transports: knownTransports(passkey.transports),
        },
        requireUserVerification: this.#requireVerification,
      })
    } catch {
      // The library throws for a counter gone backwards as for a bad signature.
      throw refused()
    }
    if (!verification.verified) throw refused()
    const { newCounter, userVerified } = verification.authenticationInfo
    if (!(await this.#options.store.recordUse(passkey.credentialId, passkey.counter, newCounter, this.#nowSeconds()))) throw refused()
    const user = await this.#lookup(passkey.userId)
    if (user === null) throw refused()
    return { user, userVerified }
  }

  /** The user's passkeys, oldest first. */
  async list(user: U): Promise<PasskeyView[]> {
    return (await this.#options.store.list(user.id)).map(view)
  }

  /** Renames one of the user's passkeys; `NotFoundError` when the user has none of that id. */
  async rename(user: U, id: string, name: string): Promise<PasskeyView> {
    const clean = cleanName(name)
    if (clean === undefined || !(await this.#options.store.rename(user.id, id, clean))) throw new NotFoundError()
    const passkey = (await this.#options.store.list(user.id)).find((record) => record.id === id)
    if (passkey === undefined) throw new NotFoundError()
    return view(passkey)
  }

  /** Deletes one of the user's passkeys; `NotFoundError` when the user has none of that id. */
  async remove(user: U, id: string): Promise<void> {
    if (!(await this.#options.store.delete(user.id, id))) throw new NotFoundError()
  }

  /**
   * Forgets a deleted user's passkeys. It is one of the manager's `tokenRevokers`, whose
   * `userDeleted` call is the one moment the core tells that a user is gone.
   */
  async revokeAllTokens(userId: string, options: RevokeOptions = {}): Promise<void> {
    if (options.userDeleted === true) await this.#options.store.deleteAll(userId)
  }

  #nowSeconds(): number {
    return Math.floor(this.#challenges.now() / 1000)
  }
}

/** The challenge as bytes: the library would take a string for the UTF-8 of its characters. */
function challengeBytes(challenge: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(challenge, 'base64url'))
}

/** A label trimmed to its visible part; `undefined` when nothing is left. */
function cleanName(name: string | undefined): string | undefined {
  const clean = name?.replace(/\p{Cc}/gu, '').trim().slice(0, NAME_MAX)
  return clean === undefined || clean === '' ? undefined : clean
}

function view(record: PasskeyRecord): PasskeyView {
  return {
    id: record.id,
    name: record.name,
    created_at: new Date(record.createdAt * 1000).toISOString(),
    last_used_at: record.lastUsedAt === null ? null : new Date(record.lastUsedAt * 1000).toISOString(),
    device_type: record.deviceType,
    backed_up: record.backedUp,
    transports: [...record.transports],
  }
}
