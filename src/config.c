/* config.c — load, override and validate the configuration.  Every value is
 * checked here, so the rest of the daemon can trust a struct config. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <ini.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_BASE_URL "https://api.vobiz.ai"
#define ROOT_STATE_DIR "/var/lib/vobizfs"
#define TOKEN_MAX 512
#define CONFIG_FILE_MAX (64 * 1024) /* bytes; a config is a few hundred */
#define TOKEN_FILE_MAX 4096         /* bytes; only the first line is the token */

/* How a setting's value is read, and where it goes. */
enum setting_kind {
	SET_STRING,     /* char *: any text */
	SET_PATH,       /* char *: an absolute path */
	SET_UINT,       /* unsigned in [min, max] */
	SET_BOOL,       /* bool */
	SET_GLOBS,      /* char **: a list; every occurrence adds to it */
	SET_DIALECT,    /* enum api_dialect */
	SET_FEE,        /* double >= 0, and has_max_monthly_fee */
	SET_DURATION,   /* unsigned seconds in [min, max]: plain, or with s, m, h or d */
	SET_TOKEN,      /* char *: the secret */
	SET_TOKEN_FILE, /* the loader's token_file, read once the file is parsed */
};

struct setting {
	const char *section, *key;
	enum setting_kind kind;
	size_t field; /* offset in struct config */
	unsigned min, max;
};

#define FIELD(name) offsetof(struct config, name)

/* Every key vobizfs knows (DESIGN §5). */
static const struct setting settings[] = {
	{ "account", "auth_id", SET_STRING, FIELD(auth_id), 0, 0 },
	{ "account", "auth_token", SET_TOKEN, FIELD(auth_token), 0, 0 },
	{ "account", "auth_token_file", SET_TOKEN_FILE, 0, 0, 0 },
	{ "api", "base_url", SET_STRING, FIELD(base_url), 0, 0 },
	{ "api", "dialect", SET_DIALECT, FIELD(dialect), 0, 0 },
	{ "api", "timeout", SET_UINT, FIELD(timeout_s), 1, 3600 },
	{ "api", "ca_file", SET_STRING, FIELD(ca_file), 0, 0 },
	{ "api", "parallel", SET_UINT, FIELD(parallel), 1, 64 },
	{ "api", "parallel_max", SET_UINT, FIELD(parallel_max), 1, 64 },
	{ "api", "listing_timeout", SET_UINT, FIELD(listing_timeout_s), 1, 86400 },
	{ "cache", "ttl", SET_UINT, FIELD(ttl_s), 0, 86400 },
	{ "release", "read_only", SET_BOOL, FIELD(read_only), 0, 0 },
	{ "release", "protect", SET_GLOBS, FIELD(protect), 0, 0 },
	{ "release", "dry_run", SET_BOOL, FIELD(dry_run), 0, 0 },
	{ "release", "immediate", SET_BOOL, FIELD(immediate), 0, 0 },
	{ "release", "audit_log", SET_STRING, FIELD(audit_log), 0, 0 },
	{ "release", "max_per_hour", SET_UINT, FIELD(max_per_hour), 0, 1000000 },
	{ "release", "state_dir", SET_PATH, FIELD(state_dir), 0, 0 },
	{ "release", "grace", SET_DURATION, FIELD(grace_s), 0, CONFIG_GRACE_MAX_S },
	{ "purchase", "enabled", SET_BOOL, FIELD(purchase_enabled), 0, 0 },
	{ "purchase", "max_monthly_fee", SET_FEE, FIELD(max_monthly_fee), 0, 0 },
	{ "inventory", "max", SET_UINT, FIELD(inventory_max), 1, 100000 },
	{ "health", "days", SET_UINT, FIELD(health_days), 1, 365 },
	{ "health", "ttl", SET_UINT, FIELD(health_ttl_s), 0, 86400 },
};

#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))

/* Parsing state shared with the inih callback. */
struct loader {
	const char *text; /* the config file's bytes, read whole */
	size_t len, pos;
	int line;            /* lines read so far: the one inih is handling */
	int overlong_line;   /* first line longer than inih accepts, or 0 */
	const char *linebuf; /* inih's line buffer, as last handed to read_line */
	size_t linesize;
	int first_line[NSETTINGS]; /* where each setting was first given, or 0 */
	struct config *cfg;
	char *token_file;
	bool file_has_token;
	char *err;
	size_t errlen;
};

static void set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static int replace_str(char **slot, const char *value)
{
	char *copy = strdup(value);

	if (!copy)
		return -ENOMEM;
	free(*slot);
	*slot = copy;
	return 0;
}

static void wipe_free(char *secret)
{
	if (secret) {
		explicit_bzero(secret, strlen(secret));
		free(secret);
	}
}

static int parse_uint(const char *value, unsigned min, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v;

	if (value[0] < '0' || value[0] > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(value, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*out = (unsigned)v;
	return 0;
}

/* Seconds: "90", "90s", "15m", "2h", "1d"; nothing else (no sign, space,
 * fraction or second unit). */
static int parse_duration(const char *value, unsigned min, unsigned max, unsigned *out)
{
	static const struct {
		char unit;
		unsigned long seconds;
	} units[] = { { 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 } };
	unsigned long v, scale = 1;
	char *end;

	if (value[0] < '0' || value[0] > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(value, &end, 10);
	if (errno || v > max)
		return -EINVAL;
	if (*end) {
		size_t i;

		for (i = 0; i < sizeof(units) / sizeof(units[0]) && units[i].unit != *end; i++)
			;
		if (i == sizeof(units) / sizeof(units[0]) || end[1])
			return -EINVAL;
		scale = units[i].seconds;
	}
	if (v * scale < min || v * scale > max)
		return -EINVAL;
	*out = (unsigned)(v * scale);
	return 0;
}

static int parse_bool(const char *value, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };

	for (size_t i = 0; i < 4; i++) {
		if (!strcasecmp(value, yes[i]))
			return *out = true, 0;
		if (!strcasecmp(value, no[i]))
			return *out = false, 0;
	}
	return -EINVAL;
}

static int parse_fee(const char *value, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(value, &end);
	if (errno || end == value || *end || !(*out >= 0) || !isfinite(*out))
		return -EINVAL;
	return 0;
}

/* A protect entry is a glob over digits: digits and * ? [ ] - ! only. */
static bool valid_glob(const char *g)
{
	if (!*g)
		return false;
	for (; *g; g++)
		if (!strchr("0123456789*?[]-!", *g))
			return false;
	return true;
}

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	return s;
}

/* Add VALUE's comma-separated globs to the NULL-terminated *LIST (NULL for
 * none yet); empty entries are skipped.  On failure *LIST is still a valid
 * list, holding perhaps some of VALUE's globs: the caller refuses the file. */
static int add_globs(char ***list, const char *value)
{
	char *copy = strdup(value), *save = NULL, *tok;
	size_t n = 0;
	int ret = 0;

	if (!copy)
		return -ENOMEM;
	while (*list && (*list)[n])
		n++;
	for (tok = strtok_r(copy, ",", &save); tok && !ret; tok = strtok_r(NULL, ",", &save)) {
		char *glob = trim(tok), **grown;

		if (glob[0] == '+')
			glob++;
		if (!*glob)
			continue;
		if (!valid_glob(glob)) {
			ret = -EINVAL;
			break;
		}
		grown = realloc(*list, (n + 2) * sizeof(*grown));
		if (!grown) {
			ret = -ENOMEM;
			break;
		}
		*list = grown;
		grown[n] = strdup(glob);
		grown[n + 1] = NULL;
		if (!grown[n])
			ret = -ENOMEM;
		else
			n++;
	}
	free(copy);
	return ret;
}

static void free_protect(char **list)
{
	for (size_t i = 0; list && list[i]; i++)
		free(list[i]);
	free(list);
}

static const struct setting *find_setting(const char *section, const char *key)
{
	for (size_t i = 0; i < NSETTINGS; i++)
		if (!strcmp(section, settings[i].section) && !strcmp(key, settings[i].key))
			return &settings[i];
	return NULL;
}

/* Read VALUE into the setting S; returns 0 or a negative errno. */
static int apply_setting(struct loader *ld, const struct setting *s, const char *value)
{
	void *field = (char *)ld->cfg + s->field;
	char **text = field;

	switch (s->kind) {
	case SET_STRING:
		return replace_str(text, value);
	case SET_PATH:
		return value[0] == '/' ? replace_str(text, value) : -EINVAL;
	case SET_UINT:
		return parse_uint(value, s->min, s->max, field);
	case SET_DURATION:
		return parse_duration(value, s->min, s->max, field);
	case SET_BOOL:
		return parse_bool(value, field);
	case SET_GLOBS:
		return add_globs(field, value);
	case SET_DIALECT:
		if (!strcmp(value, "legacy"))
			*(enum api_dialect *)field = API_DIALECT_LEGACY;
		else if (!strcmp(value, "current"))
			*(enum api_dialect *)field = API_DIALECT_CURRENT;
		else
			return -EINVAL;
		return 0;
	case SET_FEE:
		ld->cfg->has_max_monthly_fee = true;
		return parse_fee(value, field);
	case SET_TOKEN:
		ld->file_has_token = true;
		wipe_free(*text);
		*text = strdup(value);
		return *text ? 0 : -ENOMEM;
	case SET_TOKEN_FILE:
		return replace_str(&ld->token_file, value);
	}
	return -EINVAL;
}

/* Only names that look like keys are echoed: a mangled line could hold a
 * piece of the token. */
static bool printable_name(const char *name)
{
	size_t n = strlen(name);

	return n > 0 && n <= 32 && strspn(name, "abcdefghijklmnopqrstuvwxyz_") == n;
}

/* Record the first error only: inih goes on after one, and reports the
 * line of the first. */
static int refuse(struct loader *ld, int ret, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int refuse(struct loader *ld, int ret, const char *fmt, ...)
{
	if (!ld->err[0]) {
		va_list ap;

		va_start(ap, fmt);
		vsnprintf(ld->err, ld->errlen, fmt, ap);
		va_end(ap);
	}
	return ret;
}

/* inih hands over an indented line that follows a key as a continuation of
 * that key, under its own copy of the key's name; the key of a "key = value"
 * line points into the line buffer read_line filled.  That is the only way to
 * tell the two apart (the unit tests notice if an inih release changes it). */
static bool is_continuation(const struct loader *ld, const char *key)
{
	uintptr_t k = (uintptr_t)key, line = (uintptr_t)ld->linebuf;

	return k < line || k >= line + ld->linesize;
}

static int refuse_unknown(struct loader *ld, const char *section, const char *key)
{
	if (!section[0] && printable_name(key))
		return refuse(ld, -ENOENT, "setting %s outside any [section]", key);
	if (printable_name(section) && printable_name(key))
		return refuse(ld, -ENOENT, "unknown setting [%s] %s", section, key);
	return refuse(ld, -ENOENT, "unknown setting");
}

/* Read VALUE into S, and remember the line S was first given on. */
static int take_value(struct loader *ld, const struct setting *s, const char *value)
{
	int ret = apply_setting(ld, s, value);

	if (!ld->first_line[s - settings])
		ld->first_line[s - settings] = ld->line;
	if (ret == -EINVAL && s->kind == SET_PATH)
		return refuse(ld, ret, "[%s] %s must be an absolute path", s->section, s->key);
	if (ret == -EINVAL)
		return refuse(ld, ret, "invalid value for [%s] %s", s->section, s->key);
	if (ret)
		return refuse(ld, ret, "out of memory");
	return 0;
}

/* Settings are named in messages, values never (one could be the token).
 * A list takes every occurrence; any other setting only one line. */
static int on_ini_key(void *user, const char *section, const char *key, const char *value)
{
	struct loader *ld = user;
	const struct setting *s = find_setting(section, key);
	int ret;

	if (!s)
		ret = refuse_unknown(ld, section, key);
	else if (s->kind != SET_GLOBS && is_continuation(ld, key))
		ret = refuse(ld, -EINVAL, "[%s] %s continues on an indented line, but only a list may span lines",
			     section, key);
	else if (s->kind != SET_GLOBS && ld->first_line[s - settings])
		ret = refuse(ld, -EINVAL, "[%s] %s is set twice (first on line %d)", section, key,
			     ld->first_line[s - settings]);
	else
		ret = take_value(ld, s, value);
	return ret == 0;
}

/* inih's line reader over the bytes read from the file, as fgets() would hand
 * them over, with one change: a line longer than inih's buffer is dropped
 * whole and remembered, instead of being cut into a bogus line (or silently
 * shortening a token). */
static char *read_line(char *str, int num, void *stream)
{
	struct loader *ld = stream;
	const char *start = ld->text + ld->pos, *nl;
	size_t len;

	if (ld->pos >= ld->len || num < 2)
		return NULL;
	nl = memchr(start, '\n', ld->len - ld->pos);
	len = nl ? (size_t)(nl - start) + 1 : ld->len - ld->pos;
	ld->pos += len;
	ld->line++;
	ld->linebuf = str;
	ld->linesize = (size_t)num;
	if (len > (size_t)num - 1) {
		if (!ld->overlong_line)
			ld->overlong_line = ld->line;
		len = 0;
	}
	memcpy(str, start, len);
	str[len] = '\0';
	return str;
}

/* A file that grants a secret must be private, as ssh insists for its keys. */
static int check_private(const struct stat *st, const char *path, const char *what, char *err, size_t errlen)
{
	if (st->st_mode & (S_IRGRP | S_IROTH | S_IWGRP | S_IWOTH)) {
		set_err(err, errlen, "%s holds %s but is accessible by group or others; run: chmod 600 %s", path, what,
			path);
		return -EACCES;
	}
	return 0;
}

static const char *file_kind(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFDIR:
		return "a directory";
	case S_IFIFO:
		return "a FIFO";
	case S_IFCHR:
		return "a character device";
	case S_IFBLK:
		return "a block device";
	case S_IFSOCK:
		return "a socket";
	}
	return "of another kind";
}

/* Why open() refused PATH.  With O_NOFOLLOW, ELOOP is how a symbolic link
 * shows; lstat() names it (the link itself, so it cannot block). */
static int refuse_open(const char *path, const char *what, int nofollow, char *err, size_t errlen)
{
	int e = errno;
	struct stat st;

	if (e == ELOOP && nofollow && lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
		set_err(err, errlen, "%s %s is a symbolic link; name the file itself", what, path);
	else
		set_err(err, errlen, "cannot open %s %s: %s", what, path, strerror(e));
	return -e;
}

/* The file decided on is the one opened: fstat() of the descriptor, never a
 * stat() of the name before the open.  It must be a regular file (a FIFO or a
 * device would block or never end), of the effective user or root (no one
 * else may say which account is mounted, or with which token), and at most
 * MAX bytes. */
static int check_opened(int fd, const char *path, const char *what, size_t max, struct stat *st, char *err,
			size_t errlen)
{
	uid_t euid = geteuid();
	int e;

	if (fstat(fd, st) < 0) {
		e = errno;
		set_err(err, errlen, "cannot read %s %s: %s", what, path, strerror(e));
		return -e;
	}
	if (!S_ISREG(st->st_mode)) {
		set_err(err, errlen, "%s %s is %s, not a regular file", what, path, file_kind(st->st_mode));
		return -EINVAL;
	}
	if (st->st_uid != euid && st->st_uid != 0) {
		if (euid == 0)
			set_err(err, errlen, "%s %s is owned by uid %u, not by root", what, path, (unsigned)st->st_uid);
		else
			set_err(err, errlen, "%s %s is owned by uid %u, not by the mounting user (uid %u) or root",
				what, path, (unsigned)st->st_uid, (unsigned)euid);
		return -EACCES;
	}
	if (st->st_size < 0 || (unsigned long long)st->st_size > max) {
		set_err(err, errlen, "%s %s is larger than %zu KiB", what, path, max / 1024);
		return -EFBIG;
	}
	return 0;
}

/* Read PATH whole, never blocking on it: O_NONBLOCK lets a FIFO's open return
 * at once, so that check_opened() can refuse it.  A symbolic link is followed
 * only when FOLLOW.  At most MAX bytes are read even if the file grows (or is
 * a /proc file that claims size 0).  Returns 0 with a NUL-terminated buffer
 * the caller wipes and frees in *TEXT, its length in *LEN and the file's
 * status in *ST; or a negative errno with a one-line reason in ERR. */
static int read_bounded(const char *path, const char *what, bool follow, size_t max, char **text, size_t *len,
			struct stat *st, char *err, size_t errlen)
{
	int nofollow = follow ? 0 : O_NOFOLLOW;
	char *buf = NULL;
	size_t got = 0;
	ssize_t n;
	int fd, ret;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | nofollow);
	if (fd < 0)
		return refuse_open(path, what, nofollow, err, errlen);
	ret = check_opened(fd, path, what, max, st, err, errlen);
	if (ret)
		goto out;
	buf = malloc(max + 1);
	if (!buf) {
		set_err(err, errlen, "out of memory");
		ret = -ENOMEM;
		goto out;
	}
	while (got <= max && (n = read(fd, buf + got, max + 1 - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			set_err(err, errlen, "cannot read %s %s: %s", what, path, strerror(errno));
			goto out;
		}
		got += (size_t)n;
	}
	if (got > max) {
		set_err(err, errlen, "%s %s is larger than %zu KiB", what, path, max / 1024);
		ret = -EFBIG;
		goto out;
	}
	buf[got] = '\0';
	*text = buf;
	*len = got;
	buf = NULL;
out:
	if (buf) {
		explicit_bzero(buf, max + 1);
		free(buf);
	}
	close(fd);
	return ret;
}

static void wipe_text(char *text, size_t len)
{
	if (text) {
		explicit_bzero(text, len);
		free(text);
	}
}

/* A symbolic link as the config is allowed (config management often links
 * /etc/vobizfs.ini); the file it leads to is held to every rule. */
static int read_config_file(struct loader *ld, const char *path)
{
	struct stat st;
	char *text = NULL;
	size_t len = 0;
	int line, ret;

	ret = read_bounded(path, "config file", true, CONFIG_FILE_MAX, &text, &len, &st, ld->err, ld->errlen);
	if (ret)
		return ret;
	ld->text = text;
	ld->len = len;
	line = ini_parse_stream(read_line, ld, on_ini_key, ld);
	if (line == 0 && ld->overlong_line) {
		set_err(ld->err, ld->errlen, "%s:%d: line too long (for a long token, use auth_token_file)", path,
			ld->overlong_line);
		ret = -EINVAL;
	} else if (line != 0) {
		char why[256];

		snprintf(why, sizeof(why), "%s", ld->err);
		if (line > 0)
			set_err(ld->err, ld->errlen, "%s:%d: %s", path, line, why[0] ? why : "syntax error");
		else
			set_err(ld->err, ld->errlen, "%s: cannot parse", path);
		ret = -EINVAL;
	} else if (ld->file_has_token) {
		ret = check_private(&st, path, "auth_token", ld->err, ld->errlen);
	}
	ld->text = NULL;
	wipe_text(text, len);
	if (ret == 0)
		ret = replace_str(&ld->cfg->path, path);
	return ret;
}

/* The token is the first line; a link is refused, since following one sent
 * the first line of whatever private file it named as the token. */
static int read_token_file(struct loader *ld)
{
	struct stat st;
	char *text = NULL;
	size_t len = 0, line;
	int ret;

	ret = read_bounded(ld->token_file, "auth_token_file", false, TOKEN_FILE_MAX, &text, &len, &st, ld->err,
			   ld->errlen);
	if (ret)
		return ret;
	ret = check_private(&st, ld->token_file, "the auth token", ld->err, ld->errlen);
	if (ret == 0) {
		line = strcspn(text, "\r\n");
		if (line < len && text[line] == '\0') {
			/* A NUL would cut the token short without a word. */
			set_err(ld->err, ld->errlen, "the auth token in %s is malformed", ld->token_file);
			ret = -EINVAL;
		} else {
			wipe_free(ld->cfg->auth_token);
			ld->cfg->auth_token = strndup(text, line);
			ret = ld->cfg->auth_token ? 0 : -ENOMEM;
			if (ret)
				set_err(ld->err, ld->errlen, "out of memory");
		}
	}
	wipe_text(text, len);
	return ret;
}

static const char *default_path(char *buf, size_t len)
{
	const char *home = getenv("HOME");

	if (home && *home) {
		snprintf(buf, len, "%s/.config/vobizfs/vobizfs.ini", home);
		if (access(buf, F_OK) == 0)
			return buf;
	}
	if (access("/etc/vobizfs.ini", F_OK) == 0)
		return "/etc/vobizfs.ini";
	return NULL;
}

/* The reason given when no file was found and the environment names no
 * account: every place default_path() looked, so a typo in a path or a
 * missing HOME shows at once. */
static void no_configuration(char *err, size_t errlen)
{
	const char *home = getenv("HOME");

	if (home && *home)
		snprintf(err, errlen,
			 "no configuration: looked in $VOBIZFS_CONFIG (unset), %s/.config/vobizfs/vobizfs.ini and "
			 "/etc/vobizfs.ini; give -o config=FILE or set VOBIZ_AUTH_ID and VOBIZ_AUTH_TOKEN",
			 home);
	else
		snprintf(err, errlen,
			 "no configuration: looked in $VOBIZFS_CONFIG (unset) and /etc/vobizfs.ini (HOME is not set); "
			 "give -o config=FILE or set VOBIZ_AUTH_ID and VOBIZ_AUTH_TOKEN");
}

int config_default_state_dir(uid_t euid, char **dir)
{
	const char *base = getenv("XDG_STATE_HOME"), *leaf = "/vobizfs";

	if (euid == 0) {
		base = ROOT_STATE_DIR;
		leaf = "";
	} else if (!base || base[0] != '/') {
		base = getenv("HOME");
		leaf = "/.local/state/vobizfs";
		if (!base || base[0] != '/')
			return -ENOENT;
	}
	if (asprintf(dir, "%s%s", base, leaf) < 0) {
		*dir = NULL;
		return -ENOMEM;
	}
	return 0;
}

static int apply_env(struct loader *ld)
{
	const char *v;
	int ret = 0;

	if ((v = getenv("VOBIZ_AUTH_ID")) && *v)
		ret = replace_str(&ld->cfg->auth_id, v);
	if (!ret && (v = getenv("VOBIZ_AUTH_TOKEN")) && *v) {
		wipe_free(ld->cfg->auth_token);
		ld->cfg->auth_token = strdup(v);
		ret = ld->cfg->auth_token ? 0 : -ENOMEM;
	}
	if (!ret && (v = getenv("VOBIZ_BASE_URL")) && *v)
		ret = replace_str(&ld->cfg->base_url, v);
	if (ret)
		set_err(ld->err, ld->errlen, "out of memory");
	return ret;
}

/* localhost, [::1] or a dotted-quad 127.x.y.z literal (not a name that
 * merely starts with "127."). */
static bool is_loopback_host(const char *host, size_t len)
{
	char ip[16];
	unsigned a, b, c, d;
	int end = 0;

	if (len == 9 && !strncmp(host, "localhost", 9))
		return true;
	if (len == 5 && !strncmp(host, "[::1]", 5))
		return true;
	if (len >= sizeof(ip))
		return false;
	memcpy(ip, host, len);
	ip[len] = '\0';
	return sscanf(ip, "%3u.%3u.%3u.%3u%n", &a, &b, &c, &d, &end) == 4 && (size_t)end == len && a == 127 &&
	       b < 256 && c < 256 && d < 256;
}

bool config_url_is_loopback(const char *base_url)
{
	const char *host = strstr(base_url, "://");
	size_t hostlen;

	if (!host)
		return false;
	host += 3;
	hostlen = strcspn(host, host[0] == '[' ? "]/" : ":/");
	if (host[0] == '[' && host[hostlen] == ']')
		hostlen++;
	return is_loopback_host(host, hostlen);
}

/* scheme://host[:port] with nothing else: it is pasted in front of every path. */
static int check_base_url(char *url, char *err, size_t errlen)
{
	const char *host;
	size_t len, hostlen;
	bool https;

	len = strlen(url);
	while (len > 0 && url[len - 1] == '/')
		url[--len] = '\0';
	https = !strncmp(url, "https://", 8);
	if (!https && strncmp(url, "http://", 7)) {
		set_err(err, errlen, "base_url must start with https://");
		return -EINVAL;
	}
	host = url + (https ? 8 : 7);
	if (!*host || strpbrk(host, "/?#@ \t\r\n\\")) {
		set_err(err, errlen, "base_url must be scheme://host[:port], nothing more");
		return -EINVAL;
	}
	hostlen = strcspn(host, host[0] == '[' ? "]" : ":");
	if (host[0] == '[' && host[hostlen] == ']')
		hostlen++;
	if (!https && !is_loopback_host(host, hostlen)) {
		set_err(err, errlen, "base_url: plain http:// is only allowed to a loopback host; use https://");
		return -EINVAL;
	}
	return 0;
}

static bool valid_auth_id(const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n > 64)
		return false;
	return strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

static int validate(struct config *c, char *err, size_t errlen)
{
	if (!c->auth_id) {
		set_err(err, errlen, "no auth_id: set [account] auth_id or VOBIZ_AUTH_ID");
		return -EINVAL;
	}
	if (!valid_auth_id(c->auth_id)) {
		set_err(err, errlen, "auth_id must be 1-64 characters of [A-Za-z0-9_-]");
		return -EINVAL;
	}
	if (!c->auth_token || !*c->auth_token) {
		set_err(err, errlen, "no auth token: set [account] auth_token, auth_token_file or VOBIZ_AUTH_TOKEN");
		return -EINVAL;
	}
	if (strpbrk(c->auth_token, "\r\n") || strlen(c->auth_token) > TOKEN_MAX) {
		set_err(err, errlen, "the auth token is malformed");
		return -EINVAL;
	}
	return check_base_url(c->base_url, err, errlen);
}

int config_load(struct config *cfg, const char *explicit_path, char *err, size_t errlen)
{
	struct loader ld = { .cfg = cfg, .err = err, .errlen = errlen };
	char buf[4096];
	const char *path = explicit_path;
	int ret;

	*cfg = (struct config){
		.dialect = API_DIALECT_LEGACY,
		.timeout_s = 15,
		.parallel = 8,
		.parallel_max = 32,
		.listing_timeout_s = 600,
		.ttl_s = 30,
		.max_per_hour = 50,
		.inventory_max = 1000,
		.health_days = 30,
		.health_ttl_s = 300,
	};
	err[0] = '\0';
	ret = replace_str(&cfg->base_url, DEFAULT_BASE_URL);
	if (ret)
		goto fail;
	if (!path && (path = getenv("VOBIZFS_CONFIG")) && !*path)
		path = NULL;
	if (!path)
		path = default_path(buf, sizeof(buf));
	if (path && (ret = read_config_file(&ld, path)))
		goto fail;
	if (ld.token_file && (ret = read_token_file(&ld)))
		goto fail;
	if ((ret = apply_env(&ld)))
		goto fail;
	if (!path && !cfg->auth_id) {
		no_configuration(err, errlen);
		ret = -ENOENT;
		goto fail;
	}
	if ((ret = validate(cfg, err, errlen)))
		goto fail;
	if (!cfg->state_dir && (ret = config_default_state_dir(geteuid(), &cfg->state_dir))) {
		if (ret == -ENOENT) {
			set_err(err, errlen,
				"no state directory: set [release] state_dir (neither XDG_STATE_HOME nor "
				"HOME is an absolute path)");
			ret = -EINVAL;
		} else {
			set_err(err, errlen, "out of memory");
		}
		goto fail;
	}
	free(ld.token_file);
	return 0;
fail:
	free(ld.token_file);
	config_free(cfg);
	return ret;
}

bool config_is_protected(const struct config *cfg, const char *digits)
{
	for (size_t i = 0; cfg->protect && cfg->protect[i]; i++)
		if (fnmatch(cfg->protect[i], digits, 0) == 0)
			return true;
	return false;
}

void config_free(struct config *cfg)
{
	free(cfg->path);
	free(cfg->auth_id);
	wipe_free(cfg->auth_token);
	free(cfg->base_url);
	free(cfg->ca_file);
	free_protect(cfg->protect);
	free(cfg->audit_log);
	free(cfg->state_dir);
	*cfg = (struct config){ 0 };
}
