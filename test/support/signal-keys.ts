import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A simulated MNO's signal key, as the local runtime wrote it among the MNOs' inbound keys in its data folder. */
export const signalKeyIn = (dataDir: string, mno: string) =>
  (JSON.parse(readFileSync(join(dataDir, 'mno-credentials.json'), 'utf8')) as Record<string, { signalKey: string }>)[`secret://mno-inbound/${mno}`]!.signalKey;
