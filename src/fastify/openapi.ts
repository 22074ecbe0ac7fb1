/**
 * Named schemas for code generators. @fastify/swagger inlines every route schema, so a
 * generator names each body after its route; FastAPI's documents instead list their models in
 * `components.schemas` and refer to them by `$ref`, and clients generated from them speak of
 * `UserRead` and `ErrorModel`. This moves each schema with a `title` there, under its title.
 * A schema whose title is already taken by a different schema stays inline: two models never
 * share a name.
 */
import { isDeepStrictEqual } from 'node:util'

interface OpenApiDocument {
  paths?: unknown
  components?: { schemas?: Record<string, unknown> }
}

/**
 * The OpenAPI 3 `document` with its titled schemas named in `components.schemas`; `document`
 * itself is left as it was.
 *
 * @example
 * await app.register(swagger, {
 *   openapi: { info: { title: 'my app', version: '1.0.0' } },
 *   transformObject: (documents) => ('openapiObject' in documents ? withNamedSchemas(documents.openapiObject) : documents.swaggerObject),
 * })
 */
export function withNamedSchemas<D extends object>(document: D): D {
  const copy = structuredClone(document) as D & OpenApiDocument
  const named: Record<string, unknown> = { ...copy.components?.schemas }

  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit)
    if (node === null || typeof node !== 'object') return node
    const schema: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(node)) schema[key] = visit(value)
    const title = schema.title
    if (typeof title !== 'string' || !isSchema(schema)) return schema
    const taken = named[title]
    if (taken === undefined) named[title] = schema
    else if (!isDeepStrictEqual(taken, schema)) return schema
    return { $ref: `#/components/schemas/${encodeURIComponent(title)}` }
  }

  copy.paths = visit(copy.paths)
  const schemas: Record<string, unknown> = {}
  for (const name of Object.keys(named).sort()) schemas[name] = named[name]
  copy.components = { ...copy.components, schemas }
  return copy
}

function isSchema(node: Record<string, unknown>): boolean {
  return 'type' in node || 'properties' in node || 'anyOf' in node || 'oneOf' in node || 'allOf' in node
}
