/**
 * Email addresses as FastAPI Users accepts and stores them (CONTRACT §2.3): pydantic's
 * `EmailStr`, which strips a display name and runs python-email-validator with the
 * deliverability check off.
 *
 * Accepted: a dot-atom local part of RFC 5322 atext or internationalised (non-ASCII)
 * characters, at most 64 characters; a domain of at least two labels of letters, digits and
 * inner hyphens (internationalised names too, via UTS-46 and IDNA), at most 63 octets a label,
 * whose top-level label ends with a letter and which is not a special-use name; at most 254
 * UTF-8 octets in all. Refused, as email-validator refuses them by default: quoted local parts,
 * IP literals, comments, spaces, control and format characters.
 *
 * Stored form (email-validator's `normalized`): the local part as given, apart from Unicode
 * normalisation and RFC 2142 role names (`Postmaster` → `postmaster`); the domain lower-cased,
 * in its Unicode form: `King.Arthur@Camelot.BT` → `King.Arthur@camelot.bt`,
 * `a@XN--BCHER-KVA.de` → `a@bücher.de`.
 *
 * One step beyond email-validator: the whole address is NFKC-normalised before it is checked
 * (email-validator applies NFC to the local part), so that compatibility forms are the address
 * they look like: `ａlice@example.com` (full-width a) is `alice@example.com`, registers as it and
 * collides with it, instead of becoming a second account that looks identical to a person.
 * ASCII addresses are unchanged. Look-alikes from other scripts (Cyrillic `а`, Greek `ο`) are
 * other characters, and stay other addresses (SECURITY.md, "Look-alike addresses").
 */
import { domainToASCII, domainToUnicode } from 'node:url'

// Python's `\s` and `str.strip()` whitespace, which pydantic's display-name handling uses.
const WS = '[\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]'
// pydantic's pretty-email pattern: an optional display name, bare (words of `\w` and atext)
// or quoted (anything between the quotes), then `<address>`.
const NAME_CHAR = "[\\p{L}\\p{N}_!#$%&'*+\\-/=?^`{|}~]"
const DISPLAY_NAME_FORM = new RegExp(
  `^${WS}*(?:(?:${NAME_CHAR}+${WS}+)*${NAME_CHAR}+|"[\\s\\S]+")?${WS}*<([^\\n]+)>${WS}*$`,
  'u',
)
const SURROUNDING_WS = new RegExp(`^${WS}+|${WS}+$`, 'gu')
const PYDANTIC_MAX_LENGTH = 2048

const ATEXT = "a-zA-Z0-9_!#$%&'*+\\-/=?^`{|}~"
const DOT_ATOM = new RegExp(`^[${ATEXT}]+(?:\\.[${ATEXT}]+)*$`)
// RFC 6531 3.3 adds every code point from U+0080 up.
const DOT_ATOM_INTL = new RegExp(`^[${ATEXT}\\u{80}-\\u{10FFFF}]+(?:\\.[${ATEXT}\\u{80}-\\u{10FFFF}]+)*$`, 'u')
const HOSTNAME_CHARS = /^[a-zA-Z0-9.\-\u{80}-\u{10FFFF}]*$/u
const HOSTNAME_LABEL = '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)'
const ASCII_HOSTNAME = new RegExp(`^${HOSTNAME_LABEL}(?:\\.${HOSTNAME_LABEL})*$`)
// IDNA 2008 admits, roughly, lower-case letters, marks and decimal digits; no symbols (emoji).
const IDNA_LABEL = /^[\p{Ll}\p{Lo}\p{Lm}\p{Mn}\p{Mc}\p{Nd}-]+$/u
const SAFE_CHAR = /^[\p{L}\p{N}\p{P}\p{S}]$/u
const MARK = /^\p{M}$/u

const LOCAL_PART_MAX_LENGTH = 64
const EMAIL_MAX_OCTETS = 254
const DOMAIN_MAX_OCTETS = 255
const LABEL_MAX_OCTETS = 63
/** email-validator's special-use names (IANA), refused with all their subdomains. */
const SPECIAL_USE_DOMAINS = ['arpa', 'invalid', 'local', 'localhost', 'onion', 'test']
/** RFC 2142 mailbox names, case-insensitive by definition, so email-validator lower-cases them. */
const ROLE_MAILBOXES = new Set(['info', 'marketing', 'sales', 'support', 'abuse', 'noc', 'security', 'postmaster',
  'hostmaster', 'usenet', 'news', 'webmaster', 'www', 'uucp', 'ftp'])

/**
 * Validates an address as pydantic's `EmailStr` does and returns the form FastAPI Users
 * stores, or `null` when it is not a valid address.
 *
 * @example
 * normalizeEmail('King.Arthur@Camelot.BT') // 'King.Arthur@camelot.bt'
 * normalizeEmail('"Bob" <bob@example.com>') // 'bob@example.com'
 * normalizeEmail('bob@localhost') // null
 * normalizeEmail('ａlice@example.com') // 'alice@example.com'
 */
export function normalizeEmail(input: string): string | null {
  if (typeof input !== 'string') return null
  if (input.length > PYDANTIC_MAX_LENGTH && [...input].length > PYDANTIC_MAX_LENGTH) return null
  const address = (DISPLAY_NAME_FORM.exec(input)?.[1] ?? input).replace(SURROUNDING_WS, '').normalize('NFKC')

  const at = address.indexOf('@')
  if (at === -1) return null
  const local = normalizeLocalPart(address.slice(0, at))
  const domain = normalizeDomain(address.slice(at + 1))
  if (local === null || domain === null) return null

  const normalized = `${local}@${domain.unicode}`
  // email-validator checks the length of the input, of the result and of its ASCII-domain form.
  for (const form of [address, normalized, `${local}@${domain.ascii}`]) {
    if (Buffer.byteLength(form, 'utf8') > EMAIL_MAX_OCTETS) return null
  }
  return normalized
}

/**
 * Lower-cases A–Z only, like SQLite's `lower()`, so that every database compares emails the
 * same way (DESIGN.md: ASCII case folding).
 *
 * @example
 * foldEmail('Mixed.Case@Example.com') // 'mixed.case@example.com'
 * foldEmail('Ünïcode@example.com') // 'Ünïcode@example.com': non-ASCII letters are kept
 */
export function foldEmail(email: string): string {
  return email.replace(/[A-Z]+/g, (letters) => letters.toLowerCase())
}

function normalizeLocalPart(local: string): string | null {
  if (!isValidLocalPart(local)) return null
  // email-validator lower-cases role names in ASCII local parts only.
  if (DOT_ATOM.test(local)) return ROLE_MAILBOXES.has(foldEmail(local)) ? foldEmail(local) : local
  // RFC 6532 3.1 asks for NFC; email-validator stores it, provided it is still valid.
  const nfc = local.normalize('NFC')
  return nfc === local || isValidLocalPart(nfc) ? nfc : null
}

function isValidLocalPart(local: string): boolean {
  if (local.length === 0 || [...local].length > LOCAL_PART_MAX_LENGTH) return false
  if (DOT_ATOM.test(local)) return true
  return DOT_ATOM_INTL.test(local) && hasOnlySafeChars(local)
}

function normalizeDomain(domain: string): { ascii: string; unicode: string } | null {
  // The character check comes first: the WHATWG parser behind domainToASCII would otherwise
  // percent-decode, parse IP addresses and accept `_`.
  if (domain.length === 0 || !HOSTNAME_CHARS.test(domain) || !hasOnlySafeChars(domain)) return null
  // UTS-46 mapping (case folding, NFC, full-width dots) and Punycode; '' when it fails.
  const ascii = domainToASCII(domain)
  if (ascii === '' || !ASCII_HOSTNAME.test(ascii) || ascii.length > DOMAIN_MAX_OCTETS) return null
  const unicode = domainToUnicode(ascii)
  // A label that looks like Punycode but does not round-trip is not IDNA.
  if (unicode === '' || domainToASCII(unicode) !== ascii || !hasOnlySafeChars(unicode)) return null

  const asciiLabels = ascii.split('.')
  const unicodeLabels = unicode.split('.')
  if (asciiLabels.length < 2 || !/[a-z]$/.test(ascii)) return null
  for (let i = 0; i < asciiLabels.length; i++) {
    const label = unicodeLabels[i] ?? ''
    if ((asciiLabels[i] ?? '').length > LABEL_MAX_OCTETS) return null
    if (label.startsWith('-') || label.endsWith('-')) return null
    // RFC 5890: `ab--` starts a reserved label unless it is Punycode's `xn--`.
    if (/^(?!xn)..--/i.test(label)) return null
    if (!/^[\x00-\x7f]*$/.test(label) && (!IDNA_LABEL.test(label) || MARK.test(label.charAt(0)))) return null
  }
  for (const special of SPECIAL_USE_DOMAINS) {
    if (ascii === special || ascii.endsWith(`.${special}`)) return null
  }
  return { ascii, unicode }
}

/**
 * email-validator's unsafe-character rule: letters, numbers, punctuation and symbols only, and
 * combining marks except in first place (they would combine with what precedes the address).
 */
function hasOnlySafeChars(text: string): boolean {
  let first = true
  for (const char of text) {
    if (!SAFE_CHAR.test(char) && (first || !MARK.test(char))) return false
    first = false
  }
  return true
}
