import { describe, expect, it } from 'vitest'
import { foldEmail, normalizeEmail } from '../src/email.ts'

const LONGEST = `${'x'.repeat(64)}@${'d'.repeat(61)}.${'e'.repeat(61)}.${'f'.repeat(61)}.com`

describe('normalizeEmail: accepted and normalised', () => {
  it.each([
    // CONTRACT §2.3 [observed]: domain lower-cased, local part kept
    ['King.Arthur@Camelot.BT', 'King.Arthur@camelot.bt'],
    ['Mixed.Case@example.com', 'Mixed.Case@example.com'],
    // display-name forms, reduced to the address
    ['Bob <bob@example.com>', 'bob@example.com'],
    ['"Bob" <bob@example.com>', 'bob@example.com'],
    ['"Smith, Bob" <Bob@Example.COM>', 'Bob@example.com'],
    ['Bob Smith <bob@example.com>', 'bob@example.com'],
    ['<bob@example.com>', 'bob@example.com'],
    // surrounding whitespace
    ['  bob@example.com\n', 'bob@example.com'],
    ['\u00a0bob@example.com\u3000', 'bob@example.com'],
    // special-use lists do not include example.com
    ['a@example.com', 'a@example.com'],
    ['user+tag@mail.example.co.uk', 'user+tag@mail.example.co.uk'],
    ["o'brien!#$%&*/=?^_`{|}~-@example.ie", "o'brien!#$%&*/=?^_`{|}~-@example.ie"],
    ['first.middle.last@example.com', 'first.middle.last@example.com'],
    ['a@x-y.example', 'a@x-y.example'],
    ['a@example.c0m', 'a@example.c0m'],
    ['x'.repeat(64) + '@example.com', 'x'.repeat(64) + '@example.com'],
    // 254 octets, the most RFC 3696 (errata 1690) allows
    [LONGEST, LONGEST],
    // internationalised local part, NFC-normalised as email-validator stores it
    ['jörg@example.com', 'jörg@example.com'],
    ['Jo\u0308rg@example.com', 'J\u00f6rg@example.com'],
    ['用户@example.com', '用户@example.com'],
    // internationalised domain, lower-cased, stored in its Unicode form
    ['a@BÜCHER.de', 'a@bücher.de'],
    ['a@XN--BCHER-KVA.de', 'a@bücher.de'],
    ['a@ｅｘａｍｐｌｅ．ｃｏｍ', 'a@example.com'],
    // RFC 2142 role mailboxes are case-insensitive: email-validator lower-cases them
    ['Postmaster@Example.com', 'postmaster@example.com'],
  ])('%j → %j', (input, expected) => {
    expect(normalizeEmail(input)).toBe(expected)
    expect(normalizeEmail(expected)).toBe(expected)
  })
})

describe('normalizeEmail: refused', () => {
  it.each([
    ['empty', ''],
    ['spaces only', '   '],
    ['no @', 'bob.example.com'],
    ['two @', 'a@b@example.com'],
    ['empty local part', '@example.com'],
    ['empty domain', 'bob@'],
    ['leading dot', '.bob@example.com'],
    ['trailing dot', 'bob.@example.com'],
    ['double dot', 'bo..b@example.com'],
    ['space inside', 'bo b@example.com'],
    ['tab inside', 'bo\tb@example.com'],
    ['NUL', 'bo\u0000b@example.com'],
    ['control character', 'bo\u0007b@example.com'],
    ['zero-width space', 'bo\u200bb@example.com'],
    ['right-to-left override', 'bo\u202eb@example.com'],
    ['leading combining mark', '\u0301bob@example.com'],
    ['quoted local part', '"bob"@example.com'],
    ['quoted local part with @', '"b@b"@example.com'],
    ['comment', 'bob(comment)@example.com'],
    ['unclosed angle bracket', 'Bob <bob@example.com'],
    ['text after the address', 'Bob <bob@example.com> x'],
    ['local part of 65 characters', 'x'.repeat(65) + '@example.com'],
    ['address of 255 octets', `${'x'.repeat(64)}@${'d'.repeat(62)}.${'e'.repeat(61)}.${'f'.repeat(61)}.com`],
    ['254 characters but 255 octets (ü)', `${'x'.repeat(63)}ü@${'d'.repeat(61)}.${'e'.repeat(61)}.${'f'.repeat(61)}.com`],
    ['label of 64 octets', `a@${'x'.repeat(64)}.com`],
    ['single-label domain', 'a@example'],
    ['numeric TLD', 'a@example.123'],
    ['IPv4 address', 'a@1.2.3.4'],
    ['IPv4 literal', 'a@[1.2.3.4]'],
    ['IPv6 literal', 'a@[IPv6:::1]'],
    ['hex IPv4', 'a@0x7f.1'],
    ['domain trailing dot', 'a@example.com.'],
    ['domain leading dot', 'a@.example.com'],
    ['domain double dot', 'a@example..com'],
    ['label starts with hyphen', 'a@-example.com'],
    ['label ends with hyphen', 'a@example-.com'],
    ['reserved ab-- label', 'a@ab--cd.com'],
    ['underscore in domain', 'a@ex_ample.com'],
    ['percent in domain', 'a@ex%41mple.com'],
    ['space in domain', 'a@exa mple.com'],
    ['emoji domain (not IDNA 2008)', 'a@☃.com'],
    ['bad Punycode', 'a@xn--zz.com'],
    ['localhost', 'a@localhost'],
    ['*.localhost', 'a@foo.localhost'],
    ['*.local', 'a@printer.local'],
    ['*.test', 'a@example.test'],
    ['*.invalid', 'a@example.invalid'],
    ['*.onion', 'a@duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion'],
    ['*.arpa', 'a@1.168.192.in-addr.arpa'],
    ['too long for pydantic', `${'x'.repeat(2100)}@example.com`],
  ])('%s: %j', (_name, input) => {
    expect(normalizeEmail(input)).toBeNull()
  })

  it('refuses non-strings without throwing', () => {
    expect(normalizeEmail(null as unknown as string)).toBeNull()
    expect(normalizeEmail(42 as unknown as string)).toBeNull()
  })
})

describe('foldEmail', () => {
  it('lower-cases ASCII letters only, like SQLite lower()', () => {
    expect(foldEmail('King.Arthur@camelot.bt')).toBe('king.arthur@camelot.bt')
    expect(foldEmail('ÄÖÜ.Straße@BÜCHER.de')).toBe('ÄÖÜ.straße@bÜcher.de')
    expect(foldEmail('\u212Aelvin@example.com')).toBe('\u212Aelvin@example.com')
  })

  it('makes case variants of one address equal', () => {
    expect(foldEmail('Mixed.Case@example.com')).toBe(foldEmail('mixed.case@EXAMPLE.com'))
  })
})
