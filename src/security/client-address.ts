/**
 * The key a client address is counted under by the per-client limits.
 *
 * - An IPv4 address counts alone.
 * - An IPv4-mapped IPv6 address (`::ffff:203.0.113.7`, how a dual-stack socket reports IPv4
 *   peers) is that IPv4 address, so one client cannot count twice by switching notation.
 * - An IPv6 address counts by its /64 prefix: a single host is usually handed a whole /64, so
 *   keying by the full address would let it take a fresh limit for each of its 2^64 addresses.
 *   Every spelling of a prefix (`::` compression, leading zeros, letter case, a zone id) gives
 *   the same key.
 *
 * The address must be one the server can trust: the socket's peer, or a proxy's
 * `X-Forwarded-For` only when the proxy is trusted (Fastify's `trustProxy`, `request.ip`).
 */
import { isIPv4, isIPv6 } from 'node:net'

/**
 * The counting key of a client address; an unparsable value is kept as is (it still counts
 * as one client).
 *
 * @example
 * clientAddressKey('203.0.113.7') // '203.0.113.7'
 * clientAddressKey('::ffff:203.0.113.7') // '203.0.113.7'
 * clientAddressKey('2001:db8:0:1::42') // '2001:db8:0:1::/64'
 */
export function clientAddressKey(address: string): string {
  const bare = address.split('%')[0] ?? address
  if (isIPv4(bare)) return bare
  if (!isIPv6(bare)) return address
  const groups = expandIPv6(bare)
  const mapped = groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff
  if (mapped) {
    const [high = 0, low = 0] = groups.slice(6)
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.')
  }
  return `${groups.slice(0, 4).map((group) => group.toString(16)).join(':')}::/64`
}

/** The eight 16-bit groups of a valid IPv6 address (dotted IPv4 tail included). */
function expandIPv6(address: string): number[] {
  // Valid (isIPv6), so a dotted IPv4 part can only end it; parseInt reads hex in either case.
  let text = address
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)/.exec(text)
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number]
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  // Stryker disable next-line StringLiteral: equivalent, split always answers a first part
  const [head = '', tail] = text.split('::')
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)))
  const left = parse(head)
  const right = tail === undefined ? [] : parse(tail)
  const zeros: number[] = new Array(8 - left.length - right.length).fill(0)
  return [...left, ...zeros, ...right]
}
