import { fileURLToPath } from 'node:url';

/** Where the versioned MySQL schema lives, wherever the code runs from. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
