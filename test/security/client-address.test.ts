/**
 * The key a client address counts under (src/security/client-address.ts): IPv4 alone, an
 * IPv4-mapped IPv6 address as its IPv4 address, IPv6 by its /64 in every spelling, and
 * anything else as it is.
 */
import { describe, expect, it } from 'vitest'
import { clientAddressKey } from '../../src/security/client-address.ts'

describe('clientAddressKey', () => {
  it('keeps an IPv4 address, without a zone', () => {
    expect(clientAddressKey('203.0.113.7')).toBe('203.0.113.7')
    expect(clientAddressKey('203.0.113.7%eth0')).toBe('203.0.113.7')
  })

  it('reads an IPv4-mapped IPv6 address as its IPv4 address, dotted or in hex', () => {
    expect(clientAddressKey('::ffff:203.0.113.7')).toBe('203.0.113.7')
    expect(clientAddressKey('::FFFF:203.0.113.7')).toBe('203.0.113.7')
    expect(clientAddressKey('::ffff:cb00:7107')).toBe('203.0.113.7')
    expect(clientAddressKey('0:0:0:0:0:ffff:cb00:7107')).toBe('203.0.113.7')
    expect(clientAddressKey('::ffff:255.1.0.254')).toBe('255.1.0.254')
    expect(clientAddressKey('::ffff:198.51.100.17')).toBe('198.51.100.17')
    expect(clientAddressKey('::FFFF:C633:6411')).toBe('198.51.100.17')
  })

  it('does not take an address that is only close to IPv4-mapped for one', () => {
    expect(clientAddressKey('::fffe:203.0.113.7')).toBe('0:0:0:0::/64')
    expect(clientAddressKey('1::ffff:203.0.113.7')).toBe('1:0:0:0::/64')
    expect(clientAddressKey('0:0:0:0:1:ffff:cb00:7107')).toBe('0:0:0:0::/64')
    // IPv4-compatible (deprecated), not mapped: an IPv6 address of the /64 of zeros.
    expect(clientAddressKey('::203.0.113.7')).toBe('0:0:0:0::/64')
  })

  it('counts IPv6 by its /64, whatever the spelling', () => {
    const key = '2001:db8:0:1::/64'
    for (const address of [
      '2001:db8:0:1::42',
      '2001:DB8:0:1:ffff:ffff:ffff:ffff',
      '2001:DB8:0:1::AB',
      '2001:0db8:0000:0001:0000:0000:0000:0001',
      '2001:db8:0:1:0:0:0:0',
      '2001:db8::1:0:0:0:5',
      '2001:db8:0:1::42%eth0',
      '2001:db8:0:1:1:2:203.0.113.7',
    ]) {
      expect(clientAddressKey(address), address).toBe(key)
    }
    expect(clientAddressKey('2001:db8:0:2::42')).toBe('2001:db8:0:2::/64')
    expect(clientAddressKey('::1')).toBe('0:0:0:0::/64')
    expect(clientAddressKey('::')).toBe('0:0:0:0::/64')
    expect(clientAddressKey('fe80::1')).toBe('fe80:0:0:0::/64')
    expect(clientAddressKey('1:2:3::')).toBe('1:2:3:0::/64')
    expect(clientAddressKey('1:2:3:4:5:6:7:8')).toBe('1:2:3:4::/64')
    expect(clientAddressKey('1:2:3:4:5:6:1.2.3.4')).toBe('1:2:3:4::/64')
  })

  it('keeps what is not an address as it is, zone and all', () => {
    expect(clientAddressKey('unknown')).toBe('unknown')
    expect(clientAddressKey('')).toBe('')
    expect(clientAddressKey('not%an address')).toBe('not%an address')
    expect(clientAddressKey('203.0.113.256')).toBe('203.0.113.256')
  })
})
