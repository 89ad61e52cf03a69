import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { unavailable } from '../../core/errors';
import type { Sealer } from '../../core/ports';

/**
 * Where data keys come from: a master key that never leaves its holder wraps a fresh 256-bit
 * key for every sealed value. Locally a key file (`localKeyWrapper`); in AWS a KMS key
 * (adapters/kms/kms-key-wrapper.ts), so the master key is never in the function's memory.
 */
export interface KeyWrapper {
  /** Names the wrapper in the sealed value, so a value sealed elsewhere is refused by name. */
  readonly id: string;
  newDataKey(context: Record<string, string>): Promise<{ plaintext: Uint8Array; wrapped: Uint8Array }>;
  unwrap(wrapped: Uint8Array, context: Record<string, string>): Promise<Uint8Array>;
}

const VERSION = 'v1';
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
/** The context as authenticated data: key order must not matter. */
const aad = (context: Record<string, string>) => Buffer.from(JSON.stringify(Object.entries(context).sort(([a], [b]) => a.localeCompare(b))));

/**
 * Envelope encryption with AES-256-GCM: `v1.<wrapper>.<wrapped data key>.<iv>.<ciphertext+tag>`.
 * The context is authenticated data for both the value and (by the wrapper) its data key.
 */
export function envelopeSealer(wrapper: KeyWrapper): Sealer {
  return {
    async seal(plaintext, context) {
      const key = await wrapper.newDataKey(context);
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key.plaintext, iv);
      cipher.setAAD(aad(context));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return [VERSION, wrapper.id, b64(key.wrapped), b64(iv), b64(body)].join('.');
    },
    async open(sealed, context) {
      const [version, id, wrapped, iv, body] = sealed.split('.');
      if (version !== VERSION || id !== wrapper.id || !wrapped || !iv || !body) throw new Error(`sealed value not from this key (${version}.${id})`);
      const key = await wrapper.unwrap(Buffer.from(wrapped, 'base64url'), context);
      const bytes = Buffer.from(body, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(aad(context));
      decipher.setAuthTag(bytes.subarray(bytes.length - 16));
      return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString('utf8');
    },
  };
}

/** Wraps data keys with a 256-bit master key held by this process (the local platform, tests). */
export function localKeyWrapper(masterKey: Uint8Array): KeyWrapper {
  if (masterKey.length !== 32) throw new Error('the allocation key must be 32 bytes');
  return {
    id: 'local',
    async newDataKey(context) {
      const plaintext = randomBytes(32);
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', masterKey, iv);
      cipher.setAAD(aad(context));
      return { plaintext, wrapped: Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]) };
    },
    async unwrap(wrapped, context) {
      const bytes = Buffer.from(wrapped);
      const decipher = createDecipheriv('aes-256-gcm', masterKey, bytes.subarray(0, 12));
      decipher.setAAD(aad(context));
      decipher.setAuthTag(bytes.subarray(bytes.length - 16));
      return Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]);
    },
  };
}

/**
 * The local allocation key: 32 random bytes in a file readable by its owner only, created on
 * first use. Whoever can read this file (and the database) can read the sealed allocation state.
 */
export function loadOrCreateKeyFile(path: string): Uint8Array {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
  }
  chmodSync(path, 0o600);
  const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`${path} does not hold a 32-byte base64 key`);
  return key;
}

/** A deployment with no allocation key: studies that allocate answer 503 with what to configure. */
export const missingKeySealer: Sealer = {
  seal: () => Promise.reject(unavailable('randomisation is not configured on this deployment: it needs TIMEPOINT_ALLOCATION_KMS_KEY (AWS) or TIMEPOINT_ALLOCATION_KEY_FILE (local)')),
  open: () => Promise.reject(unavailable('randomisation is not configured on this deployment: it needs TIMEPOINT_ALLOCATION_KMS_KEY (AWS) or TIMEPOINT_ALLOCATION_KEY_FILE (local)')),
};
