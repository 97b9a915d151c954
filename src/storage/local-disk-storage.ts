import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import type { ExportStorage, PendingObject } from './export-storage.js';

/**
 * Export files on the local disk, under `root` (default `$DATA_DIR/exports`). Temporary files
 * live in `root/.tmp` on the same file system, so publishing is one `rename(2)`.
 */
export class LocalDiskStorage implements ExportStorage {
  private readonly tmpDir: string;

  constructor(private readonly root: string) {
    this.tmpDir = path.join(root, '.tmp');
    fs.mkdirSync(this.tmpDir, { recursive: true });
  }

  async create(key: string): Promise<PendingObject> {
    const target = this.pathOf(key);
    const temporary = path.join(this.tmpDir, `${path.basename(target)}.${randomBytes(6).toString('hex')}`);
    const stream = fs.createWriteStream(temporary, { flags: 'wx' });
    // Surface open errors (missing directory, no permission) here, as a rejection, rather than
    // as an 'error' event on a stream nobody listens to yet.
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
    let settled = false;
    const discard = async () => {
      settled = true;
      stream.destroy();
      await fs.promises.rm(temporary, { force: true });
    };
    return {
      stream,
      discard,
      publish: async () => {
        if (settled) throw new Error(`the upload of ${key} was already published or discarded`);
        settled = true;
        if (!stream.writableFinished) await finished(stream);
        const handle = await fs.promises.open(temporary, 'r');
        try {
          await handle.sync(); // the bytes are on disk before the name points at them
        } finally {
          await handle.close();
        }
        await fs.promises.mkdir(path.dirname(target), { recursive: true });
        await fs.promises.rename(temporary, target);
        const { size } = await fs.promises.stat(target);
        return { key, size };
      },
    };
  }

  async open(key: string) {
    const file = this.pathOf(key);
    try {
      const { size } = await fs.promises.stat(file);
      return { stream: fs.createReadStream(file), size };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await fs.promises.rm(this.pathOf(key), { force: true });
  }

  async removeAbandoned(olderThanMs: number): Promise<number> {
    let removed = 0;
    for (const name of await fs.promises.readdir(this.tmpDir).catch(() => [] as string[])) {
      const file = path.join(this.tmpDir, name);
      const stat = await fs.promises.stat(file).catch(() => undefined);
      if (stat && Date.now() - stat.mtimeMs > olderThanMs) {
        await fs.promises.rm(file, { force: true });
        removed += 1;
      }
    }
    return removed;
  }

  /** Keys are ours (`orga_…/expo_….csv.gz`), but never let one escape the root. */
  private pathOf(key: string): string {
    if (!/^[\w.-]+(\/[\w.-]+)*$/.test(key) || key.split('/').some((part) => part === '..' || part === '.')) {
      throw new Error(`invalid storage key ${JSON.stringify(key)}`);
    }
    return path.join(this.root, key);
  }
}
