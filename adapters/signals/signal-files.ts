import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/**
 * The signals bucket, where MNOs drop CDR files under their own prefix (`<mno id>/<file>.csv`, each
 * signed with the MNO's signal key: cdr-format.ts `signCdr`) and Switchboard writes a report of each file's refused lines
 * (`reports/<key>.json`). In AWS an S3 bucket; locally a folder (SIGNAL_FILES_DIR) the runtime
 * watches as S3 would notify.
 */
export interface SignalFiles {
  /** The file and the signature its MNO gave it (cdr-format.ts `signCdr`), if any. */
  read(key: string): Promise<{ text: string; signature?: string | undefined }>;
  report(key: string, report: unknown): Promise<void>;
}

export const s3SignalFiles = (client: S3Client, bucket: string): SignalFiles => ({
  async read(key) {
    const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return { text: (await object.Body?.transformToString('utf8')) ?? '', signature: object.Metadata?.signature };
  },
  async report(key, report) {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: `reports/${key}.json`, Body: JSON.stringify(report), ContentType: 'application/json' }));
  },
});

/** A key inside the folder, never outside it (a key is the notification's, not ours). */
const inside = (dir: string, key: string) => {
  const path = resolve(dir, key);
  if (!path.startsWith(resolve(dir) + sep)) throw new Error('a signal file key leads outside the folder');
  return path;
};

export const folderSignalFiles = (dir: string): SignalFiles => ({
  async read(key) {
    const path = inside(dir, key);
    const signature = await readFile(`${path}.sig`, 'utf8').then((s) => s.trim(), () => undefined);
    return { text: await readFile(path, 'utf8'), signature };
  },
  async report(key, report) {
    const path = inside(join(dir, 'reports'), `${key}.json`);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await writeFile(path, JSON.stringify(report, null, 2), { mode: 0o600 });
  },
});
