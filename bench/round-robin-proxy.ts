/**
 * A round-robin HTTP proxy on 127.0.0.1, the load balancer of the bench's `instances` scenario:
 * each request goes to the next upstream in turn, over keep-alive connections, body and headers
 * passed through as they are (plus X-Forwarded-For), no affinity. It does what any proxy in
 * front of several instances does, and nothing more, so that its cost stays small and visible.
 *
 * Started by the bench as a child process: `node --import tsx bench/round-robin-proxy.ts`, with
 * PORT and UPSTREAMS (comma-separated base URLs) in the environment. `GET /__proxy/counts`
 * answers how many requests each upstream got, so the bench can check the turn-taking.
 */
import { Agent, createServer, request as forward } from 'node:http'

const port = Number(process.env['PORT'] ?? 8080)
const upstreams = (process.env['UPSTREAMS'] ?? '').split(',').filter(Boolean).map((base) => new URL(base))
if (upstreams.length === 0) throw new Error('UPSTREAMS must name at least one base URL')
const counts = upstreams.map(() => 0)
const agent = new Agent({ keepAlive: true, maxSockets: 256 })
let next = 0

const server = createServer((incoming, outgoing) => {
  if (incoming.url === '/__proxy/counts') {
    outgoing.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(counts))
    return
  }
  const index = next
  next = (next + 1) % upstreams.length
  counts[index]!++
  const upstream = upstreams[index]!
  const forwardedFor = [incoming.headers['x-forwarded-for'], incoming.socket.remoteAddress].filter(Boolean).join(', ')
  const proxied = forward(
    {
      agent,
      host: upstream.hostname,
      port: upstream.port,
      method: incoming.method,
      path: incoming.url,
      headers: { ...incoming.headers, 'x-forwarded-for': forwardedFor },
    },
    (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(outgoing)
    },
  )
  proxied.on('error', () => {
    if (!outgoing.headersSent) outgoing.writeHead(502, { 'content-type': 'application/json' })
    outgoing.end(JSON.stringify({ detail: 'Bad Gateway' }))
  })
  incoming.pipe(proxied)
})
server.keepAliveTimeout = 65_000
server.listen(port, '127.0.0.1')
process.on('SIGTERM', () => {
  server.close()
  agent.destroy()
  server.closeAllConnections()
})
