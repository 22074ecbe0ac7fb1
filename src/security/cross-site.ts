/**
 * Cross-site request detection for cookie-authenticated requests (CSRF).
 *
 * A browser attaches a `SameSite=lax` cookie to top-level cross-site navigations, and to every
 * request from a sibling subdomain; an `Origin` header is what tells them apart. The rule:
 * - a safe method (GET, HEAD, OPTIONS) is never cross-site in this sense: it must not change
 *   anything;
 * - with an `Origin` header, the request is same-site when that origin is one of the allowed
 *   origins, or has the host (name and port) the request was sent to; `Origin: null` (sandboxed
 *   frames, privacy-sensitive redirects) and malformed origins are cross-site;
 * - without `Origin`, `Sec-Fetch-Site: cross-site` is cross-site;
 * - with neither header, the client is not a browser (or a very old one): it passes, since
 *   only a browser carries a victim's cookies to a request the victim did not mean to send.
 */

/** What the check reads of a request. */
export interface CrossSiteRequest {
  method: string
  /** The host the request was sent to, `name[:port]` (the `Host` header). */
  host: string | undefined
  headers: Record<string, string | string[] | undefined>
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE'])

/**
 * Normalizes allowed origins (`https://app.example.com`) and rejects values that are not one.
 *
 * @example
 * parseAllowedOrigins(['https://App.Example.com:443']) // Set { 'https://app.example.com' }
 */
export function parseAllowedOrigins(origins: readonly string[]): Set<string> {
  const allowed = new Set<string>()
  for (const origin of origins) {
    let url: URL
    try {
      url = new URL(origin)
    } catch {
      throw new TypeError(`allowed origin "${origin}" is not a URL`)
    }
    if (url.origin === 'null' || url.pathname !== '/' || url.search !== '' || origin.endsWith('/')) {
      throw new TypeError(`allowed origin "${origin}" must be scheme://host[:port], without a path`)
    }
    allowed.add(url.origin)
  }
  return allowed
}

/**
 * Whether a state-changing request comes from another site than the server's own or the
 * allowed origins.
 *
 * @example
 * isCrossSiteRequest({ method: 'POST', host: 'api.example.com', headers: { origin: 'https://evil.example' } }, new Set()) // true
 * isCrossSiteRequest({ method: 'POST', host: 'api.example.com', headers: {} }, new Set()) // false: not a browser
 */
export function isCrossSiteRequest(request: CrossSiteRequest, allowedOrigins: ReadonlySet<string>): boolean {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return false
  const origin = single(request.headers['origin'])
  if (origin === undefined) return single(request.headers['sec-fetch-site'])?.toLowerCase() === 'cross-site'
  let url: URL
  try {
    url = new URL(origin)
  } catch {
    return true
  }
  if (url.origin === 'null') return true
  if (allowedOrigins.has(url.origin)) return false
  return !sameHost(url, request.host)
}

function sameHost(origin: URL, host: string | undefined): boolean {
  if (host === undefined) return false
  let target: URL
  try {
    target = new URL(`${origin.protocol}//${host}`)
  } catch {
    return false
  }
  // Both URLs have the origin's scheme, and a URL drops its scheme's default port (`:443`
  // reads as no port), so the ports compare as they are.
  return target.hostname === origin.hostname && target.port === origin.port && target.username === '' && target.pathname === '/'
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}
