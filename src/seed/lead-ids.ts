import { newId, type IdPrefix } from '../db/ids.js';
import type { Random } from './random.js';

/** Base62 characters at the start of every id that encode the lead's place in the run. */
const HEAD_LENGTH = 4;
const HEAD_SLOTS = 62 ** HEAD_LENGTH;

/**
 * The ids of one lead and everything under it: Close-style ids whose first four characters
 * grow with the lead's index in the run (spread over the whole alphabet, so they still look
 * random) and whose other eighteen come from the lead's id stream.
 *
 * Why not fully random ids: the primary keys are B-trees, and random keys send every insert to
 * a random leaf page. Once a table outgrows shared buffers, each insert misses the cache, and
 * after every checkpoint the first change to each page writes a full-page image to the WAL. A
 * 1M-lead seed with random ids wrote 27 GB of WAL for an 11 GB database, 3.3 M full-page images.
 * Ids that follow the load order make the inserts append at the right edge of each index.
 */
export class LeadIds {
  private readonly head: number[] = [];
  private emitted = 0;

  constructor(
    private readonly random: Random,
    leadIndex: number,
    leadsTotal: number,
  ) {
    let slot = Math.min(HEAD_SLOTS - 1, Math.floor(((leadIndex + 0.5) / Math.max(leadsTotal, 1)) * HEAD_SLOTS));
    for (let i = 0; i < HEAD_LENGTH; i++) {
      this.head.unshift(slot % 62);
      slot = Math.floor(slot / 62);
    }
  }

  next(prefix: IdPrefix): string {
    this.emitted = 0;
    return newId(prefix, this.byte);
  }

  // newId maps a byte b < 248 to ALPHABET[b % 62], so the digit values themselves are valid bytes.
  private readonly byte = (): number => (this.emitted < HEAD_LENGTH ? this.head[this.emitted++] : this.random.byte());
}
