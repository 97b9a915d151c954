import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** Length of the random part: 22 base62 characters ≈ 131 bits, like Close's newer ids. */
export const ID_RANDOM_LENGTH = 22;

export type IdPrefix =
  | 'orga' | 'user' | 'api' | 'oat' | 'stat' | 'pipe' | 'lead' | 'cont' | 'oppo' | 'task'
  | 'acti' | 'cf' | 'cotype' | 'custobj' | 'save' | 'expo';

/**
 * A new Close-style id such as `lead_4ZdiZqcSIkoGVnNOyxiEY5`.
 * `randomByte` lets the seeder draw from a deterministic generator instead of the CSPRNG.
 */
export function newId(prefix: IdPrefix, randomByte: () => number = cryptoByte): string {
  let out = `${prefix}_`;
  while (out.length < prefix.length + 1 + ID_RANDOM_LENGTH) {
    const byte = randomByte();
    // 248 = 4 × 62: rejecting the top 8 values keeps every character equally likely.
    if (byte < 248) out += ALPHABET[byte % 62];
  }
  return out;
}

let pool = Buffer.alloc(0);
let offset = 0;
function cryptoByte(): number {
  if (offset >= pool.length) {
    pool = randomBytes(4096);
    offset = 0;
  }
  return pool[offset++];
}
