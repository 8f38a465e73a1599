/** The dialect's fixed numbers (kept apart from index.ts so implementation files can import them at load time). */

/** Seconds of inactivity before a session ends (the vendor's `session_timeout`). */
export const CB_SESSION_TIMEOUT_S = 900;
/** The vendor's `check_in_timeout`. */
export const CB_CHECK_IN_TIMEOUT_S = 900;
/** Largest upload to a session, bytes. */
export const CB_MAX_UPLOAD_BYTES = 512 * 1024 * 1024;
