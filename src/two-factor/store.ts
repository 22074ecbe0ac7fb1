/**
 * Where two-factor state lives: one record per user (the TOTP secret, encrypted, and the
 * counters that make codes and challenges single-use) and the user's recovery codes, stored
 * only as keyed hashes. Every method that uses something up is one conditional write, so that
 * two requests presenting the same code, on one instance or several, cannot both succeed.
 */

export interface TwoFactorRecord {
  userId: string
  /** The TOTP secret, sealed with the encryption key (see secret-box.ts). */
  sealedSecret: string
  /** When the user confirmed the enrolment with a first code (Unix seconds); `null` while pending. */
  enabledAt: number | null
  /** The last TOTP time step accepted: a code of that step or an earlier one is refused. */
  lastStep: number
  /** Bumped by every successful second factor: a challenge names the generation it was issued at. */
  generation: number
}

export interface TwoFactorStore {
  /** The user's record, pending or enabled, or `null`. */
  get(userId: string): Promise<TwoFactorRecord | null>
  /**
   * Starts an enrolment: stores a pending record with this secret, replacing a pending one.
   * Returns `false`, changing nothing, when two-factor is already enabled for the user.
   */
  enrol(userId: string, sealedSecret: string): Promise<boolean>
  /**
   * Enables a pending enrolment of this secret, with the step of its first code used up.
   * Returns `false` when the record is not pending with that secret any more.
   */
  enable(userId: string, sealedSecret: string, step: number, now: number): Promise<boolean>
  /**
   * Uses up a TOTP step: succeeds only when the record is enabled, still at `generation`, and
   * `step` is later than its last accepted step; then bumps the generation.
   */
  useStep(userId: string, generation: number, step: number): Promise<boolean>
  /**
   * Uses up a recovery code (its hash) of a record still at `generation`, bumping the
   * generation. Returns `false` when the code is unknown, used, or the generation moved on.
   */
  useRecoveryCode(userId: string, generation: number, codeHash: string): Promise<boolean>
  /** Replaces all the user's recovery codes with these hashes. */
  replaceRecoveryCodes(userId: string, codeHashes: readonly string[]): Promise<void>
  /** How many unused recovery codes the user has. */
  countRecoveryCodes(userId: string): Promise<number>
  /** Forgets the user's record and recovery codes (disable, user deleted). */
  delete(userId: string): Promise<void>
}
