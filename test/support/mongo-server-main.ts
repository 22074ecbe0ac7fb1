/**
 * The adapter tests' MongoDB server as a process of its own, for servers under test in another
 * process (CI's conformance run, the bench): MONGODB_URL when set, else the in-process
 * wire-compatible stand-in. Prints `{"url", "kind"}` as one JSON line, then serves until
 * SIGTERM or SIGINT.
 */
import { startMongoTestServer } from './mongo-server.ts'

const server = await startMongoTestServer()
if (server === null) {
  console.log(JSON.stringify({ reason: 'MONGODB_URL is set but unreachable' }))
  process.exit(1)
}
console.log(JSON.stringify({ url: server.url, kind: server.kind }))
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => void server.stop().then(() => process.exit(0)))
}
