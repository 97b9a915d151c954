import { createHash } from 'node:crypto';
import { newId, type IdPrefix } from '../db/ids.js';

/**
 * The id an imported object gets in `organizationId` when its own id (`fileId`) is taken by
 * another row, typically the same object in the organization the file was exported from: a
 * Close-style id drawn from SHA-256(organization, file id) instead of the CSPRNG. Pure.
 *
 * Being a function of the organization and the file id (and still 131 unpredictable-looking
 * bits), the same file imported twice into the same organization gives the same ids, so the
 * second import finds its leads again (refused, or replaced with `--replace`), and the links
 * between objects are the same every time.
 */
export function derivedId(prefix: IdPrefix, organizationId: string, fileId: string): string {
  let block = 0;
  let digest = Buffer.alloc(0);
  let offset = 0;
  return newId(prefix, () => {
    if (offset >= digest.length) {
      // Rejection sampling in `newId` may want more than one digest's 32 bytes.
      digest = createHash('sha256').update(`${organizationId}\u0000${fileId}\u0000${block++}`).digest();
      offset = 0;
    }
    return digest[offset++];
  });
}
