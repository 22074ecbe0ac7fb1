/**
 * A software WebAuthn authenticator for route tests: ES256 keys from node:crypto, attestation
 * "none", discoverable credentials, a signature counter, and the answers serialized as
 * browsers' `PublicKeyCredential.toJSON()` does. Knobs let a test make it misbehave (a counter
 * that does not move, no user verification, another origin).
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto'

type Cbor = number | string | Uint8Array | Map<Cbor, Cbor>

function head(major: number, value: number): Buffer {
  if (value < 24) return Buffer.from([(major << 5) | value])
  if (value < 0x100) return Buffer.from([(major << 5) | 24, value])
  if (value < 0x10000) return Buffer.from([(major << 5) | 25, value >> 8, value & 0xff])
  const out = Buffer.alloc(5)
  out[0] = (major << 5) | 26
  out.writeUInt32BE(value, 1)
  return out
}

/** The CBOR of the few types COSE keys and attestation objects use. */
export function cbor(value: Cbor): Buffer {
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value)
  if (typeof value === 'string') return Buffer.concat([head(3, Buffer.byteLength(value)), Buffer.from(value)])
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), value])
  const parts = [head(5, value.size)]
  for (const [k, v] of value) parts.push(cbor(k), cbor(v))
  return Buffer.concat(parts)
}

const b64 = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64url')
const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest()

interface Credential {
  id: Buffer
  privateKey: KeyObject
  publicKeyCose: Buffer
  userHandle: string
  counter: number
}

export interface AuthenticatorBehaviour {
  origin: string
  /** Whether the user is verified (UV flag). */
  userVerified?: boolean
  /** Added to the counter at each signature; 0 for an authenticator that keeps none. */
  counterStep?: number
}

export class SoftAuthenticator {
  readonly credentials: Credential[] = []
  behaviour: Required<AuthenticatorBehaviour>

  constructor(behaviour: AuthenticatorBehaviour) {
    this.behaviour = { userVerified: true, counterStep: 1, ...behaviour }
  }

  /** Answers `navigator.credentials.create({ publicKey })`: a new credential, or `reuse` attested again. */
  create(publicKey: Record<string, any>, reuse?: Credential): Record<string, any> {
    const credential = reuse ?? this.#newCredential(publicKey.user.id)
    const { id, publicKeyCose: cose } = credential
    const clientData = this.#clientData('webauthn.create', publicKey.challenge)
    const authData = Buffer.concat([
      this.#authDataHead(publicKey.rp.id, 0x40, credential.counter),
      Buffer.alloc(16), Buffer.from([0, id.length]), id, cose,
    ])
    const attestationObject = cbor(new Map<Cbor, Cbor>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]))
    return {
      id: b64(id), rawId: b64(id), type: 'public-key', authenticatorAttachment: 'platform', clientExtensionResults: {},
      response: { clientDataJSON: b64(clientData), attestationObject: b64(attestationObject), transports: ['internal'] },
    }
  }

  #newCredential(userHandle: string): Credential {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const jwk = publicKey.export({ format: 'jwk' })
    const cose = cbor(new Map<Cbor, Cbor>([[1, 2], [3, -7], [-1, 1], [-2, Buffer.from(jwk.x!, 'base64url')], [-3, Buffer.from(jwk.y!, 'base64url')]]))
    const credential: Credential = { id: randomBytes(16), privateKey, publicKeyCose: cose, userHandle, counter: 0 }
    this.credentials.push(credential)
    return credential
  }

  /** Answers `navigator.credentials.get({ publicKey })` with a discoverable credential (the first, or `index`). */
  get(publicKey: Record<string, any>, index = 0): Record<string, any> {
    const credential = this.credentials[index]!
    credential.counter += this.behaviour.counterStep
    return this.assert(credential, publicKey.rpId, publicKey.challenge, credential.counter)
  }

  /** An assertion with a chosen counter, for replays. */
  assert(credential: Credential, rpId: string, challenge: string, counter: number): Record<string, any> {
    const clientData = this.#clientData('webauthn.get', challenge)
    const authData = this.#authDataHead(rpId, 0, counter)
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientData)]), credential.privateKey)
    return {
      id: b64(credential.id), rawId: b64(credential.id), type: 'public-key', authenticatorAttachment: 'platform', clientExtensionResults: {},
      response: { clientDataJSON: b64(clientData), authenticatorData: b64(authData), signature: b64(signature), userHandle: credential.userHandle },
    }
  }

  #clientData(type: string, challenge: string): string {
    return JSON.stringify({ type, challenge, origin: this.behaviour.origin, crossOrigin: false })
  }

  #authDataHead(rpId: string, extraFlags: number, counter: number): Buffer {
    const flags = 0x01 | (this.behaviour.userVerified ? 0x04 : 0) | extraFlags
    const count = Buffer.alloc(4)
    count.writeUInt32BE(counter)
    return Buffer.concat([sha256(rpId), Buffer.from([flags]), count])
  }
}
