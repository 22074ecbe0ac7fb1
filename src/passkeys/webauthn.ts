/**
 * The WebAuthn verifications, by @simplewebauthn/server: an optional peer dependency, imported
 * here only, the first time an application with passkeys turned on needs it.
 */
import { importOptional } from '../optional-dependency.ts'

export type WebAuthnLibrary = typeof import('@simplewebauthn/server')

let loading: Promise<WebAuthnLibrary> | undefined

/**
 * @example
 * const { verifyAuthenticationResponse } = await loadWebAuthn()
 */
export function loadWebAuthn(): Promise<WebAuthnLibrary> {
  loading ??= importOptional('@simplewebauthn/server', 'Passkeys', () => import('@simplewebauthn/server')).catch((error: unknown) => {
    loading = undefined
    throw error
  })
  return loading
}
