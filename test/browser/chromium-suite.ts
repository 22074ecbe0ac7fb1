/**
 * The suite of a browser test file, by the rule of chromium.ts: outside CI a machine without
 * Chromium skips it, with the reason printed once per file; under CI (`CI=true`) its first hook
 * fails with the reason, so that a CI image without the browser cannot pass it vacuously. It
 * stays apart from chromium.ts, which the screenshot script imports outside vitest.
 */
import { beforeAll, describe, type TestOptions } from 'vitest'
import { chromiumMissing, inCi } from './chromium.ts'

const missing = chromiumMissing()
const skipped = missing !== null && !inCi
if (skipped) console.warn(`Skipping the browser tests: ${missing}.`)

/**
 * `describe`, for tests that drive Chromium.
 *
 * @example
 * describeInChromium('the account pages in Chromium', () => {
 *   it('logs in', async () => {})
 * })
 */
export function describeInChromium(name: string, body: () => void, options: TestOptions = {}): void {
  const suite = skipped ? describe.skip : describe
  suite(name, options, () => {
    beforeAll(() => {
      if (missing !== null) throw new Error(`${missing}: CI must provide it (.ci/run installs the Debian package)`)
    })
    body()
  })
}
