/**
 * OAuth state tokens (CONTRACT §8): HS256 JWTs signed with the router's state secret, with the
 * claims of FastAPI Users, so that either server reads the other's states:
 * - `csrftoken`: the random value also set in the CSRF cookie (double submit);
 * - `aud: "fastapi-users:oauth-state"` (a plain string), so that no other token passes for a
 *   state, and a state passes for no other token;
 * - `exp`: now + 600 s by default (upstream: 3600): a state is used within seconds of its issue,
 *   and a short life narrows the window in which a leaked authorization URL is of use;
 * - `oauth_name`: the client that issued it, so that a state of one provider is refused at
 *   another's callback (an addition that FastAPI Users ignores);
 * - `scope`: the scopes `/authorize` was given, space-separated, when it was given some (the
 *   callback must know whether an ID token, and its nonce, were asked for);
 * - `sub`: the user's id, in the associate flow only;
 * - `redirect_to`: the front-end URL to return to, in redirect mode only (an addition that
 *   FastAPI Users ignores).
 *
 * A state that does not verify is `ACCESS_TOKEN_DECODE_ERROR` (bad signature, malformed,
 * missing, or of another audience: deliberate difference 4, where upstream answers 500) or
 * `ACCESS_TOKEN_ALREADY_EXPIRED`.
 */
import { ErrorCode, InvalidTokenError, UsersError } from '../errors.ts'
import { importJwtKeys, type JwtKeys, type KeyMaterial } from '../jwt/keys.ts'
import { signJwt } from '../jwt/sign.ts'
import { verifyJwt } from '../jwt/verify.ts'
import { OAUTH_STATE_AUDIENCE } from '../tokens.ts'

export const OAUTH_STATE_LIFETIME_SECONDS = 600

export interface OAuthStateClaims {
  csrftoken: string
  /** The issuing client's name. */
  oauthName?: string
  scopes?: string[]
  sub?: string
  redirectTo?: string
}

/** A verified state. A claim of the wrong type reads as absent. */
export interface OAuthState {
  csrftoken: string | null
  oauthName: string | null
  /** `null` when the client's default scopes were asked for. */
  scopes: string[] | null
  sub: string | null
  redirectTo: string | null
  /** Epoch seconds. */
  exp: number
}

export class OAuthStateTokens {
  readonly keys: JwtKeys
  readonly lifetimeSeconds: number

  /**
   * @example
   * const states = new OAuthStateTokens(process.env.STATE_SECRET)
   * const token = await states.issue({ csrftoken })
   */
  constructor(secret: KeyMaterial, options: { lifetimeSeconds?: number } = {}) {
    this.keys = importJwtKeys({ secret, algorithm: 'HS256' })
    this.lifetimeSeconds = options.lifetimeSeconds ?? OAUTH_STATE_LIFETIME_SECONDS
  }

  issue(claims: OAuthStateClaims): Promise<string> {
    // A claim left undefined is no claim at all: JSON leaves it out of the token.
    const payload = {
      csrftoken: claims.csrftoken,
      oauth_name: claims.oauthName,
      scope: claims.scopes?.join(' '),
      sub: claims.sub,
      redirect_to: claims.redirectTo,
    }
    return signJwt(payload, this.keys, { audience: OAUTH_STATE_AUDIENCE, lifetimeSeconds: this.lifetimeSeconds })
  }

  /** Verifies a state; throws `UsersError` (`ACCESS_TOKEN_DECODE_ERROR` or `…_ALREADY_EXPIRED`). */
  read(token: string | null | undefined): OAuthState {
    let payload: Record<string, unknown>
    try {
      // A missing state (null, undefined, '') is a malformed token to verifyJwt.
      // Stryker disable next-line StringLiteral: equivalent, any string that is no token is as malformed as ''
      payload = verifyJwt(token ?? '', this.keys, { audience: OAUTH_STATE_AUDIENCE, requireExp: true })
    } catch (error) {
      // Stryker disable next-line ConditionalExpression: equivalent, verifyJwt throws only InvalidTokenError for any token (test/jwt-input-shape.test.ts)
      if (!(error instanceof InvalidTokenError)) throw error
      const code = error.kind === 'expired' ? ErrorCode.ACCESS_TOKEN_ALREADY_EXPIRED : ErrorCode.ACCESS_TOKEN_DECODE_ERROR
      throw new UsersError(code)
    }
    return {
      csrftoken: stringClaim(payload.csrftoken),
      oauthName: stringClaim(payload.oauth_name),
      scopes: typeof payload.scope === 'string' ? payload.scope.split(' ').filter((scope) => scope !== '') : null,
      sub: stringClaim(payload.sub),
      redirectTo: stringClaim(payload.redirect_to),
      exp: payload.exp as number,
    }
  }
}

function stringClaim(value: unknown): string | null {
  return typeof value === 'string' ? value : null
}
