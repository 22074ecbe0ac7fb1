/**
 * The CLI's progress lines: shown on a terminal, each long step with its duration and the
 * failure of one; nothing at all when stderr is not a terminal (scripts, logs, the CLI tests).
 */
import { describe, expect, it } from 'vitest'
import { step } from '../src/cli/progress.ts'

function output(isTTY: boolean) {
  const written: string[] = []
  return { isTTY, written, write: (text: string) => written.push(text) }
}

describe('step', () => {
  it('says on a terminal when a step starts and how long it took, and returns its result', async () => {
    const terminal = output(true)
    expect(await step('Migrating the database', async () => 42, terminal)).toBe(42)
    expect(terminal.written.join('')).toMatch(/^Migrating the database… done \(\d+\.\d s\)\n$/)
  })

  it('says a step failed, and passes its error on', async () => {
    const terminal = output(true)
    await expect(step('Reading the users', async () => Promise.reject(new Error('gone')), terminal)).rejects.toThrow('gone')
    expect(terminal.written.join('')).toBe('Reading the users… failed\n')
  })

  it('writes nothing when the output is not a terminal', async () => {
    const log = output(false)
    expect(await step('Migrating the database', async () => 'ok', log)).toBe('ok')
    expect(log.written).toEqual([])
  })
})
