import { S3Client } from '@aws-sdk/client-s3';
import { folderSignalFiles, s3SignalFiles, type SignalFiles } from '../../adapters/signals/signal-files.ts';
import { required } from '../../manifest/environment.ts';
import { once } from './signal-wiring.ts';
import { env } from './wiring.ts';

/** The signals bucket (S3 in AWS), or the folder the local runtime watches for it: the file reader's alone. */
export const signalFiles = once((): SignalFiles =>
  env.SIGNALS_BUCKET ? s3SignalFiles(new S3Client({ maxAttempts: 3 }), env.SIGNALS_BUCKET) : folderSignalFiles(required(env, 'SIGNAL_FILES_DIR', 'signal files have no bucket or folder to be read from')),
);
