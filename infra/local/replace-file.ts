import { renameSync, writeFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';

/**
 * A file of the data folder written whole: to `<file>.tmp` (mode 0600: the folder is its user's
 * alone), then renamed into place, so a process killed mid-write leaves the last whole file, never
 * a torn one.
 */
export const replaceFileSync = (file: string, text: string) => {
  writeFileSync(`${file}.tmp`, text, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
};

/** The same, off the event loop (for writes on a busy path: the handlers, the engine and the simulators share the process). */
export const replaceFile = async (file: string, text: string) => {
  await writeFile(`${file}.tmp`, text, { mode: 0o600 });
  await rename(`${file}.tmp`, file);
};
