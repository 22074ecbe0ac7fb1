/**
 * OpenID Connect nonces (Core §3.1.2.1), kept by nobody, as PKCE verifiers are (pkce.ts): the
 * nonce of a flow is an HMAC of its CSRF token under the state secret, under another context
 * than the verifier's. The callback recomputes it from the state it has just verified and
 * requires the ID token to carry it, so an ID token minted for another flow (replayed, or
 * injected with a stolen code) is refused. Unlike the verifier it travels openly in the
 * authorization URL; that is what a nonce is for.
 */
import { createHmac } from 'node:crypto'
import type { JwtKeys } from '../jwt/keys.ts'

const CONTEXT = 'fastify-users oauth nonce\0'

/**
 * The nonce of the flow whose state carries `csrftoken`.
 *
 * @example
 * const expected = oidcNonce(state.csrftoken, states.keys)
 */
export function oidcNonce(csrftoken: string, keys: JwtKeys): string {
  return createHmac('sha256', keys.signingKey!).update(CONTEXT).update(csrftoken).digest('base64url')
}
