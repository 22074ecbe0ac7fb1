/**
 * TOTP codes (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits, what every authenticator app
 * reads from an `otpauth://` URI), computed by @oslojs/otp. A code is accepted for its own
 * step and one step either side (clock skew), and the matching step is returned, so that the
 * store can refuse any code of that step or an earlier one: each code works once.
 */
import { timingSafeEqual } from 'node:crypto'
import { createTOTPKeyURI, generateHOTP } from '@oslojs/otp'

export const TOTP_PERIOD_SECONDS = 30
export const TOTP_DIGITS = 6
const SKEW_STEPS = 1

/** The time step of a Unix time in seconds. */
export function totpStep(nowSeconds: number): number {
  return Math.floor(nowSeconds / TOTP_PERIOD_SECONDS)
}

/** The code of one step; tests play the authenticator app with it. */
export function totpCode(secret: Uint8Array, step: number): string {
  return generateHOTP(secret, BigInt(step), TOTP_DIGITS)
}

/**
 * The step whose code `code` is, among the current step and its neighbours, or `null`.
 *
 * @example
 * const step = matchTotp(secret, form.code, Date.now() / 1000)
 */
export function matchTotp(secret: Uint8Array, code: string, nowSeconds: number): number | null {
  if (!/^[0-9]{6}$/.test(code)) return null
  const given = Buffer.from(code)
  const now = totpStep(nowSeconds)
  let matched: number | null = null
  // Every candidate is compared, in constant time, so that timing tells nothing about which matched.
  for (let step = now - SKEW_STEPS; step <= now + SKEW_STEPS; step++) {
    if (timingSafeEqual(given, Buffer.from(totpCode(secret, step))) && matched === null) matched = step
  }
  return matched
}

/** The `otpauth://totp/...` URI an authenticator app scans. */
export function totpUri(issuer: string, accountName: string, secret: Uint8Array): string {
  return createTOTPKeyURI(issuer, accountName, secret, TOTP_PERIOD_SECONDS, TOTP_DIGITS)
}
