/* log.c — one line per message, to stderr or syslog, and the scrubber every
 * line (and every audited string) passes through.  The sink is chosen with
 * atomics so a log line racing with log_setup() never sees a torn state. */
#include "log.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

/* The shortest tail of a secret that is still redacted at the end of a text:
 * enough to matter, too long to turn up by chance. */
#define SECRET_TAIL_MIN 8

static atomic_bool to_syslog;
static atomic_bool debug_on;
static atomic_bool quiet;

static pthread_rwlock_t secrets_lock = PTHREAD_RWLOCK_INITIALIZER; /* guards the two below */
static char *secrets[LOG_MAX_SECRETS];
static size_t secret_count;

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

int log_add_secret(const char *secret)
{
	char *copy;
	int ret = 0;

	if (!secret || !*secret)
		return 0;
	copy = strdup(secret);
	if (!copy)
		return -ENOMEM;
	pthread_rwlock_wrlock(&secrets_lock);
	if (secret_count < LOG_MAX_SECRETS)
		secrets[secret_count++] = copy;
	else
		ret = -ENOSPC;
	pthread_rwlock_unlock(&secrets_lock);
	if (ret) {
		explicit_bzero(copy, strlen(copy));
		free(copy);
	}
	return ret;
}

void log_clear_secrets(void)
{
	pthread_rwlock_wrlock(&secrets_lock);
	for (size_t i = 0; i < secret_count; i++) {
		explicit_bzero(secrets[i], strlen(secrets[i]));
		free(secrets[i]);
		secrets[i] = NULL;
	}
	secret_count = 0;
	pthread_rwlock_unlock(&secrets_lock);
}

/* Where scrubbed text goes: written while whole pieces fit, measured always. */
struct sink {
	char *buf;
	size_t cap; /* bytes of buf, the NUL included */
	size_t len; /* bytes written */
	size_t need;
	bool full;
};

static void put(struct sink *s, const char *piece, size_t n)
{
	if (!s->full && s->len + n < s->cap) {
		memcpy(s->buf + s->len, piece, n);
		s->len += n;
	} else {
		s->full = true;
	}
	s->need += n;
}

static void put_escaped(struct sink *s, const unsigned char *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		char esc[4] = { '\\', 'x', hex[p[i] >> 4], hex[p[i] & 15] };

		put(s, esc, sizeof(esc));
	}
}

/* The length of the well-formed UTF-8 character at P (1 to 4), or 0. */
static size_t utf8_char_len(const unsigned char *p)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0;
	/* The second byte's range excludes overlong forms, surrogates and
	 * code points past U+10FFFF. */
	if (p[0] == 0xe0)
		lo = 0xa0;
	else if (p[0] == 0xed)
		hi = 0x9f;
	else if (p[0] == 0xf0)
		lo = 0x90;
	else if (p[0] == 0xf4)
		hi = 0x8f;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0; /* the terminating NUL stops this too */
	return n;
}

/* How many bytes at P (LEFT of them remain) a registered secret covers: the
 * longest whole match, or a long enough start of one that ends the text.
 * Called with secrets_lock held. */
static size_t secret_at(const char *p, size_t left)
{
	size_t best = 0;

	for (size_t i = 0; i < secret_count; i++) {
		size_t n = strlen(secrets[i]);

		if (n <= left ? !memcmp(p, secrets[i], n) : left >= SECRET_TAIL_MIN && !memcmp(p, secrets[i], left))
			n = n <= left ? n : left;
		else
			n = 0;
		if (n > best)
			best = n;
	}
	return best;
}

static void scrub_into(const char *in, struct sink *s, enum log_scrub_mode mode)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t left = strlen(in);

	pthread_rwlock_rdlock(&secrets_lock);
	while (left > 0) {
		size_t n = secret_count ? secret_at((const char *)p, left) : 0;

		if (n) {
			put(s, LOG_REDACTED, strlen(LOG_REDACTED));
		} else if ((n = utf8_char_len(p)) == 0) {
			n = 1;
			put_escaped(s, p, n);
		} else if ((p[0] < 0x20 && mode == LOG_SCRUB_TEXT) || p[0] == 0x7f || (p[0] == 0xc2 && p[1] < 0xa0)) {
			put_escaped(s, p, n); /* C0 (in text), DEL, C1 (U+0080..U+009F) */
		} else {
			put(s, (const char *)p, n);
		}
		p += n;
		left -= n;
	}
	pthread_rwlock_unlock(&secrets_lock);
	if (s->cap)
		s->buf[s->len] = '\0';
}

size_t log_scrub(const char *in, char *out, size_t outlen, enum log_scrub_mode mode)
{
	struct sink s = { .buf = out, .cap = outlen };

	scrub_into(in ? in : "", &s, mode);
	return s.need;
}

char *log_scrub_dup(const char *in, enum log_scrub_mode mode)
{
	/* Each byte grows at most to an escape, or a secret to LOG_REDACTED. */
	size_t len, per_byte = strlen(LOG_REDACTED);
	char *out;

	if (!in)
		return NULL;
	len = strlen(in);
	if (len > (SIZE_MAX - 1) / per_byte)
		return NULL;
	out = malloc(len * per_byte + 1);
	if (out)
		log_scrub(in, out, len * per_byte + 1, mode);
	return out;
}

static void emit(enum log_level level, const char *fmt, va_list args)
{
	static const int syslog_prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	static const char *const label[] = { "error", "warning", "info", "debug" };
	char raw[1024], line[2048];
	char *text = raw;
	va_list ap;
	int n;

	va_copy(ap, args);
	n = vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	/* A long line is formatted whole before it is scrubbed: cut first, it
	 * could end in a piece of the token too short to recognise. */
	if (n >= (int)sizeof(raw) && (text = malloc((size_t)n + 1)) != NULL) {
		va_copy(ap, args);
		vsnprintf(text, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	log_scrub(text ? text : raw, line, sizeof(line), LOG_SCRUB_TEXT);
	if (text != raw)
		free(text);

	if (atomic_load(&to_syslog)) {
		syslog(syslog_prio[level], "%s", line);
		return;
	}
	/* One fprintf per line: stdio locks the stream, so lines never interleave. */
	fprintf(stderr, "vobizfs: %s: %s\n", label[level], line);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	if (level == LOG_LEVEL_DEBUG ? !log_debug_enabled() : atomic_load(&quiet) && !log_debug_enabled())
		return;
	va_start(ap, fmt);
	emit(level, fmt, ap);
	va_end(ap);
}

void log_finding(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(LOG_LEVEL_WARN, fmt, ap);
	va_end(ap);
}
