/**
 * The Fastify side of src/security/cross-site.ts: the CSRF defence of cookie authentication. A browser sends the auth cookie with requests
 * that other sites make it send (a form posted from another site's page, or any request from
 * a sibling subdomain, which SameSite=lax treats as same-site), so a state-changing request
 * that a cookie authenticates is refused with 403 when it comes from another site (see
 * `isCrossSiteRequest`). Bearer tokens need no such check: a browser never attaches them by
 * itself. Login through a cookie backend is checked too (login CSRF: logging the victim into
 * the attacker's account).
 */
import type { FastifyRequest } from 'fastify'
import type { AuthenticationBackend } from '../../authentication/backend.ts'
import { isCrossSiteRequest } from '../../security/cross-site.ts'
import { ForbiddenError } from '../../errors.ts'
import type { Authenticate } from '../guard.ts'

function crossSite(request: FastifyRequest, allowedOrigins: ReadonlySet<string>): boolean {
  return isCrossSiteRequest({ method: request.method, host: request.host, headers: request.headers }, allowedOrigins)
}

/**
 * Wraps the authenticator: on a cross-site state-changing request, cookie backends are not
 * consulted; when no other backend authenticates it and a cookie was sent, the request is a
 * 403 (a `ForbiddenError`, which the guard answers).
 */
export function refuseCrossSiteCookies(
  authenticate: Authenticate,
  backends: AuthenticationBackend[],
  allowedOrigins: ReadonlySet<string>,
): Authenticate {
  const cookieBackends = new Set(backends.filter((backend) => backend.transport.travelsInCookie))
  if (cookieBackends.size === 0) return authenticate
  const crossSiteAuthenticate: Authenticate = async (request, enabled = backends) => {
    const found = await authenticate(request, enabled.filter((backend) => !cookieBackends.has(backend)))
    if (found) return found
    if (enabled.some((backend) => cookieBackends.has(backend) && backend.transport.readToken(request) !== null)) {
      throw new ForbiddenError()
    }
    return null
  }
  // Not async: a same-site request, nearly every one, hands on the promise it gets instead of
  // wrapping it in another one.
  return (request, enabled = backends) =>
    crossSite(request, allowedOrigins) ? crossSiteAuthenticate(request, enabled) : authenticate(request, enabled)
}

/** An `onRequest` hook of a cookie backend's login route: no login from another site. */
export function refuseCrossSiteLogin(allowedOrigins: ReadonlySet<string>) {
  return async function crossSiteLogin(request: FastifyRequest): Promise<void> {
    if (crossSite(request, allowedOrigins)) throw new ForbiddenError()
  }
}
