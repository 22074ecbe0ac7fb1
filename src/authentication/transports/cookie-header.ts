/**
 * Reads one cookie from a `Cookie` request header. Transports parse the header themselves so
 * that the core needs no web framework, and so that the `currentUser` guard works on any route
 * of an application without a cookie plugin registered around it.
 */

/**
 * The value of the first cookie called `name`, with surrounding double quotes removed, or
 * `null`. Malformed pairs are skipped, never thrown on.
 *
 * @example
 * readCookie('a=1; fastapiusersauth=eyJ...', 'fastapiusersauth') // 'eyJ...'
 */
export function readCookie(header: string | string[] | undefined, name: string): string | null {
  if (header === undefined) return null
  const text = Array.isArray(header) ? header.join('; ') : header
  for (const pair of text.split(';')) {
    const eq = pair.indexOf('=')
    if (eq === -1 || pair.slice(0, eq).trim() !== name) continue
    let value = pair.slice(eq + 1).trim()
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1)
    return value
  }
  return null
}
