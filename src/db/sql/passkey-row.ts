/**
 * A passkey as a row of `fastify_users_passkey` and back, for the SQL passkey stores (Kysely,
 * Drizzle): transports as JSON text, `backed_up` as 0/1, the public key as bytes.
 */
import { formatTransports, parseDeviceType, parseTransports } from '../../passkeys/record-codec.ts'
import type { PasskeyRecord } from '../../passkeys/store.ts'

export function passkeyRowOf(record: PasskeyRecord) {
  return {
    id: record.id,
    user_id: record.userId,
    credential_id: record.credentialId,
    public_key: Buffer.from(record.publicKey),
    counter: record.counter,
    transports: formatTransports(record.transports),
    device_type: record.deviceType,
    backed_up: record.backedUp ? 1 : 0,
    name: record.name,
    created_at: record.createdAt,
    last_used_at: record.lastUsedAt,
  }
}

export function passkeyRecordOfRow(row: Record<string, unknown>): PasskeyRecord {
  return {
    id: String(row['id']),
    userId: String(row['user_id']),
    credentialId: String(row['credential_id']),
    publicKey: new Uint8Array(row['public_key'] as Uint8Array),
    counter: Number(row['counter']),
    transports: parseTransports(row['transports']),
    deviceType: parseDeviceType(row['device_type']),
    backedUp: Number(row['backed_up']) === 1,
    name: String(row['name']),
    createdAt: Number(row['created_at']),
    lastUsedAt: row['last_used_at'] == null ? null : Number(row['last_used_at']),
  }
}
