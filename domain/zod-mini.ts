import { config } from 'zod/mini';
import { en } from 'zod/locales';

/**
 * zod/mini, as the schemas outside manifest/ import it (`import * as z from '…/domain/zod-mini.ts'`),
 * with English issue messages. zod/mini loads no locale (classic zod loads English): without this,
 * every message would be "Invalid input". Set here, before any of those schemas is built or parsed
 * (a module runs after the modules it imports), the messages stay as the API has always given them
 * (`Too small: expected number to be >0`). manifest/environment.ts, which cannot import the domain,
 * sets them itself.
 */
config(en());

export * from 'zod/mini';
