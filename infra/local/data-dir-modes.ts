import { chmodSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Makes the data folder private to its user: the folder and every folder in it 0700, every file
 * 0600. What it holds is events (DynamoDB Local's database, the event archive, execution histories,
 * the log store) or secrets (MNO credentials, webhook signing secrets, the issuer's private key),
 * or points at them (endpoints, checkpoints, ports). The runtime writes its files 0600 itself;
 * this fixes the modes of files an older run (or DynamoDB Local) left readable. Symbolic links are
 * left alone.
 */
export const secureDataDir = (dir: string) => {
  const walk = (path: string) => {
    let stat;
    try {
      stat = lstatSync(path);
    } catch {
      return; // removed meanwhile
    }
    if (stat.isSymbolicLink()) return;
    if (stat.isDirectory()) {
      if ((stat.mode & 0o777) !== 0o700) chmodSync(path, 0o700);
      for (const name of readdirSync(path)) walk(join(path, name));
    } else if ((stat.mode & 0o777) !== 0o600) {
      chmodSync(path, 0o600);
    }
  };
  walk(dir);
};
