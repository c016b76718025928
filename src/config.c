/* config.c — load, override and validate the configuration.  Every value is
 * checked here, so the rest of the daemon can trust a struct config. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <ini.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_BASE_URL "https://api.vobiz.ai"
#define TOKEN_MAX 512

/* Parsing state shared with the inih callback. */
struct loader {
	FILE *file;
	int line;          /* lines read so far */
	int overlong_line; /* first line longer than inih accepts, or 0 */
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

static int parse_protect(const char *value, char ***out)
{
	char *copy = strdup(value), *save = NULL, *tok;
	char **list = NULL;
	size_t n = 0;
	int ret = -ENOMEM;

	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *glob = trim(tok), **grown;

		if (glob[0] == '+')
			glob++;
		if (!*glob)
			continue;
		if (!valid_glob(glob)) {
			ret = -EINVAL;
			goto fail;
		}
		grown = realloc(list, (n + 2) * sizeof(*list));
		if (!grown)
			goto fail;
		list = grown;
		list[n] = strdup(glob);
		list[n + 1] = NULL;
		if (!list[n])
			goto fail;
		n++;
	}
	free(copy);
	*out = list;
	return 0;
fail:
	for (size_t i = 0; list && list[i]; i++)
		free(list[i]);
	free(list);
	free(copy);
	return ret;
}

static void free_protect(char **list)
{
	for (size_t i = 0; list && list[i]; i++)
		free(list[i]);
	free(list);
}

/* Apply one "[section] key = value"; returns 0 or a negative errno. */
static int apply_key(struct loader *ld, const char *section, const char *key, const char *value)
{
	struct config *c = ld->cfg;

#define IS(s, k) (!strcmp(section, s) && !strcmp(key, k))
	if (IS("account", "auth_id"))
		return replace_str(&c->auth_id, value);
	if (IS("account", "auth_token")) {
		ld->file_has_token = true;
		wipe_free(c->auth_token);
		c->auth_token = strdup(value);
		return c->auth_token ? 0 : -ENOMEM;
	}
	if (IS("account", "auth_token_file"))
		return replace_str(&ld->token_file, value);
	if (IS("api", "base_url"))
		return replace_str(&c->base_url, value);
	if (IS("api", "dialect")) {
		if (!strcmp(value, "legacy"))
			c->dialect = API_DIALECT_LEGACY;
		else if (!strcmp(value, "current"))
			c->dialect = API_DIALECT_CURRENT;
		else
			return -EINVAL;
		return 0;
	}
	if (IS("api", "timeout"))
		return parse_uint(value, 1, 3600, &c->timeout_s);
	if (IS("api", "ca_file"))
		return replace_str(&c->ca_file, value);
	if (IS("api", "parallel"))
		return parse_uint(value, 1, 64, &c->parallel);
	if (IS("cache", "ttl"))
		return parse_uint(value, 0, 86400, &c->ttl_s);
	if (IS("release", "read_only"))
		return parse_bool(value, &c->read_only);
	if (IS("release", "protect")) {
		char **list;
		int ret = parse_protect(value, &list);

		if (ret == 0) {
			free_protect(c->protect);
			c->protect = list;
		}
		return ret;
	}
	if (IS("release", "dry_run"))
		return parse_bool(value, &c->dry_run);
	if (IS("release", "immediate"))
		return parse_bool(value, &c->immediate);
	if (IS("release", "audit_log"))
		return replace_str(&c->audit_log, value);
	if (IS("purchase", "enabled"))
		return parse_bool(value, &c->purchase_enabled);
	if (IS("purchase", "max_monthly_fee")) {
		c->has_max_monthly_fee = true;
		return parse_fee(value, &c->max_monthly_fee);
	}
	if (IS("inventory", "max"))
		return parse_uint(value, 1, 100000, &c->inventory_max);
#undef IS
	return -ENOENT;
}

/* Only names that look like keys are echoed: a mangled line could hold a
 * piece of the token. */
static bool printable_name(const char *name)
{
	size_t n = strlen(name);

	return n > 0 && n <= 32 && strspn(name, "abcdefghijklmnopqrstuvwxyz_") == n;
}

static int on_ini_key(void *user, const char *section, const char *key, const char *value)
{
	struct loader *ld = user;
	int ret = apply_key(ld, section, key, value);

	if (ld->err[0] && ret)
		return 0; /* inih goes on after an error: keep the first one */
	if (ret == -ENOENT && !section[0] && printable_name(key))
		set_err(ld->err, ld->errlen, "setting %s outside any [section]", key);
	else if (ret == -ENOENT && printable_name(section) && printable_name(key))
		set_err(ld->err, ld->errlen, "unknown setting [%s] %s", section, key);
	else if (ret == -ENOENT)
		set_err(ld->err, ld->errlen, "unknown setting");
	else if (ret == -EINVAL)
		set_err(ld->err, ld->errlen, "invalid value for [%s] %s", section, key);
	else if (ret)
		set_err(ld->err, ld->errlen, "out of memory");
	return ret == 0;
}

/* inih's line reader, with one change: a line longer than inih's buffer is
 * dropped whole and remembered, instead of being cut into a bogus line (or
 * silently shortening a token). */
static char *read_line(char *str, int num, void *stream)
{
	struct loader *ld = stream;
	size_t len;
	int c;

	if (!fgets(str, num, ld->file))
		return NULL;
	ld->line++;
	len = strlen(str);
	if (len > 0 && str[len - 1] != '\n' && !feof(ld->file)) {
		if (!ld->overlong_line)
			ld->overlong_line = ld->line;
		while ((c = fgetc(ld->file)) != EOF && c != '\n')
			;
		str[0] = '\0';
	}
	return str;
}

/* A file that grants a secret must be private, as ssh insists for its keys. */
static int check_private(int fd, const char *path, const char *what, char *err, size_t errlen)
{
	struct stat st;

	if (fstat(fd, &st) < 0) {
		set_err(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	if (st.st_mode & (S_IRGRP | S_IROTH | S_IWGRP | S_IWOTH)) {
		set_err(err, errlen, "%s holds %s but is accessible by group or others; run: chmod 600 %s", path, what,
			path);
		return -EACCES;
	}
	return 0;
}

static int read_config_file(struct loader *ld, const char *path)
{
	FILE *f;
	int fd, line, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		set_err(ld->err, ld->errlen, "cannot open config file %s: %s", path, strerror(errno));
		return -errno;
	}
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		set_err(ld->err, ld->errlen, "cannot read config file %s: %s", path, strerror(errno));
		return -ENOMEM;
	}
	ld->file = f;
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
		ret = check_private(fileno(f), path, "auth_token", ld->err, ld->errlen);
	}
	fclose(f);
	if (ret == 0)
		ret = replace_str(&ld->cfg->path, path);
	return ret;
}

static int read_token_file(struct loader *ld)
{
	char buf[TOKEN_MAX + 2];
	ssize_t n;
	int fd, ret;

	fd = open(ld->token_file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		set_err(ld->err, ld->errlen, "cannot open auth_token_file %s: %s", ld->token_file, strerror(errno));
		return -errno;
	}
	ret = check_private(fd, ld->token_file, "the auth token", ld->err, ld->errlen);
	if (ret == 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		if (n < 0) {
			ret = -errno;
			set_err(ld->err, ld->errlen, "cannot read %s: %s", ld->token_file, strerror(errno));
		} else {
			buf[n] = '\0';
			buf[strcspn(buf, "\r\n")] = '\0';
			wipe_free(ld->cfg->auth_token);
			ld->cfg->auth_token = strdup(buf);
			ret = ld->cfg->auth_token ? 0 : -ENOMEM;
		}
	}
	explicit_bzero(buf, sizeof(buf));
	close(fd);
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
		.ttl_s = 30,
		.inventory_max = 1000,
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
	if ((ret = apply_env(&ld)) || (ret = validate(cfg, err, errlen)))
		goto fail;
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
	*cfg = (struct config){ 0 };
}
