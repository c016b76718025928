/* log.c — one line per message, to stderr or syslog.  The sink is chosen with
 * atomics so a log line racing with log_setup() never sees a torn state. */
#include "log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <syslog.h>
#include <time.h>

static atomic_bool to_syslog;
static atomic_bool debug_on;
static atomic_bool quiet;

void log_setup(bool use_syslog, bool debug)
{
	if (use_syslog && !atomic_load(&to_syslog))
		openlog("vobizfs", LOG_PID, LOG_DAEMON);
	atomic_store(&to_syslog, use_syslog);
	atomic_store(&debug_on, debug);
}

void log_quiet(bool on)
{
	atomic_store(&quiet, on);
}

bool log_debug_enabled(void)
{
	return atomic_load(&debug_on);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	static const int syslog_prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	static const char *const label[] = { "error", "warning", "info", "debug" };
	char line[1024];
	va_list ap;

	if (level == LOG_LEVEL_DEBUG ? !log_debug_enabled() : atomic_load(&quiet))
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);

	if (atomic_load(&to_syslog)) {
		syslog(syslog_prio[level], "%s", line);
		return;
	}
	/* One fprintf per line: stdio locks the stream, so lines never interleave. */
	fprintf(stderr, "vobizfs: %s: %s\n", label[level], line);
}
