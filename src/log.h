/* log.h — the daemon's one logging channel: stderr in the foreground, syslog
 * when daemonized.  Every message is one line, scrubbed on its way out: the
 * registered secrets replaced, control characters escaped. */
#ifndef VOBIZFS_LOG_H
#define VOBIZFS_LOG_H

#include <stdbool.h>
#include <stddef.h>

enum log_level { LOG_LEVEL_ERROR, LOG_LEVEL_WARN, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

/* Choose the sink and whether debug lines are emitted.  Call before any thread
 * starts; may be called again (e.g. to switch to syslog after daemonizing). */
void log_setup(bool use_syslog, bool debug);

/* While QUIET, only debug lines and findings are emitted: for a caller that
 * reports a failure itself in one line, as the pre-mount check does.  With
 * debug lines enabled (-d) nothing is held back. */
void log_quiet(bool quiet);

/* True when debug lines are emitted (so callers can skip building them). */
bool log_debug_enabled(void);

/* Emit one line at LEVEL, scrubbed as log_scrub(LOG_SCRUB_TEXT) does, so a
 * string from the API or a caller may be passed as it came.  Thread-safe;
 * never fails visibly. */
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A warning about what the API's answers hold (items skipped, a total its
 * pages disagree with): emitted even while quiet, as a refusal line never
 * repeats it and a mount that goes ahead would otherwise never show it. */
void log_finding(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)

/* What replaces a secret in scrubbed text. */
#define LOG_REDACTED "<redacted>"

/* At most this many secrets are registered at once. */
#define LOG_MAX_SECRETS 8

/* Register SECRET (the auth token): from now on it is replaced by
 * LOG_REDACTED in every log line and every string log_scrub() returns.  The
 * string is copied; an empty or NULL SECRET is ignored.  Returns 0, -ENOMEM,
 * or -ENOSPC past LOG_MAX_SECRETS.  Thread-safe. */
int log_add_secret(const char *secret);

/* Forget every secret, wiping the copies.  Thread-safe. */
void log_clear_secrets(void);

enum log_scrub_mode {
	/* For a line of text: every control character is escaped. */
	LOG_SCRUB_TEXT,
	/* For a JSON string value: C0 controls (newline, ESC, ...) are kept, as
	 * the JSON encoder escapes them itself (\n, \u001b) and the value then
	 * reads back exactly; what JSON would carry raw is escaped. */
	LOG_SCRUB_JSON,
};

/* Copy IN to OUT (OUTLEN bytes, NUL-terminated; OUTLEN 0 writes nothing),
 * with every registered secret replaced by LOG_REDACTED — also one cut short
 * at the very end of IN (a message a length limit truncated), once at least 8
 * of its characters are left — and written as \xHH: C0 controls (in
 * LOG_SCRUB_TEXT), DEL, C1 controls (U+0080..U+009F) and every byte that is
 * not part of well-formed UTF-8.  Scrubbing scrubbed text changes nothing
 * (for secrets of letters, digits and '-', '_', '.', as tokens are).
 * Output that does not fit is cut before a whole character, escape or
 * LOG_REDACTED, never inside one.  A NULL IN reads as "".  Returns the length
 * the whole output needs (like snprintf: >= OUTLEN means it was cut).
 * Thread-safe. */
size_t log_scrub(const char *in, char *out, size_t outlen, enum log_scrub_mode mode);

/* log_scrub() into a new string the caller frees; NULL when out of memory.
 * A NULL IN gives NULL. */
char *log_scrub_dup(const char *in, enum log_scrub_mode mode);

#endif
