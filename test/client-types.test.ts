/**
 * The committed types of the typed client (src/client/openapi.ts) are those openapi-typescript
 * generates from the example's current OpenAPI document: a route or model change that is not
 * regenerated (`npm run client:types`) fails here.
 */
import { readFileSync } from 'node:fs'
import { expect, it } from 'vitest'
import { CLIENT_TYPES_FILE, generateClientTypes } from '../scripts/client-types.ts'

it('src/client/openapi.ts is what `npm run client:types` generates', async () => {
  const generated = await generateClientTypes()
  expect(generated).toContain('export interface paths')
  expect(readFileSync(CLIENT_TYPES_FILE, 'utf8'), 'src/client/openapi.ts is stale: run `npm run client:types`').toBe(generated)
})
