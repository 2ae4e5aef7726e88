/**
 * The payload codec that keeps personal data out of Temporal's history: every payload is sealed with AES-256-GCM
 * under the newest key of a {@link PayloadKeyRing}, and its metadata names only the encoding and the key id.
 * Decoding looks the key up by that id, so payloads sealed under an older key still open after a rotation.
 * Payloads without the encryption marker (histories written before the codec) pass through unchanged.
 * Payloads of {@link COMPRESS_FROM_BYTES} or more (raw usage JSON, long replies) are deflated before sealing when
 * that makes them smaller; the compression is named in the metadata and authenticated with the key id.
 *
 * Pure JS (node:crypto and the SDK's protobuf definitions): it runs inside the OpenClaw gateway too.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import proto from '@temporalio/proto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { PayloadKeyRing } from './keys.ts';

// @temporalio/proto is CommonJS: its namespaces come through the default export under ESM.
const ProtoPayload = proto.temporal.api.common.v1.Payload;

/** The `encoding` metadata value of a sealed payload. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** The metadata header naming the key a payload is sealed under. */
export const KEY_ID_HEADER = 'encryption-key-id';

/** The metadata header of a payload deflated before sealing; its value is {@link DEFLATE_RAW}. */
export const COMPRESSION_HEADER = 'encryption-compression';
const DEFLATE_RAW = 'deflate-raw';
/** Serialized payloads from this size on are deflated (smaller ones gain nothing and only cost time). */
export const COMPRESS_FROM_BYTES = 1024;
/** Inflating never produces more than this (Temporal's own payload limit is far below). */
const MAX_INFLATED_BYTES = 64 * 1024 * 1024;
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
      const serialized = ProtoPayload.encode(payload).finish();
      const deflated = serialized.length >= COMPRESS_FROM_BYTES ? deflateRawSync(serialized) : null;
      const compressed = deflated !== null && deflated.length < serialized.length;
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key.secret, iv);
      cipher.setAAD(additionalData(key.id, compressed ? DEFLATE_RAW : null));
      const sealed = Buffer.concat([iv, cipher.update(compressed ? deflated : serialized), cipher.final(), cipher.getAuthTag()]);
      const metadata: Record<string, Uint8Array> = { encoding: utf8.encode(ENCRYPTED_ENCODING), [KEY_ID_HEADER]: utf8.encode(key.id) };
      if (compressed) metadata[COMPRESSION_HEADER] = utf8.encode(DEFLATE_RAW);
      return { metadata, data: sealed };
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
    const compression = payload.metadata?.[COMPRESSION_HEADER];
    const compressed = compression != null;
    if (compressed && text.decode(compression) !== DEFLATE_RAW) throw new PayloadKeyError(keyId, `an encrypted payload under key "${keyId}" names an unknown compression`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.secret, data.subarray(0, IV_BYTES));
      decipher.setAAD(additionalData(keyId, compressed ? DEFLATE_RAW : null));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      const plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      return ProtoPayload.decode(compressed ? inflateRawSync(plain, { maxOutputLength: MAX_INFLATED_BYTES }) : plain);
    } catch (err) {
      throw new PayloadKeyError(keyId, `a payload under key "${keyId}" does not authenticate with the configured key of that id (${(err as Error).message})`);
    }
  }
}

/** What GCM authenticates besides the ciphertext: the key id, and the compression when there is one. */
function additionalData(keyId: string, compression: string | null): Uint8Array {
  return utf8.encode(compression === null ? keyId : `${keyId}\n${compression}`);
}

/** True when `payload` carries the encryption marker. */
export function isEncrypted(payload: Payload): boolean {
  const encoding = payload.metadata?.encoding;
  return encoding != null && text.decode(encoding) === ENCRYPTED_ENCODING;
}
