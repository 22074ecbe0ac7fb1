/**
 * A TCP proxy between a client under test and a shared service, which the test can cut (every
 * connection reset, new ones refused), hang (connections accepted, nothing forwarded) and heal,
 * so that an outage is shown without touching the service itself.
 */
import { createServer, connect, type Server, type Socket } from 'node:net'
import { freePort } from './free-port.ts'

export interface FaultProxy {
  /** `127.0.0.1:<port>` of the proxy. */
  host: string
  port: number
  /** Resets every connection and refuses new ones. */
  cut(): Promise<void>
  /** Accepts connections and forwards nothing, either way, until healed (then all of it, as a server that stalled). */
  hang(): void
  /** Forwards again (listening again after a cut). */
  heal(): Promise<void>
  close(): Promise<void>
}

export async function startFaultProxy(target: { host: string; port: number }): Promise<FaultProxy> {
  const port = await freePort()
  const sockets = new Set<Socket>()
  let hung = false
  // While hung, what each side sends waits here, in order, for the heal.
  const held: Array<() => void> = []
  const forward = (from: Socket, to: Socket) =>
    from.on('data', (chunk) => {
      if (hung) held.push(() => to.write(chunk))
      else to.write(chunk)
    })
  let server: Server | null = null
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const current = createServer((client) => {
        const upstream = connect(target.port, target.host)
        sockets.add(client).add(upstream)
        for (const socket of [client, upstream]) {
          socket.on('error', () => {})
          socket.on('close', () => {
            sockets.delete(socket)
            client.destroy()
            upstream.destroy()
          })
        }
        forward(client, upstream)
        forward(upstream, client)
      })
      current.once('error', reject)
      current.listen(port, '127.0.0.1', () => {
        server = current
        resolve()
      })
    })
  const stopListening = () =>
    new Promise<void>((resolve) => {
      const current = server
      server = null
      for (const socket of sockets) socket.resetAndDestroy()
      if (current === null) resolve()
      else current.close(() => resolve())
    })
  await listen()
  return {
    host: '127.0.0.1',
    port,
    cut: stopListening,
    hang() {
      hung = true
    },
    async heal() {
      hung = false
      for (const write of held.splice(0)) write()
      if (server === null) await listen()
    },
    close: stopListening,
  }
}
