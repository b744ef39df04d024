// The largest backup file a swap takes, in one place for the core (swap-file.ts, the CLI) and the UI, which
// says so before reading a larger file into the page. Pure: imports nothing, so the renderer may use it.
export const BACKUP_FILE_MAX_BYTES = 8 * 1024 * 1024;
