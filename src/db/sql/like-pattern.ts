/**
 * LIKE patterns from user input: the text matches itself, so that a search for `a_b%` finds
 * only those characters. `!` escapes the wildcards, a character no database's string literals
 * treat specially (unlike `\` on MySQL); use the pattern with `ESCAPE '!'`.
 */

/**
 * @example
 * ```ts
 * likeLiteral('50%_off!') // '50!%!_off!!'
 * ```
 */
export function likeLiteral(text: string): string {
  return text.replace(/[!%_]/g, (c) => `!${c}`)
}
