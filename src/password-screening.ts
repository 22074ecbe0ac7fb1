/**
 * Context-aware screening of new passwords with zxcvbn-ts (`@zxcvbn-ts/core` and the
 * `@zxcvbn-ts/language-common` dictionaries): it finds what a guesser tries first (sequences,
 * repetitions, keyboard walks, common passwords and words, dates, the user's own email and its
 * parts, the service's name) and estimates the guesses a password needs. NIST SP 800-63B
 * 5.1.1.2 asks verifiers to refuse such "expected or compromised" values; ASVS 5.0 V6.2.
 *
 * Cost: zxcvbn runs on the event loop, a few milliseconds per call for ordinary passwords,
 * more for long crafted ones, so only the first `SCREENED_LENGTH` characters are analysed (a
 * password whose first 64 characters are that guessable is refused; a longer one is judged on
 * them), and l33t substitutions are capped. The matcher is built at the first call.
 */
import { ZxcvbnFactory, type MatchExtended } from '@zxcvbn-ts/core'
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common'

/** zxcvbn's "somewhat guessable" bound: a million guesses, far beyond a throttled online attack. */
export const DEFAULT_MIN_GUESSES = 1e6
/** Characters analysed (zxcvbn's own cap is 256, at many times the cost). */
export const SCREENED_LENGTH = 64

const REASONS = {
  repeat: 'Password should not repeat characters or words',
  sequence: 'Password should not be a sequence such as abc or 123',
  spatial: 'Password should not be a keyboard pattern such as qwerty',
  userInputs: 'Password should not contain the e-mail address, its parts or the name of the service',
  dictionary: 'Password is too common',
  date: 'Password should not be a date or a year',
  guessable: 'Password is too easy to guess',
} as const

let factory: ZxcvbnFactory | null = null

function matcher(): ZxcvbnFactory {
  factory ??= new ZxcvbnFactory({
    dictionary,
    graphs: adjacencyGraphs,
    maxLength: SCREENED_LENGTH,
    l33tMaxSubstitutions: 4,
  })
  return factory
}

/**
 * Why `password` is too guessable for a user of `email` (and of the services named), or null.
 *
 * @example
 * screenPassword('qwertyuiopasdfg', 'king.arthur@camelot.bt') // 'Password should not be a keyboard pattern such as qwerty'
 * screenPassword('camelot-arthur', 'king.arthur@camelot.bt') // 'Password should not contain the e-mail address, …'
 * screenPassword('correct horse battery staple', 'king.arthur@camelot.bt') // null
 */
export function screenPassword(
  password: string,
  email: string,
  options: { serviceNames?: readonly string[]; minGuesses?: number } = {},
): string | null {
  const result = matcher().check(password, userInputs(email, options.serviceNames ?? []))
  if (result.guesses >= (options.minGuesses ?? DEFAULT_MIN_GUESSES)) return null
  return reason(result.sequence)
}

/** The email, its local part and domain and their words, and the service names. */
function userInputs(email: string, serviceNames: readonly string[]): string[] {
  const at = email.lastIndexOf('@')
  const local = at === -1 ? email : email.slice(0, at)
  const domain = at === -1 ? '' : email.slice(at + 1)
  const words = `${local}.${domain}`.split(/[^\p{L}\p{N}]+/u).filter((word) => word.length >= 3)
  return [...new Set([email, local, domain, ...words, ...serviceNames].filter((input) => input !== '').map((input) => input.toLowerCase()))]
}

/** The reason of the longest pattern zxcvbn found (brute force is no pattern). */
function reason(sequence: MatchExtended[]): string {
  const patterns = sequence.filter((match) => match.pattern !== 'bruteforce' && match.pattern !== 'separator')
  const longest = patterns.reduce<MatchExtended | null>((best, match) => (best === null || match.token.length > best.token.length ? match : best), null)
  if (longest === null) return REASONS.guessable
  switch (longest.pattern) {
    case 'repeat':
      return REASONS.repeat
    case 'sequence':
      return REASONS.sequence
    case 'spatial':
      return REASONS.spatial
    case 'date':
    case 'regex':
      return REASONS.date
    case 'dictionary':
      return 'dictionaryName' in longest && longest.dictionaryName === 'userInputs' ? REASONS.userInputs : REASONS.dictionary
    default:
      return REASONS.guessable
  }
}
