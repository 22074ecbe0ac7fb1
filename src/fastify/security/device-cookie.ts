/**
 * The device cookie that carries a device proof (src/security/device-proof.ts) between logins.
 * Browsers and bearer clients get the same cookie: a successful login of either backend sets
 * it next to the usual answer (whose status and body do not change), and the login routes
 * read it back. A bearer client keeps it in its cookie jar, or copies the `Set-Cookie` value
 * into a `Cookie` header of its next login.
 */
import { readCookie } from '../../authentication/transports/cookie-header.ts'
import type { TrustedDevicesOptions } from './options.ts'

const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const ATTRIBUTE_VALUE = /^[^;\x00-\x1f\x7f]*$/

export interface DeviceCookie {
  /** The proof a login request carries, if any. */
  read(cookieHeader: string | string[] | undefined): string | null
  /** The `Set-Cookie` value that hands a client its proof. */
  set(proof: string): string
}

export function deviceCookie(options: TrustedDevicesOptions, lifetimeSeconds: number): DeviceCookie {
  const name = options.cookieName ?? 'fastify_users_device'
  const path = options.cookiePath ?? '/'
  const domain = options.cookieDomain ?? null
  if (!COOKIE_NAME.test(name)) throw new TypeError(`invalid device cookie name: ${name}`)
  if (!ATTRIBUTE_VALUE.test(path) || (domain !== null && !ATTRIBUTE_VALUE.test(domain))) {
    throw new TypeError('invalid device cookie path or domain')
  }
  const attributes = [
    domain !== null ? `Domain=${domain}` : null,
    'HttpOnly',
    `Max-Age=${lifetimeSeconds}`,
    `Path=${path}`,
    `SameSite=${options.cookieSameSite ?? 'strict'}`,
    options.cookieSecure ?? true ? 'Secure' : null,
  ].filter((attribute) => attribute !== null).join('; ')
  return {
    read: (header) => readCookie(header, name),
    set: (proof) => `${name}=${proof}; ${attributes}`,
  }
}
