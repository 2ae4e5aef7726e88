/**
 * The payload codec that keeps personal data out of Temporal's history: every payload is sealed with AES-256-GCM
 * under the newest key of a {@link PayloadKeyRing}, and its metadata names only the encoding and the key id.
 * Decoding looks the key up by that id, so payloads sealed under an older key still open after a rotation.
 * Payloads without the encryption marker (histories written before the codec) pass through unchanged.
 *
 * Pure JS (node:crypto and the SDK's protobuf definitions): it runs inside the OpenClaw gateway too.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import proto from '@temporalio/proto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { PayloadKeyRing } from './keys.ts';

// @temporalio/proto is CommonJS: its namespaces come through the default export under ESM.
const ProtoPayload = proto.temporal.api.common.v1.Payload;

/** The `encoding` metadata value of a sealed payload. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** The metadata header naming the key a payload is sealed under. */
export const KEY_ID_HEADER = 'encryption-key-id';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const utf8 = new TextEncoder();
const text = new TextDecoder();

/** A payload cannot be sealed or opened; the message names the key id and what to do. Never a plain-text fallback. */
export class PayloadKeyError extends Error {
  override name = 'PayloadKeyError' as const;
  constructor(
    readonly keyId: string | null,
    message: string,
  ) {
    super(message);
  }
}

/** AES-256-GCM over the whole serialized payload (data and metadata), authenticated with its key id. */
export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly ring: PayloadKeyRing) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const key = this.ring.newest();
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key.secret, iv);
      cipher.setAAD(utf8.encode(key.id));
      const sealed = Buffer.concat([iv, cipher.update(ProtoPayload.encode(payload).finish()), cipher.final(), cipher.getAuthTag()]);
      return { metadata: { encoding: utf8.encode(ENCRYPTED_ENCODING), [KEY_ID_HEADER]: utf8.encode(key.id) }, data: sealed };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => (isEncrypted(payload) ? this.#open(payload) : payload));
  }

  #open(payload: Payload): Payload {
    const idBytes = payload.metadata?.[KEY_ID_HEADER];
    if (idBytes == null) throw new PayloadKeyError(null, `an encrypted payload has no ${KEY_ID_HEADER} header`);
    const keyId = text.decode(idBytes);
    const key = this.ring.find(keyId);
    const data = payload.data ?? new Uint8Array();
    if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadKeyError(keyId, `an encrypted payload under key "${keyId}" is truncated`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.secret, data.subarray(0, IV_BYTES));
      decipher.setAAD(idBytes);
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      const plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      return ProtoPayload.decode(plain);
    } catch (err) {
      throw new PayloadKeyError(keyId, `a payload under key "${keyId}" does not authenticate with the configured key of that id (${(err as Error).message})`);
    }
  }
}

/** True when `payload` carries the encryption marker. */
export function isEncrypted(payload: Payload): boolean {
  const encoding = payload.metadata?.encoding;
  return encoding != null && text.decode(encoding) === ENCRYPTED_ENCODING;
}
