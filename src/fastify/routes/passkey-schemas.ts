/**
 * The named OpenAPI schemas of passkeys' routes. The credentials are what browsers serialize
 * (`PublicKeyCredential.toJSON()`), binary fields in base64url; members not declared here
 * (`clientExtensionResults`, `authenticatorAttachment`…) are accepted and ignored.
 */
import { Type } from 'typebox'

const Base64Url = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: '^[A-Za-z0-9_-]+$' })

/** A credential id: at most 1023 bytes (WebAuthn), 1364 characters in base64url. */
const CredentialId = Base64Url(1364)

export const PasskeyCeremonyResponse = Type.Object(
  {
    challenge_token: Type.String({ description: 'Send it back with the authenticator\'s answer' }),
    expires_in: Type.Integer({ description: 'Seconds the challenge works' }),
    public_key: Type.Object({}, {
      additionalProperties: true,
      description: 'The options for navigator.credentials (PublicKeyCredentialCreationOptionsJSON or PublicKeyCredentialRequestOptionsJSON)',
    }),
  },
  { title: 'PasskeyCeremony' },
)

export const PasskeyRegistrationBody = Type.Object(
  {
    challenge_token: Type.String({ minLength: 1, maxLength: 4096 }),
    credential: Type.Object({
      id: CredentialId,
      rawId: CredentialId,
      type: Type.String({ maxLength: 32 }),
      response: Type.Object({
        clientDataJSON: Base64Url(8192),
        attestationObject: Base64Url(65536),
        transports: Type.Optional(Type.Array(Type.String({ maxLength: 32 }), { maxItems: 16 })),
      }),
    }, { description: 'The answer of navigator.credentials.create(), as PublicKeyCredential.toJSON() gives it' }),
    name: Type.Optional(Type.String({ maxLength: 100, description: 'A label for the user; "Passkey N" by default' })),
  },
  { title: 'PasskeyRegistration' },
)

export const PasskeyLoginBody = Type.Object(
  {
    challenge_token: Type.String({ minLength: 1, maxLength: 4096 }),
    credential: Type.Object({
      id: CredentialId,
      rawId: CredentialId,
      type: Type.String({ maxLength: 32 }),
      response: Type.Object({
        clientDataJSON: Base64Url(8192),
        authenticatorData: Base64Url(8192),
        signature: Base64Url(2048),
        userHandle: Type.Optional(Type.Union([Type.String({ maxLength: 128 }), Type.Null()])),
      }),
    }, { description: 'The answer of navigator.credentials.get(), as PublicKeyCredential.toJSON() gives it' }),
  },
  { title: 'PasskeyLogin' },
)

export const PasskeySchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    created_at: Type.String({ format: 'date-time' }),
    last_used_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    device_type: Type.Union([Type.Literal('singleDevice'), Type.Literal('multiDevice')], { description: 'multiDevice: a synced passkey' }),
    backed_up: Type.Boolean(),
    transports: Type.Array(Type.String()),
  },
  { title: 'Passkey' },
)

export const PasskeyRenameBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 100 }) },
  { title: 'PasskeyRename' },
)

export const PasskeyParams = Type.Object({ id: Type.String({ maxLength: 64 }) })
