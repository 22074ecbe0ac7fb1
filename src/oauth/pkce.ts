/**
 * PKCE code verifiers (RFC 7636), kept by nobody. The verifier of a flow is an HMAC of its CSRF
 * token under the state secret: the callback recomputes it from the state it has just
 * verified, so no server-side session and no second cookie is needed.
 *
 * Why it may not simply travel in the state: the state rides in the authorization URL and the
 * callback URL, exactly where an attacker who intercepts the code would read it, and PKCE is
 * there to make an intercepted code useless. The CSRF token is readable in the state too, but
 * the verifier also needs the secret. 32 bytes of HMAC-SHA256 in base64url make a 43-character
 * verifier, the shortest RFC 7636 allows, with the full 256 bits of entropy it asks for.
 */
import { createHash, createHmac } from 'node:crypto'
import type { JwtKeys } from '../jwt/keys.ts'

const CONTEXT = 'fastify-users oauth pkce verifier\0'

/**
 * The PKCE code verifier of the flow whose state carries `csrftoken`.
 *
 * @example
 * const verifier = pkceVerifier(state.csrftoken, states.keys)
 */
export function pkceVerifier(csrftoken: string, keys: JwtKeys): string {
  return createHmac('sha256', keys.signingKey!).update(CONTEXT).update(csrftoken).digest('base64url')
}

/**
 * The S256 challenge of a verifier: base64url(SHA-256(verifier)).
 *
 * @example
 * url.searchParams.set('code_challenge', pkceChallenge(verifier))
 */
export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url')
}
