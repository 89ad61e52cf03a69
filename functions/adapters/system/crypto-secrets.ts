import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Secrets } from '../../core/ports';

/** 256-bit random tokens, SHA-256 hashes, random UUIDs. */
export const cryptoSecrets: Secrets = {
  token: () => randomBytes(32).toString('base64url'),
  hash: (token) => createHash('sha256').update(token).digest('base64url'),
  id: () => randomUUID(),
};
