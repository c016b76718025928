/* log.h — the daemon's one logging channel: stderr in the foreground, syslog
 * when daemonized.  Every message is one line; nothing here ever sees a secret. */
#ifndef VOBIZFS_LOG_H
#define VOBIZFS_LOG_H

#include <stdbool.h>

enum log_level { LOG_LEVEL_ERROR, LOG_LEVEL_WARN, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

/* Choose the sink and whether debug lines are emitted.  Call before any thread
 * starts; may be called again (e.g. to switch to syslog after daemonizing). */
void log_setup(bool use_syslog, bool debug);

/* While QUIET, only debug lines (when enabled) are emitted: for a caller that
 * reports the outcome itself in one line, as the pre-mount check does. */
void log_quiet(bool quiet);

/* True when debug lines are emitted (so callers can skip building them). */
bool log_debug_enabled(void);

/* Emit one line at LEVEL.  Thread-safe; never fails visibly. */
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)

#endif
