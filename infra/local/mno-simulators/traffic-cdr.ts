import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { MAX_CDR_BYTES, MAX_CDR_LINES } from '../../../adapters/signals/cdr-format.ts';
import { writeCdr } from '../../../adapters/signals/cdr-write.ts';
import type { PushRecord } from '../../../adapters/signals/push-format.ts';

/**
 * Delivers a simulated MNO's records as a batch MNO does: CDR files (adapters/signals/cdr-format.ts)
 * dropped in a folder (the local stand-in for its S3 bucket), one a call or one per
 * `maxRecordsPerFile` records, named `<mnoId>-<epoch ms>-<counter>.csv` (the counter zero-padded to
 * six digits, so that names sort in the order written). Each is written whole or not at all: to
 * `<name>.tmp` (0600), synced, then renamed; the folder is made 0700 when missing. Throws when a
 * file cannot be written, so the traffic generator keeps the records; the error's `delivered`
 * counts those of the files written before it.
 */
export interface CdrDelivererOptions {
  dir: string;
  /** In file names (anything but A-Z a-z 0-9 . _ - becomes _, no leading dot). */
  mnoId: string;
  now?: () => number;
  /** Records a file, 1–199 999 (default 10 000). */
  maxRecordsPerFile?: number;
  /** Signs a file (its name and text) as its MNO does: adapters/signals/cdr-format.ts `signCdr` with the MNO's signal key and the object key. */
  sign?: ((name: string, text: string) => string) | undefined;
}

export class CdrDeliveryFailed extends Error {
  constructor(
    message: string,
    /** Records written (in earlier files of this call) before it failed. */
    readonly delivered: number,
  ) {
    super(message);
    this.name = 'CdrDeliveryFailed';
  }
}

const writeAtomically = async (path: string, text: string) => {
  const tmp = `${path}.tmp`;
  let file;
  try {
    file = await open(tmp, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    await unlink(tmp); // left by a crash: it was never renamed, so never read
    file = await open(tmp, 'wx', 0o600);
  }
  try {
    await file.writeFile(text, 'utf8');
    await file.sync();
    await file.close();
    await rename(tmp, path);
  } catch (error) {
    await file.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw error;
  }
};

export const cdrDeliverer = (options: CdrDelivererOptions) => {
  const { dir } = options;
  const now = options.now ?? Date.now;
  const perFile = options.maxRecordsPerFile ?? 10_000;
  if (!Number.isInteger(perFile) || perFile < 1 || perFile > MAX_CDR_LINES - 1) throw new RangeError(`maxRecordsPerFile is 1–${MAX_CDR_LINES - 1}`);
  const mnoId = options.mnoId.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '').slice(0, 80) || 'mno';
  let counter = 0;

  return async (records: PushRecord[]): Promise<void> => {
    let delivered = 0;
    for (let i = 0; i < records.length; i += perFile) {
      const chunk = records.slice(i, i + perFile);
      counter += 1;
      const name = `${mnoId}-${now()}-${String(counter).padStart(6, '0')}.csv`;
      try {
        const text = writeCdr(chunk);
        if (Buffer.byteLength(text, 'utf8') > MAX_CDR_BYTES) throw new RangeError(`over ${MAX_CDR_BYTES / 1024 / 1024} MB; lower maxRecordsPerFile`);
        await mkdir(dir, { recursive: true, mode: 0o700 });
        // Its signature first (`<name>.sig`, as S3 would keep it in the object's metadata), then the file, so a file is never seen unsigned.
        if (options.sign) await writeAtomically(join(dir, `${name}.sig`), options.sign(name, text));
        await writeAtomically(join(dir, name), text);
      } catch (error) {
        throw new CdrDeliveryFailed(`CDR file ${name} in ${dir}: ${error instanceof Error ? error.message : String(error)}`, delivered);
      }
      delivered += chunk.length;
    }
  };
};
