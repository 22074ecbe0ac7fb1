/**
 * The client address a session records: the address as Fastify's `request.ip` gives it (the
 * socket's peer, or a trusted proxy's `X-Forwarded-For`; see src/security/client-address.ts),
 * in one spelling: an IPv4-mapped IPv6 address is its IPv4 address, an IPv6 address is lower
 * case without its zone. Anything else is kept as given, cut to 64 characters.
 */
import { isIPv6 } from 'node:net'
import { clientAddressKey } from '../security/client-address.ts'

/**
 * @example
 * sessionClientAddress('::ffff:203.0.113.7') // '203.0.113.7'
 * sessionClientAddress('2001:DB8::42%eth0') // '2001:db8::42'
 */
export function sessionClientAddress(address: string): string {
  const bare = address.split('%')[0] ?? address
  if (!isIPv6(bare)) return address.slice(0, 64)
  const key = clientAddressKey(bare)
  // The counting key is the IPv4 address of a mapped one, else a /64 prefix, too coarse to show.
  return key.endsWith('::/64') ? bare.toLowerCase() : key
}
