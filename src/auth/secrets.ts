import { createHash, randomBytes } from 'node:crypto';
import { newId } from '../db/ids.js';

/**
 * Credentials are random, high-entropy strings, so a fast digest is enough to store them: a
 * slow password hash would only add latency to every request.
 */
export function digestSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** A new API key `api_<id>.<secret>`: the part before the dot is the row id, shown in lists. */
export function generateApiKey(): { id: string; key: string } {
  const id = newId('api');
  return { id, key: `${id}.${randomBytes(24).toString('base64url')}` };
}

/** A new bearer access token; only its digest is stored. */
export function generateAccessToken(): { id: string; token: string } {
  return { id: newId('oat'), token: randomBytes(32).toString('base64url') };
}
