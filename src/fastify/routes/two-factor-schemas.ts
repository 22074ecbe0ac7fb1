/** The named OpenAPI schemas of two-factor's routes. */
import { Type } from 'typebox'

export const TwoFactorStatusResponse = Type.Object(
  { enabled: Type.Boolean(), recovery_codes_left: Type.Integer() },
  { title: 'TwoFactorStatus' },
)

export const TwoFactorEnrolmentResponse = Type.Object(
  {
    secret: Type.String({ description: 'The TOTP secret in base32, to type into an app by hand' }),
    otpauth_uri: Type.String({ description: 'The otpauth://totp/ URI authenticator apps scan' }),
    qr_code: Type.String({ description: 'The URI as a QR code: an SVG image in a data: URL' }),
  },
  { title: 'TwoFactorEnrolment' },
)

export const RecoveryCodesResponse = Type.Object(
  { recovery_codes: Type.Array(Type.String(), { description: 'Shown this once; each works once' }) },
  { title: 'TwoFactorRecoveryCodes' },
)

export const TwoFactorCodeBody = Type.Object(
  { code: Type.String({ minLength: 1, maxLength: 64 }) },
  { title: 'TwoFactorCode' },
)

export const TwoFactorPasswordBody = Type.Object(
  { password: Type.String({ minLength: 1, maxLength: 4096 }) },
  { title: 'TwoFactorPassword' },
)

/** What a login answers, 202, when the user has two-factor on: no session yet. */
export const TwoFactorChallengeResponse = Type.Object(
  {
    detail: Type.Literal('TWO_FACTOR_REQUIRED'),
    challenge_token: Type.String({ description: 'Present it with a code to POST {backend prefix}/2fa/verify' }),
    expires_in: Type.Integer({ description: 'Seconds the challenge works' }),
  },
  { title: 'TwoFactorChallenge' },
)

export const TwoFactorVerifyBody = Type.Object(
  {
    challenge_token: Type.String({ minLength: 1, maxLength: 4096 }),
    code: Type.String({ minLength: 1, maxLength: 64, description: 'A 6-digit TOTP code or a recovery code' }),
  },
  { title: 'TwoFactorVerify' },
)
