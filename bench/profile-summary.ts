/**
 * `npx tsx bench/profile-summary.ts FILE.cpuprofile [top] [seconds]`: the functions a V8 CPU
 * profile spent the most self and inclusive time in, over its last `seconds` (the measured load,
 * without the start-up; default the whole profile), idle time left out.
 */
import { readFileSync } from 'node:fs'

interface Node {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
interface Profile {
  nodes: Node[]
  samples: number[]
  timeDeltas: number[]
}

const [file, topArg = '40', windowArg] = process.argv.slice(2)
const profile = JSON.parse(readFileSync(file!, 'utf8')) as Profile
const byId = new Map(profile.nodes.map((node) => [node.id, node]))
const parent = new Map<number, number>()
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
const selfTime = new Map<number, number>()
const span = profile.timeDeltas.reduce((a, b) => a + b, 0)
const from = windowArg === undefined ? 0 : span - Number(windowArg) * 1e6
let clock = 0
for (let i = 0; i < profile.samples.length; i++) {
  clock += profile.timeDeltas[i] ?? 0
  const id = profile.samples[i]!
  if (clock < from || byId.get(id)!.callFrame.functionName === '(idle)') continue
  selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0))
}
const total = [...selfTime.values()].reduce((a, b) => a + b, 0)
const short = (url: string) => url.replace(/^file:\/\/.*?\/(node_modules|src|examples|bench)\//, '$1/')
const label = (node: Node) => `${node.callFrame.functionName || '(anonymous)'} ${short(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`

const self = new Map<string, number>()
const inclusive = new Map<string, number>()
for (const [id, time] of selfTime) {
  const node = byId.get(id)!
  self.set(label(node), (self.get(label(node)) ?? 0) + time)
  const seen = new Set<string>()
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const name = label(byId.get(at)!)
    if (seen.has(name)) continue
    seen.add(name)
    inclusive.set(name, (inclusive.get(name) ?? 0) + time)
  }
}
const pct = (time: number) => `${((100 * time) / total).toFixed(1).padStart(5)}%`
const top = Number(topArg)
console.log(`total ${(total / 1000).toFixed(0)} ms sampled`)
console.log('\nself time:')
for (const [name, time] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(time)}  ${name}`)
console.log('\ninclusive time:')
for (const [name, time] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(time)}  ${name}`)
