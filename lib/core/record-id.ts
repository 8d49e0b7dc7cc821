/**
 * The largest id a row can have: ids are INTEGER columns, 32 bits on PostgreSQL. Apart from
 * the zod schemas (job-schemas.ts): the worker reads job ids (after_ok) and loads no zod.
 */
export const MAX_RECORD_ID = 2_147_483_647;
