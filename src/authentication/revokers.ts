/**
 * The token revokers of a set of backends, which the user manager calls to log a user out
 * everywhere (src/revocation/revoker.ts).
 */
import type { TokenRevoker } from '../revocation/revoker.ts'
import { isTokenRevoker } from '../revocation/revoker.ts'
import type { AuthenticationBackend } from './backend.ts'

/**
 * The revokers of some backends: each distinct strategy and refresh-token set that can revoke
 * (two backends sharing one strategy revoke through it once).
 *
 * @example
 * new UserManager({ ...options, tokenRevokers: backendRevokers([bearer, cookie]) })
 */
export function backendRevokers(backends: readonly AuthenticationBackend[]): TokenRevoker[] {
  const revokers = new Set<TokenRevoker>()
  for (const backend of backends) {
    if (isTokenRevoker(backend.strategy)) revokers.add(backend.strategy)
    if (backend.refresh !== null) revokers.add(backend.refresh)
  }
  return [...revokers]
}
