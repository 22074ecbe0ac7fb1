/**
 * Database drivers, Redis and OAuth libraries are optional peer dependencies: an application
 * installs the ones its adapters use, and each adapter imports its own when it first needs it.
 * A missing one is a single line naming the package to install, not a resolution stack.
 */
import { ConfigurationError } from './errors.ts'

/** A package the application uses is not installed. */
export class MissingDependencyError extends ConfigurationError {
  override name = 'MissingDependencyError'
  /** The npm package to install. */
  readonly packageName: string

  constructor(packageName: string, purpose: string, options?: ErrorOptions) {
    super('MISSING_DEPENDENCY', `${purpose} needs the package "${packageName}", which is not installed: npm install ${packageName}`, options)
    this.packageName = packageName
  }
}

/**
 * Runs `load` (an `import()` of `packageName` written at the call site, so that bundlers and
 * type-checkers see the specifier) and turns "package not found" into `MissingDependencyError`.
 * Any other failure, such as a native module built for another Node, passes through unchanged.
 *
 * @example
 * ```ts
 * const { Pool } = await importOptional('pg', 'PostgreSQL', () => import('pg'))
 * ```
 */
export async function importOptional<T>(packageName: string, purpose: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load()
  } catch (error) {
    if (isMissingPackage(error, packageName)) throw new MissingDependencyError(packageName, purpose, { cause: error })
    throw error
  }
}

function isMissingPackage(error: unknown, packageName: string): boolean {
  if (!(error instanceof Error)) return false
  const code = (error as { code?: unknown }).code
  // ESM resolution names the package ("Cannot find package 'pg' imported from …"), CommonJS the
  // module ("Cannot find module 'pg'"); a dependency of the package missing names another one.
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    (error.message.includes(`package '${packageName}'`) || error.message.includes(`module '${packageName}'`))
  )
}
