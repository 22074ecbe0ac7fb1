/**
 * How much of a SQLite file one connection keeps at hand: its page cache (`cache_size`) and the
 * part of the file it reads through a memory map (`mmap_size`). better-sqlite3's build gives
 * 16,000 KiB of cache and no map. At a million users (a 443 MB file) a lookup of a random user
 * then copies most of its pages in again through read(2); mapped, it reads them where the
 * operating system's file cache already holds them. Measured (BENCHMARKS.md, "Issue 14, fifth
 * round"): a 1 GiB map took `users.get` from 23 to 16 µs once the pages had been touched, and a
 * larger page cache, up to 256 MiB, changed nothing beyond the noise; so only the map has a default.
 * Durability is untouched: `synchronous` and the journal mode are not set here.
 */

/** The memory map and page cache of a SQLite connection (`sqliteUserDatabase`, `setSqliteCache`). */
export interface SqliteCacheOptions {
  /**
   * KiB of page cache for this connection (`PRAGMA cache_size = -N`; default: not set, which
   * is better-sqlite3's 16000). The cache is memory of this process, taken as pages are read,
   * up to this bound, for each connection. With the file mapped it holds little besides the
   * pages being written, so raise it only with `mmapSizeBytes: 0`.
   */
  cacheSizeKiB?: number
  /**
   * Bytes of the database file read through a memory map (`PRAGMA mmap_size`; default
   * 1073741824, 1 GiB; 0 turns the map off; better-sqlite3 caps it at 2147418112). Mapped
   * pages are the operating system's file cache, shared and reclaimable, not a copy in the
   * process's own memory (though they count in its RSS), and a read of one costs no system
   * call. The prices: the first touch of each page costs a page fault (the first lookups of a
   * new process are slower: 48 µs against 25 for `users.get` at a million users), and an I/O
   * error on a mapped page (a failing disk, a file truncated by another process, a network file
   * system) arrives as SIGBUS and ends the process, where read(2) would have failed one query:
   * keep it at 0 for a database on a network file system. A `:memory:` database has no file and
   * ignores it.
   */
  mmapSizeBytes?: number
}

export const DEFAULT_SQLITE_MMAP_BYTES = 1024 * 1024 * 1024

/**
 * Sets the page cache and memory map of a better-sqlite3 connection (typed by its `pragma`
 * method alone, so that an application without better-sqlite3 needs none of its types). Call
 * it right after opening, before the first query.
 *
 * @throws TypeError when a size is not a whole number ≥ 0.
 * @example
 * ```ts
 * const client = new Database('users.db')
 * setSqliteCache(client, { mmapSizeBytes: 256 * 1024 * 1024 })
 * ```
 */
export function setSqliteCache(database: { pragma(source: string): unknown }, options: SqliteCacheOptions = {}): void {
  for (const pragma of sqliteCachePragmas(options)) database.pragma(pragma)
}

/**
 * The pragmas that set `options` (the defaults where not given), checked before any connection
 * is opened.
 *
 * @throws TypeError when a size is not a whole number ≥ 0.
 */
export function sqliteCachePragmas(options: SqliteCacheOptions): string[] {
  const pragmas = [`mmap_size = ${size(options.mmapSizeBytes ?? DEFAULT_SQLITE_MMAP_BYTES, 'mmapSizeBytes')}`]
  // A negative cache_size counts KiB; a positive one counts pages, whose size is the file's.
  if (options.cacheSizeKiB !== undefined) pragmas.push(`cache_size = -${size(options.cacheSizeKiB, 'cacheSizeKiB')}`)
  return pragmas
}

function size(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new TypeError(`${name} must be a whole number ≥ 0`)
  return value
}
