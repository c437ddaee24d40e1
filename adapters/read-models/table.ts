import { TABLES } from '../../manifest/tables.ts';

/** The read-model table's indexes (manifest/tables.ts describes the table). */
export const BY_LIST = TABLES.readModels.indexes[0].name;
export const BY_STATUS = TABLES.readModels.indexes[1].name;
export const OPEN = TABLES.readModels.indexes[2].name;
