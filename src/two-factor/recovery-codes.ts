/**
 * Recovery codes: ten random codes of ten characters of Crockford's base32 alphabet (no i, l, o, u)
 * (50 bits each), shown once as `xxxxx-xxxxx`, stored as HMAC-SHA256 under the recovery-code
 * key. Input is forgiving: case, spaces and hyphens do not matter.
 */
import { createHmac, randomInt, type KeyObject } from 'node:crypto'

export const RECOVERY_CODE_COUNT = 10
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'
const LENGTH = 10

/** Fresh codes, as the user is shown them. */
export function generateRecoveryCodes(): string[] {
  const codes: string[] = []
  for (let i = 0; i < RECOVERY_CODE_COUNT; i++) {
    let code = ''
    for (let j = 0; j < LENGTH; j++) code += ALPHABET[randomInt(ALPHABET.length)]
    codes.push(`${code.slice(0, 5)}-${code.slice(5)}`)
  }
  return codes
}

/** The stored form of a code, or `null` when the input cannot be a recovery code. */
export function hashRecoveryCode(code: string, key: KeyObject): string | null {
  const normalized = code.toLowerCase().replace(/[\s-]/g, '')
  if (normalized.length !== LENGTH || ![...normalized].every((c) => ALPHABET.includes(c))) return null
  return createHmac('sha256', key).update(normalized).digest('base64url')
}
