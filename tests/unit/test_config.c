/* test_config.c — the config loader (DESIGN §5): file precedence, environment
 * overrides, defaults, validation of every key, lists that add up and settings
 * given once, the private-file rule for the token, the files that are never
 * read (FIFOs, devices, directories, a linked token file, someone else's, an
 * oversize one) and the promise that the token never shows in an error
 * message.  Each test has a time bound: a load that blocks fails it. */
#include "config.h"

#include <errno.h>
#include <ftw.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <cmocka.h>

#define TOKEN "Tk9-xyzzy-PLUGH-4471-secret"
#define MINIMAL "[account]\nauth_id = MA_TEST01\nauth_token = " TOKEN "\n"
#define TEST_SECONDS 10 /* each test's bound: a load that blocks on a file fails */

static const char *const env_names[] = {
	"HOME", "VOBIZFS_CONFIG", "VOBIZ_AUTH_ID", "VOBIZ_AUTH_TOKEN", "VOBIZ_BASE_URL", "XDG_STATE_HOME",
};
enum { NENV = sizeof(env_names) / sizeof(env_names[0]) };

struct fixture {
	char dir[256];
	char *saved[NENV];
	char err[512];
	struct config cfg;
};

static void on_alarm(int sig)
{
	static const char msg[] = "test_config: a test ran past its time bound (blocked on a file?)\n";

	(void)sig;
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(2);
	_exit(1);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");

	if (!f)
		return -1;
	signal(SIGALRM, on_alarm);
	alarm(TEST_SECONDS);
	snprintf(f->dir, sizeof(f->dir), "%s/vobizfs-config-XXXXXX", tmp && strlen(tmp) < 128 ? tmp : "/tmp");
	if (!mkdtemp(f->dir))
		return -1;
	for (int i = 0; i < NENV; i++) {
		const char *v = getenv(env_names[i]);

		f->saved[i] = v ? strdup(v) : NULL;
		unsetenv(env_names[i]);
	}
	setenv("HOME", f->dir, 1);
	*state = f;
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	alarm(0);
	config_free(&f->cfg);
	nftw(f->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	for (int i = 0; i < NENV; i++) {
		if (f->saved[i])
			setenv(env_names[i], f->saved[i], 1);
		else
			unsetenv(env_names[i]);
		free(f->saved[i]);
	}
	free(f);
	return 0;
}

/* Write TEXT to DIR/NAME with MODE (making parent directories); returns a
 * static copy of the path, valid until the next call. */
static const char *put_file(struct fixture *f, const char *name, const char *text, mode_t mode)
{
	static char path[2][512];
	static int which;
	char *p = path[which ^= 1];
	FILE *fp;

	snprintf(p, sizeof(path[0]), "%s/%s", f->dir, name);
	for (char *slash = strchr(p + strlen(f->dir) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(p, 0700);
		*slash = '/';
	}
	fp = fopen(p, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	assert_int_equal(chmod(p, mode), 0);
	return p;
}

static int load(struct fixture *f, const char *path)
{
	config_free(&f->cfg);
	memset(f->err, 0, sizeof(f->err));
	return config_load(&f->cfg, path, f->err, sizeof(f->err));
}

/* Load a file holding TEXT (mode 0600) and return config_load's answer. */
static int load_text(struct fixture *f, const char *text)
{
	return load(f, put_file(f, "vobizfs.ini", text, 0600));
}

/* A failed load leaves nothing to free and an error that never names the token. */
static void assert_refused(struct fixture *f, int ret)
{
	const struct config zero = { 0 };

	assert_true(ret < 0);
	assert_memory_equal(&f->cfg, &zero, sizeof(zero));
	assert_true(f->err[0] != '\0');
	assert_null(strstr(f->err, TOKEN));
	assert_null(strstr(f->err, "xyzzy"));
}

static void assert_refused_mentioning(struct fixture *f, int ret, const char *what)
{
	assert_refused(f, ret);
	if (!strstr(f->err, what))
		fail_msg("error \"%s\" does not mention \"%s\"", f->err, what);
}

static void defaults(void **state)
{
	struct fixture *f = *state;
	const char *path = put_file(f, "min.ini", MINIMAL, 0600);

	assert_int_equal(load(f, path), 0);
	assert_string_equal(f->err, "");
	assert_string_equal(f->cfg.path, path);
	assert_string_equal(f->cfg.auth_id, "MA_TEST01");
	assert_string_equal(f->cfg.auth_token, TOKEN);
	assert_string_equal(f->cfg.base_url, "https://api.vobiz.ai");
	assert_int_equal(f->cfg.dialect, API_DIALECT_LEGACY);
	assert_int_equal(f->cfg.timeout_s, 15);
	assert_null(f->cfg.ca_file);
	assert_int_equal(f->cfg.parallel, 8);
	assert_int_equal(f->cfg.ttl_s, 30);
	assert_false(f->cfg.read_only);
	assert_null(f->cfg.protect);
	assert_false(f->cfg.dry_run);
	assert_false(f->cfg.immediate);
	assert_null(f->cfg.audit_log);
	assert_int_equal(f->cfg.max_per_hour, 50);
	assert_int_equal(f->cfg.grace_s, 0);
	assert_non_null(f->cfg.state_dir);
	assert_true(f->cfg.state_dir[0] == '/');
	assert_false(f->cfg.purchase_enabled);
	assert_false(f->cfg.has_max_monthly_fee);
	assert_int_equal(f->cfg.inventory_max, 1000);
	assert_int_equal(f->cfg.health_days, 30);
	assert_int_equal(f->cfg.health_ttl_s, 300);
	assert_false(config_is_protected(&f->cfg, "919876543210"));
}

static void every_key_parsed(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(load_text(f, "; a comment\n"
				      "[account]\n"
				      "auth_id = SA_sub-02\n"
				      "auth_token = " TOKEN "\n"
				      "[api]\n"
				      "base_url = https://api.example.net:8443\n"
				      "dialect = current\n"
				      "timeout = 42\n"
				      "ca_file = /srv/ca.pem\n"
				      "parallel = 3\n"
				      "[cache]\n"
				      "ttl = 0\n"
				      "[release]\n"
				      "read_only = yes\n"
				      "protect = 919876543210\n"
				      "dry_run = on\n"
				      "immediate = TRUE\n"
				      "audit_log = /var/log/vobizfs-audit.jsonl\n"
				      "max_per_hour = 7\n"
				      "state_dir = /srv/vobizfs-state\n"
				      "[purchase]\n"
				      "enabled = 1\n"
				      "max_monthly_fee = 1250.5\n"
				      "[inventory]\n"
				      "max = 250\n"
				      "[health]\n"
				      "days = 365\n"
				      "ttl = 0\n"),
			 0);
	assert_string_equal(f->cfg.auth_id, "SA_sub-02");
	assert_string_equal(f->cfg.auth_token, TOKEN);
	assert_string_equal(f->cfg.base_url, "https://api.example.net:8443");
	assert_int_equal(f->cfg.dialect, API_DIALECT_CURRENT);
	assert_int_equal(f->cfg.timeout_s, 42);
	assert_string_equal(f->cfg.ca_file, "/srv/ca.pem");
	assert_int_equal(f->cfg.parallel, 3);
	assert_int_equal(f->cfg.ttl_s, 0);
	assert_true(f->cfg.read_only);
	assert_non_null(f->cfg.protect);
	assert_string_equal(f->cfg.protect[0], "919876543210");
	assert_null(f->cfg.protect[1]);
	assert_true(f->cfg.dry_run);
	assert_true(f->cfg.immediate);
	assert_string_equal(f->cfg.audit_log, "/var/log/vobizfs-audit.jsonl");
	assert_int_equal(f->cfg.max_per_hour, 7);
	assert_string_equal(f->cfg.state_dir, "/srv/vobizfs-state");
	assert_true(f->cfg.purchase_enabled);
	assert_true(f->cfg.has_max_monthly_fee);
	assert_true(f->cfg.max_monthly_fee == 1250.5);
	assert_int_equal(f->cfg.inventory_max, 250);
	assert_int_equal(f->cfg.health_days, 365);
	assert_int_equal(f->cfg.health_ttl_s, 0);
}

static void booleans(void **state)
{
	struct fixture *f = *state;
	static const char *const yes[] = { "true", "yes", "on", "1", "True", "YES" };
	static const char *const no[] = { "false", "no", "off", "0", "FALSE", "Off" };
	char text[256];

	for (size_t i = 0; i < 6; i++) {
		snprintf(text, sizeof(text), MINIMAL "[release]\ndry_run = %s\n", yes[i]);
		assert_int_equal(load_text(f, text), 0);
		assert_true(f->cfg.dry_run);
		snprintf(text, sizeof(text), MINIMAL "[release]\ndry_run = %s\n", no[i]);
		assert_int_equal(load_text(f, text), 0);
		assert_false(f->cfg.dry_run);
	}
}

static void precedence_of_files(void **state)
{
	struct fixture *f = *state;
	char home_path[600], env_path[600], explicit_path[600];

	snprintf(home_path, sizeof(home_path), "%s",
		 put_file(f, ".config/vobizfs/vobizfs.ini", "[account]\nauth_id = FROM_HOME\nauth_token = " TOKEN "\n",
			  0600));
	snprintf(env_path, sizeof(env_path), "%s",
		 put_file(f, "env.ini", "[account]\nauth_id = FROM_ENV\nauth_token = " TOKEN "\n", 0600));
	snprintf(explicit_path, sizeof(explicit_path), "%s",
		 put_file(f, "explicit.ini", "[account]\nauth_id = FROM_ARG\nauth_token = " TOKEN "\n", 0600));

	/* ~/.config/vobizfs/vobizfs.ini through $HOME. */
	assert_int_equal(load(f, NULL), 0);
	assert_string_equal(f->cfg.auth_id, "FROM_HOME");
	assert_string_equal(f->cfg.path, home_path);
	/* An empty $VOBIZFS_CONFIG counts as unset. */
	setenv("VOBIZFS_CONFIG", "", 1);
	assert_int_equal(load(f, NULL), 0);
	assert_string_equal(f->cfg.auth_id, "FROM_HOME");
	/* $VOBIZFS_CONFIG beats $HOME. */
	setenv("VOBIZFS_CONFIG", env_path, 1);
	assert_int_equal(load(f, NULL), 0);
	assert_string_equal(f->cfg.auth_id, "FROM_ENV");
	assert_string_equal(f->cfg.path, env_path);
	/* The explicit path beats both. */
	assert_int_equal(load(f, explicit_path), 0);
	assert_string_equal(f->cfg.auth_id, "FROM_ARG");
	assert_string_equal(f->cfg.path, explicit_path);
}

static void named_files_must_exist(void **state)
{
	struct fixture *f = *state;
	char path[600];

	snprintf(path, sizeof(path), "%s/no-such.ini", f->dir);
	assert_refused_mentioning(f, load(f, path), path);
	setenv("VOBIZFS_CONFIG", path, 1);
	assert_refused_mentioning(f, load(f, NULL), path);
}

static void environment_alone(void **state)
{
	struct fixture *f = *state;

	if (access("/etc/vobizfs.ini", F_OK) == 0)
		skip(); /* this host has a system-wide config */
	setenv("VOBIZ_AUTH_ID", "MA_ENVONLY", 1);
	setenv("VOBIZ_AUTH_TOKEN", TOKEN, 1);
	assert_int_equal(load(f, NULL), 0);
	assert_null(f->cfg.path);
	assert_string_equal(f->cfg.auth_id, "MA_ENVONLY");
	assert_string_equal(f->cfg.auth_token, TOKEN);
	assert_string_equal(f->cfg.base_url, "https://api.vobiz.ai");
	/* And with nothing at all, the places looked in are named. */
	unsetenv("VOBIZ_AUTH_ID");
	unsetenv("VOBIZ_AUTH_TOKEN");
	assert_refused_mentioning(f, load(f, NULL), "no configuration");
}

/* No file anywhere and no account in the environment: the places looked in
 * are named, not a missing key of a file that does not exist. */
static void no_configuration_names_the_places_looked(void **state)
{
	struct fixture *f = *state;
	char home_ini[320];

	if (access("/etc/vobizfs.ini", F_OK) == 0)
		skip(); /* this host has a system-wide config */
	snprintf(home_ini, sizeof(home_ini), "%s/.config/vobizfs/vobizfs.ini", f->dir);
	assert_refused_mentioning(f, load(f, NULL), "no configuration: looked in");
	assert_refused_mentioning(f, load(f, NULL), home_ini);
	assert_refused_mentioning(f, load(f, NULL), "/etc/vobizfs.ini");
	assert_refused_mentioning(f, load(f, NULL), "VOBIZFS_CONFIG");
	/* Without HOME, the one file left is still named. */
	unsetenv("HOME");
	assert_refused_mentioning(f, load(f, NULL), "/etc/vobizfs.ini");
	/* An account in the environment is a configuration: its own gaps are named. */
	setenv("VOBIZ_AUTH_ID", "MA_ENVONLY", 1);
	assert_refused_mentioning(f, load(f, NULL), "no auth token");
	unsetenv("VOBIZ_AUTH_ID");
}

static void environment_overrides_file(void **state)
{
	struct fixture *f = *state;
	const char *path = put_file(f, "o.ini",
				    "[account]\nauth_id = MA_FILE\nauth_token = file-token\n"
				    "[api]\nbase_url = https://file.example.com\n",
				    0600);

	setenv("VOBIZ_AUTH_ID", "MA_ENV", 1);
	setenv("VOBIZ_AUTH_TOKEN", TOKEN, 1);
	setenv("VOBIZ_BASE_URL", "http://127.0.0.1:8080/", 1);
	assert_int_equal(load(f, path), 0);
	assert_string_equal(f->cfg.auth_id, "MA_ENV");
	assert_string_equal(f->cfg.auth_token, TOKEN);
	assert_string_equal(f->cfg.base_url, "http://127.0.0.1:8080");
	/* Empty variables do not override. */
	setenv("VOBIZ_AUTH_ID", "", 1);
	setenv("VOBIZ_AUTH_TOKEN", "", 1);
	setenv("VOBIZ_BASE_URL", "", 1);
	assert_int_equal(load(f, path), 0);
	assert_string_equal(f->cfg.auth_id, "MA_FILE");
	assert_string_equal(f->cfg.auth_token, "file-token");
	assert_string_equal(f->cfg.base_url, "https://file.example.com");
	/* The environment's base URL is held to the same rules. */
	setenv("VOBIZ_BASE_URL", "http://example.com", 1);
	assert_refused(f, load(f, path));
}

static void unknown_keys_named_with_their_line(void **state)
{
	struct fixture *f = *state;

	assert_refused_mentioning(f, load_text(f, MINIMAL "[api]\ncolour = blue\n"), "colour");
	assert_non_null(strstr(f->err, ":5:"));
	assert_non_null(strstr(f->err, "vobizfs.ini"));
	/* A known key in the wrong section is unknown there. */
	assert_refused_mentioning(f, load_text(f, "[api]\nauth_id = MA_TEST01\n" MINIMAL), "auth_id");
	assert_non_null(strstr(f->err, ":2:"));
	/* A misspelt section. */
	assert_refused_mentioning(f, load_text(f, MINIMAL "[cahce]\nttl = 5\n"), "cahce");
	/* A key outside any section. */
	assert_refused_mentioning(f, load_text(f, "timeout = 5\n" MINIMAL), "timeout");
	assert_non_null(strstr(f->err, ":1:"));
	/* A line that is not key = value. */
	assert_refused_mentioning(f, load_text(f, MINIMAL "just words\n"), ":4:");
}

static void first_error_is_reported_with_its_own_line(void **state)
{
	struct fixture *f = *state;

	/* Line 2 and line 6 are both wrong: the message and the line must agree. */
	assert_refused(
	    f, load_text(f, "[account]\nfoo = 1\nauth_id = MA_TEST01\nauth_token = " TOKEN "\n[api]\ntimeout = abc\n"));
	if (!(strstr(f->err, ":2:") && strstr(f->err, "foo")) && !(strstr(f->err, ":6:") && strstr(f->err, "timeout")))
		fail_msg("line and message disagree: \"%s\"", f->err);
}

static void grace_durations(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *value;
		unsigned seconds;
	} good[] = {
		{ "0", 0 },         { "0s", 0 },          { "90", 90 },         { "90s", 90 },
		{ "15m", 900 },     { "2h", 7200 },       { "1d", 86400 },      { "7d", 604800 },
		{ "168h", 604800 }, { "604800", 604800 }, { "10080m", 604800 },
	};
	char text[512];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(text, sizeof(text), MINIMAL "[release]\ngrace = %s\n", good[i].value);
		assert_int_equal(load_text(f, text), 0);
		assert_int_equal(f->cfg.grace_s, good[i].seconds);
	}
}

static void bad_values_refused(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *section, *line, *key;
	} bad[] = {
		{ "api", "timeout = 0", "timeout" },
		{ "api", "timeout = abc", "timeout" },
		{ "api", "timeout = -5", "timeout" },
		{ "api", "timeout = 15s", "timeout" },
		{ "api", "timeout = 99999999999999999999", "timeout" },
		{ "api", "timeout =", "timeout" },
		{ "api", "parallel = 0", "parallel" },
		{ "api", "parallel = many", "parallel" },
		{ "api", "dialect = foo", "dialect" },
		{ "api", "dialect = Legacy", "dialect" },
		{ "api", "dialect =", "dialect" },
		{ "cache", "ttl = -1", "ttl" },
		{ "cache", "ttl = 1.5", "ttl" },
		{ "release", "read_only = maybe", "read_only" },
		{ "release", "dry_run = 2", "dry_run" },
		{ "release", "immediate = y", "immediate" },
		{ "release", "max_per_hour = -1", "max_per_hour" },
		{ "release", "max_per_hour = 1000001", "max_per_hour" },
		{ "release", "max_per_hour = lots", "max_per_hour" },
		{ "release", "max_per_hour = 5/h", "max_per_hour" },
		{ "release", "max_per_hour =", "max_per_hour" },
		{ "release", "state_dir = var/lib/vobizfs", "state_dir" },
		{ "release", "state_dir = ~/.local/state/vobizfs", "state_dir" },
		{ "release", "state_dir =", "state_dir" },
		{ "release", "grace = -1", "grace" },
		{ "release", "grace = 8d", "grace" },
		{ "release", "grace = 604801", "grace" },
		{ "release", "grace = 10081m", "grace" },
		{ "release", "grace = 169h", "grace" },
		{ "release", "grace = 1.5h", "grace" },
		{ "release", "grace = 15 m", "grace" },
		{ "release", "grace = 15min", "grace" },
		{ "release", "grace = 2w", "grace" },
		{ "release", "grace = h", "grace" },
		{ "release", "grace = 99999999999999999999s", "grace" },
		{ "release", "grace =", "grace" },
		{ "purchase", "enabled = enabled", "enabled" },
		{ "purchase", "max_monthly_fee = -1", "max_monthly_fee" },
		{ "purchase", "max_monthly_fee = cheap", "max_monthly_fee" },
		{ "purchase", "max_monthly_fee = nan", "max_monthly_fee" },
		{ "inventory", "max = 0", "max" },
		{ "inventory", "max = lots", "max" },
		{ "health", "days = 0", "days" },
		{ "health", "days = 366", "days" },
		{ "health", "days = month", "days" },
		{ "health", "ttl = 86401", "ttl" },
		{ "health", "ttl = -1", "ttl" },
		{ "health", "ttl = 5m", "ttl" },
	};
	char text[512];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), MINIMAL "[%s]\n%s\n", bad[i].section, bad[i].line);
		assert_refused_mentioning(f, load_text(f, text), bad[i].key);
		assert_non_null(strstr(f->err, ":5:"));
	}
}

static void token_file_must_be_private(void **state)
{
	struct fixture *f = *state;
	static const mode_t open_modes[] = { 0644, 0640, 0604, 0660, 0602, 0620 };
	const char *path;

	for (size_t i = 0; i < sizeof(open_modes) / sizeof(open_modes[0]); i++) {
		path = put_file(f, "shared.ini", MINIMAL, open_modes[i]);
		assert_refused_mentioning(f, load(f, path), "chmod 600");
		assert_non_null(strstr(f->err, path));
		assert_int_equal(load(f, path), -EACCES);
	}
	assert_int_equal(load(f, put_file(f, "private.ini", MINIMAL, 0600)), 0);
	assert_int_equal(load(f, put_file(f, "readonly.ini", MINIMAL, 0400)), 0);
	/* A file without the token may be shared: the token comes from the environment. */
	setenv("VOBIZ_AUTH_TOKEN", TOKEN, 1);
	assert_int_equal(load(f, put_file(f, "public.ini", "[account]\nauth_id = MA_TEST01\n", 0644)), 0);
	assert_string_equal(f->cfg.auth_token, TOKEN);
}

static void auth_token_file(void **state)
{
	struct fixture *f = *state;
	char token_path[600], text[1024];

	snprintf(token_path, sizeof(token_path), "%s", put_file(f, "token", TOKEN "\n", 0600));
	snprintf(text, sizeof(text), "[account]\nauth_id = MA_TEST01\nauth_token_file = %s\n", token_path);
	/* The config holds no secret itself, so it may be 0644. */
	assert_int_equal(load(f, put_file(f, "tf.ini", text, 0644)), 0);
	assert_string_equal(f->cfg.auth_token, TOKEN);

	put_file(f, "token", TOKEN "\r\n", 0400);
	assert_int_equal(load(f, put_file(f, "tf.ini", text, 0644)), 0);
	assert_string_equal(f->cfg.auth_token, TOKEN);

	/* The token file is held to the same rule. */
	put_file(f, "token", TOKEN "\n", 0644);
	assert_refused_mentioning(f, load(f, put_file(f, "tf.ini", text, 0600)), "chmod 600");
	assert_non_null(strstr(f->err, token_path));
	put_file(f, "token", TOKEN "\n", 0640);
	assert_refused_mentioning(f, load(f, put_file(f, "tf.ini", text, 0600)), token_path);

	/* A missing token file is named. */
	snprintf(text, sizeof(text), "[account]\nauth_id = MA_TEST01\nauth_token_file = %s/absent\n", f->dir);
	assert_refused_mentioning(f, load(f, put_file(f, "tf.ini", text, 0600)), "absent");

	/* An empty token file is no token. */
	put_file(f, "empty", "", 0600);
	snprintf(text, sizeof(text), "[account]\nauth_id = MA_TEST01\nauth_token_file = %s/empty\n", f->dir);
	assert_refused_mentioning(f, load(f, put_file(f, "tf.ini", text, 0600)), "token");
}

static void token_never_in_errors(void **state)
{
	struct fixture *f = *state;
	static const char *const texts[] = {
		MINIMAL "[api]\nbogus = " TOKEN "\n",
		MINIMAL "[api]\ntimeout = " TOKEN "\n",
		MINIMAL "[api]\nbase_url = http://example.com\n",
		MINIMAL "[api]\ndialect = " TOKEN "\n",
		MINIMAL "[release]\nprotect = " TOKEN "\n",
		"[account]\nauth_token = " TOKEN "\n",
		"[account]\nauth_id = MA/x\nauth_token = " TOKEN "\n",
		"[account]\nauth_id = " TOKEN "/\nauth_token = " TOKEN "\n",
		"[account]\nauth_token = " TOKEN "\n" TOKEN "\n",
		"[account]\nauth_id = MA_TEST01\nauth_token " TOKEN "\n",
		"[account]\nauth_token = " TOKEN "\nauth_id = MA_TEST01\n[api]\ntimeout = 0\n",
		"[account]\nauth_id = MA_TEST01\nauth_token = x\nauth_token = " TOKEN "\n",
		"[account]\nauth_id = MA_TEST01\nauth_token = " TOKEN "\n  " TOKEN "\n",
		"[account]\nauth_id = MA_TEST01\nauth_token = " TOKEN "\n[account]\nauth_token = " TOKEN "\n",
		MINIMAL "[release]\nstate_dir = " TOKEN "\n",
		MINIMAL "[release]\nmax_per_hour = " TOKEN "\n",
	};

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		int ret = load_text(f, texts[i]);

		if (strstr(f->err, TOKEN))
			fail_msg("case %zu: the token is in \"%s\"", i, f->err);
		assert_refused(f, ret);
	}
	assert_refused(f, load(f, put_file(f, "open.ini", MINIMAL, 0644)));
	/* A token from the environment with a line break is malformed, silently. */
	setenv("VOBIZ_AUTH_TOKEN", TOKEN "\r\nX-Evil: 1", 1);
	assert_refused(f, load_text(f, "[account]\nauth_id = MA_TEST01\n"));
}

/* A token pasted into the wrong setting must not be echoed back either. */
static void token_pasted_into_base_url_not_echoed(void **state)
{
	struct fixture *f = *state;

	assert_refused(f, load_text(f, MINIMAL "[api]\nbase_url = https://example.com/" TOKEN "\n"));
	setenv("VOBIZ_BASE_URL", "https://" TOKEN "@example.com", 1);
	assert_refused(f, load_text(f, MINIMAL));
}

/* inih reads lines of at most 200 bytes: a longer token line must neither be
 * cut into a bogus key (whose name, a piece of the token, would be printed)
 * nor silently shortened. */
static void long_token_line_never_leaks(void **state)
{
	struct fixture *f = *state;
	char token[301], text[512];
	int ret;

	memset(token, 'A', 300);
	token[300] = '\0';
	memcpy(token + 240, "LEAKME", 6);
	token[280] = '=';
	snprintf(text, sizeof(text), "[account]\nauth_id = MA_TEST01\nauth_token = %s\n", token);
	ret = load_text(f, text);
	assert_null(strstr(f->err, "LEAKME"));
	assert_null(strstr(f->err, "AAAAAAAAAA"));
	if (ret == 0)
		assert_string_equal(f->cfg.auth_token, token);
}

static void base_urls(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *url, *want; /* want NULL: refused */
	} cases[] = {
		{ "https://api.vobiz.ai", "https://api.vobiz.ai" },
		{ "https://api.vobiz.ai/", "https://api.vobiz.ai" },
		{ "https://api.example.com:8443//", "https://api.example.com:8443" },
		{ "http://127.0.0.1:8080", "http://127.0.0.1:8080" },
		{ "http://127.0.0.1", "http://127.0.0.1" },
		{ "http://127.1.2.3:9", "http://127.1.2.3:9" },
		{ "http://localhost", "http://localhost" },
		{ "http://localhost:8080/", "http://localhost:8080" },
		{ "http://[::1]:8080", "http://[::1]:8080" },
		{ "http://example.com", NULL },
		{ "http://example.com:80", NULL },
		{ "http://10.0.0.1", NULL },
		{ "http://[::2]", NULL },
		{ "http://localhost.example.com", NULL },
		{ "http://127.0.0.1.example.com", NULL },
		{ "http://127.evil.example", NULL },
		{ "http://localhost@example.com", NULL },
		{ "https://host/path", NULL },
		{ "https://host/api/v1", NULL },
		{ "https://host?x=1", NULL },
		{ "https://host#frag", NULL },
		{ "https://user:pw@host", NULL },
		{ "https://", NULL },
		{ "https:///", NULL },
		{ "ftp://host", NULL },
		{ "api.vobiz.ai", NULL },
		{ "HTTPS//api.vobiz.ai", NULL },
		{ "https://ho st", NULL },
	};
	char text[512];
	int wrong = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int ret;

		snprintf(text, sizeof(text), MINIMAL "[api]\nbase_url = %s\n", cases[i].url);
		ret = load_text(f, text);
		if (cases[i].want && ret) {
			print_error("%s refused: %s\n", cases[i].url, f->err);
			wrong++;
		} else if (cases[i].want) {
			assert_string_equal(f->cfg.base_url, cases[i].want);
		} else if (!ret) {
			print_error("%s accepted as %s\n", cases[i].url, f->cfg.base_url);
			wrong++;
		} else {
			assert_refused(f, ret);
		}
	}
	assert_int_equal(wrong, 0);
}

static void account_is_required_and_checked(void **state)
{
	struct fixture *f = *state;
	char text[512], id[80];

	assert_refused_mentioning(f, load_text(f, "[account]\nauth_token = " TOKEN "\n"), "auth_id");
	assert_int_equal(load_text(f, "[account]\nauth_token = " TOKEN "\n"), -EINVAL);
	assert_refused_mentioning(f, load_text(f, "[account]\nauth_id = MA_TEST01\n"), "token");
	assert_refused_mentioning(f, load_text(f, "[account]\nauth_id = MA_TEST01\nauth_token =\n"), "token");
	assert_refused(f, load_text(f, "[account]\nauth_id =\nauth_token = " TOKEN "\n"));
	assert_refused_mentioning(f, load_text(f, "[account]\nauth_id = MA/TEST01\nauth_token = " TOKEN "\n"),
				  "auth_id");
	assert_refused(f, load_text(f, "[account]\nauth_id = ..\nauth_token = " TOKEN "\n"));
	assert_refused(f, load_text(f, "[account]\nauth_id = MA TEST\nauth_token = " TOKEN "\n"));
	assert_refused(f, load_text(f, "[account]\nauth_id = MA%2FX\nauth_token = " TOKEN "\n"));
	assert_refused(f, load_text(f, "[account]\nauth_id = MA?x=1\nauth_token = " TOKEN "\n"));
	setenv("VOBIZ_AUTH_ID", "../../admin", 1);
	assert_refused_mentioning(f, load_text(f, MINIMAL), "auth_id");
	unsetenv("VOBIZ_AUTH_ID");
	/* 64 characters is the longest id. */
	memset(id, 'M', 64);
	id[64] = '\0';
	snprintf(text, sizeof(text), "[account]\nauth_id = %s\nauth_token = " TOKEN "\n", id);
	assert_int_equal(load_text(f, text), 0);
	snprintf(text, sizeof(text), "[account]\nauth_id = %sM\nauth_token = " TOKEN "\n", id);
	assert_refused(f, load_text(f, text));
}

static void protect_globs(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(load_text(f, MINIMAL "[release]\nprotect = 919876543210, 9180*\n"), 0);
	assert_true(config_is_protected(&f->cfg, "919876543210"));
	assert_true(config_is_protected(&f->cfg, "918012345678"));
	assert_true(config_is_protected(&f->cfg, "9180"));
	assert_false(config_is_protected(&f->cfg, "919876543211"));
	assert_false(config_is_protected(&f->cfg, "918112345678"));
	assert_false(config_is_protected(&f->cfg, "19180123456"));

	assert_int_equal(load_text(f, MINIMAL "[release]\nprotect = +919876543210,+1415555????\n"), 0);
	assert_true(config_is_protected(&f->cfg, "919876543210"));
	assert_true(config_is_protected(&f->cfg, "14155551234"));
	assert_false(config_is_protected(&f->cfg, "141555512345"));

	assert_int_equal(load_text(f, MINIMAL "[release]\nprotect = 91[0-8]*, ,\n"), 0);
	assert_true(config_is_protected(&f->cfg, "918012345678"));
	assert_false(config_is_protected(&f->cfg, "919876543210"));

	assert_int_equal(load_text(f, MINIMAL "[release]\nprotect = *\n"), 0);
	assert_true(config_is_protected(&f->cfg, "12345678"));

	assert_int_equal(load_text(f, MINIMAL "[release]\nprotect =\n"), 0);
	assert_false(config_is_protected(&f->cfg, "919876543210"));

	assert_refused_mentioning(f, load_text(f, MINIMAL "[release]\nprotect = 91a*\n"), "protect");
	assert_refused_mentioning(f, load_text(f, MINIMAL "[release]\nprotect = 9180*, 91/*\n"), "protect");
	assert_refused(f, load_text(f, MINIMAL "[release]\nprotect = 91 98\n"));
	assert_refused(f, load_text(f, MINIMAL "[release]\nprotect = ++91\n"));
	assert_refused(f, load_text(f, MINIMAL "[release]\nprotect = 91\\*\n"));
	assert_refused(f, load_text(f, MINIMAL "[release]\nprotect = {91,92}\n"));
}

/* The protect list of the loaded config, as "a|b|c" ("" for none). */
static const char *protect_list(struct fixture *f)
{
	static char joined[256];

	joined[0] = '\0';
	for (size_t i = 0; f->cfg.protect && f->cfg.protect[i]; i++) {
		assert_true(f->cfg.protect[i][0] != '\0');
		snprintf(joined + strlen(joined), sizeof(joined) - strlen(joined), "%s%s", i ? "|" : "",
			 f->cfg.protect[i]);
	}
	return joined;
}

static void protect_adds_up_over_continuation_lines(void **state)
{
	struct fixture *f = *state;

	/* The issue's own example: the glob on the indented line used to be all that was kept. */
	assert_int_equal(load_text(f, MINIMAL "[release]\nprotect = 9180*,\n  1415*\n"), 0);
	assert_string_equal(protect_list(f), "9180*|1415*");
	assert_true(config_is_protected(&f->cfg, "918012345678"));
	assert_true(config_is_protected(&f->cfg, "14155551234"));
	/* Without a trailing comma, with tabs, + and empty entries, over several lines. */
	assert_int_equal(load_text(f, MINIMAL "[release]\nprotect = 9180*\n\t+1415*, ,\n  ,\n    4420*\n"), 0);
	assert_string_equal(protect_list(f), "9180*|1415*|4420*");
	/* An empty first line, continued. */
	assert_int_equal(load_text(f, MINIMAL "[release]\nprotect =\n  9180*\n"), 0);
	assert_string_equal(protect_list(f), "9180*");
	/* A bad glob on a continuation line is refused with that line. */
	assert_refused_mentioning(f, load_text(f, MINIMAL "[release]\nprotect = 9180*,\n  91a*\n"), "protect");
	assert_non_null(strstr(f->err, ":6:"));
}

static void protect_adds_up_over_repeated_keys(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(load_text(f, MINIMAL "[release]\nprotect = 9180*,\nprotect = 1415*\n"), 0);
	assert_string_equal(protect_list(f), "9180*|1415*");
	assert_int_equal(load_text(f, MINIMAL "[release]\nprotect = 9180*\ndry_run = true\nprotect =\n"
					      "protect = +919876543210, 1415*\n"),
			 0);
	assert_string_equal(protect_list(f), "9180*|919876543210|1415*");
	assert_true(config_is_protected(&f->cfg, "919876543210"));
	/* A bad glob in a later key is refused with its line. */
	assert_refused_mentioning(f, load_text(f, MINIMAL "[release]\nprotect = 9180*\nprotect = 91/*\n"), "protect");
	assert_non_null(strstr(f->err, ":6:"));
}

static void protect_adds_up_over_repeated_sections(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(load_text(f, MINIMAL "[release]\nprotect = 9180*\n[api]\ntimeout = 5\n"
					      "[release]\nprotect = 1415*,\n  4420*\n"),
			 0);
	assert_string_equal(protect_list(f), "9180*|1415*|4420*");
	assert_int_equal(f->cfg.timeout_s, 5);
	assert_true(config_is_protected(&f->cfg, "442071234567"));
}

static void repeated_setting_refused_naming_both_lines(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *text, *where;
	} cases[] = {
		{ "[account]\nauth_id = MA_TEST01\nauth_token = " TOKEN "\nauth_id = MA_TEST01\n",
		  ":4: [account] auth_id is set twice (first on line 2)" },
		{ MINIMAL "[release]\ndry_run = true\ndry_run = false\n",
		  ":6: [release] dry_run is set twice (first on line 5)" },
		{ MINIMAL "[release]\nmax_per_hour = 5\nprotect = 9180*\nmax_per_hour = 5\n",
		  ":7: [release] max_per_hour is set twice (first on line 5)" },
		{ MINIMAL "[release]\nstate_dir = /a\nstate_dir = /b\n",
		  ":6: [release] state_dir is set twice (first on line 5)" },
		{ MINIMAL "[release]\naudit_log = /a\n[release]\naudit_log = /a\n",
		  ":7: [release] audit_log is set twice (first on line 5)" },
		{ "[account]\nauth_id = MA_TEST01\nauth_token = " TOKEN "\nauth_token = " TOKEN "\n",
		  ":4: [account] auth_token is set twice (first on line 3)" },
		{ MINIMAL "[api]\ndialect = current\n[purchase]\nenabled = true\n[api]\ndialect = legacy\n",
		  ":9: [api] dialect is set twice (first on line 5)" },
		{ MINIMAL "[health]\ndays = 7\n[health]\ndays = 7\n",
		  ":7: [health] days is set twice (first on line 5)" },
		{ MINIMAL "[health]\nttl = 60\nttl = 120\n", ":6: [health] ttl is set twice (first on line 5)" },
	};
	char want[600];
	const char *path;

	/* The example, to the letter. */
	path = put_file(f, "twice.ini",
			"[account]\nauth_id = MA_TEST01\n[api]\ntimeout = 5\n[account]\nauth_token = " TOKEN
			"\n[release]\ndry_run = true\n[api]\ntimeout = 20\n",
			0600);
	assert_int_equal(load(f, path), -EINVAL);
	snprintf(want, sizeof(want), "%s:10: [api] timeout is set twice (first on line 4)", path);
	assert_string_equal(f->err, want);
	assert_refused(f, -EINVAL);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int ret = load_text(f, cases[i].text);

		assert_refused_mentioning(f, ret, cases[i].where);
		assert_int_equal(ret, -EINVAL);
	}
}

static void scalar_continuation_refused_naming_its_line(void **state)
{
	struct fixture *f = *state;
	int ret;

	ret = load_text(f, MINIMAL "[api]\ntimeout = 5\n  6\n");
	assert_refused_mentioning(f, ret, ":6: [api] timeout continues on an indented line");
	assert_int_equal(ret, -EINVAL);
	assert_refused_mentioning(f, load_text(f, MINIMAL "[release]\ndry_run = true\n\n\tfalse\n"),
				  ":7: [release] dry_run");
	/* A token split over two lines is refused without echoing either half. */
	assert_refused_mentioning(f, load_text(f, "[account]\nauth_id = MA_TEST01\nauth_token = Tk9-\n  xyzzy\n"),
				  ":4: [account] auth_token");
	/* An indented key = value right after a section header is no continuation. */
	assert_int_equal(load_text(f, MINIMAL "[api]\n  timeout = 5\n[release]\n\tdry_run = yes\n"), 0);
	assert_int_equal(f->cfg.timeout_s, 5);
	assert_true(f->cfg.dry_run);
}

static void environment_still_overrides_a_file_read_once(void **state)
{
	struct fixture *f = *state;

	setenv("VOBIZ_AUTH_ID", "MA_ENV", 1);
	assert_int_equal(load_text(f, MINIMAL), 0);
	assert_string_equal(f->cfg.auth_id, "MA_ENV");
	/* The environment is no second occurrence, and does not excuse one in the file. */
	assert_refused_mentioning(f, load_text(f, MINIMAL "[account]\nauth_id = MA_OTHER\n"), "auth_id is set twice");
}

static void max_per_hour_bounds(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(load_text(f, MINIMAL), 0);
	assert_int_equal(f->cfg.max_per_hour, 50);
	assert_int_equal(load_text(f, MINIMAL "[release]\nmax_per_hour = 0\n"), 0);
	assert_int_equal(f->cfg.max_per_hour, 0);
	assert_int_equal(load_text(f, MINIMAL "[release]\nmax_per_hour = 1\n"), 0);
	assert_int_equal(f->cfg.max_per_hour, 1);
	assert_int_equal(load_text(f, MINIMAL "[release]\nmax_per_hour = 1000000\n"), 0);
	assert_int_equal(f->cfg.max_per_hour, 1000000);
	assert_refused_mentioning(f, load_text(f, MINIMAL "[release]\nmax_per_hour = 1000001\n"),
				  "invalid value for [release] max_per_hour");
	assert_refused_mentioning(f, load_text(f, MINIMAL "[release]\nmax_per_hour = 4294967346\n"), "max_per_hour");
	assert_refused_mentioning(f, load_text(f, MINIMAL "[release]\nmax_per_hour = 1e3\n"), "max_per_hour");
	assert_refused_mentioning(f, load_text(f, MINIMAL "[release]\nmax_per_hour = +5\n"), "max_per_hour");
	/* It belongs to [release]. */
	assert_refused_mentioning(f, load_text(f, MINIMAL "[api]\nmax_per_hour = 5\n"), "unknown setting");
}

/* config_default_state_dir() as EUID, into a string compared with WANT (NULL: refused). */
static void assert_default_state_dir(uid_t euid, const char *want)
{
	char *dir = (char *)"untouched";
	int ret = config_default_state_dir(euid, &dir);

	if (!want) {
		assert_int_equal(ret, -ENOENT);
		return;
	}
	assert_int_equal(ret, 0);
	assert_string_equal(dir, want);
	free(dir);
}

static void state_dir_default_for_root_xdg_and_home(void **state)
{
	struct fixture *f = *state;
	char want[600];

	/* The fixture's HOME is f->dir; XDG_STATE_HOME is unset. */
	snprintf(want, sizeof(want), "%s/.local/state/vobizfs", f->dir);
	assert_default_state_dir(1000, want);
	assert_default_state_dir(0, "/var/lib/vobizfs");

	setenv("XDG_STATE_HOME", "/srv/state", 1);
	assert_default_state_dir(1000, "/srv/state/vobizfs");
	assert_default_state_dir(0, "/var/lib/vobizfs");
	/* A relative or empty XDG_STATE_HOME is ignored, as the XDG spec says. */
	setenv("XDG_STATE_HOME", "state", 1);
	assert_default_state_dir(1000, want);
	setenv("XDG_STATE_HOME", "", 1);
	assert_default_state_dir(1000, want);

	/* No HOME either: no default for a user, still one for root. */
	unsetenv("HOME");
	assert_default_state_dir(1000, NULL);
	setenv("HOME", "relative/home", 1);
	assert_default_state_dir(1000, NULL);
	assert_default_state_dir(0, "/var/lib/vobizfs");
	setenv("XDG_STATE_HOME", "/srv/state", 1);
	assert_default_state_dir(1000, "/srv/state/vobizfs");
	unsetenv("XDG_STATE_HOME");
	setenv("HOME", f->dir, 1);
}

static void state_dir_loaded_default_and_set(void **state)
{
	struct fixture *f = *state;
	char *want = NULL;

	/* config_load fills in the default for this process's user. */
	assert_int_equal(config_default_state_dir(geteuid(), &want), 0);
	assert_int_equal(load_text(f, MINIMAL), 0);
	assert_string_equal(f->cfg.state_dir, want);
	free(want);
	setenv("XDG_STATE_HOME", "/srv/state", 1);
	assert_int_equal(load_text(f, MINIMAL), 0);
	assert_string_equal(f->cfg.state_dir, geteuid() == 0 ? "/var/lib/vobizfs" : "/srv/state/vobizfs");

	/* A value in the file wins over every default. */
	assert_int_equal(load_text(f, MINIMAL "[release]\nstate_dir = /tmp/vobizfs state\n"), 0);
	assert_string_equal(f->cfg.state_dir, "/tmp/vobizfs state");

	/* Relative paths are refused, naming the key. */
	assert_refused_mentioning(f, load_text(f, MINIMAL "[release]\nstate_dir = state\n"),
				  ":5: [release] state_dir must be an absolute path");
	assert_refused_mentioning(f, load_text(f, MINIMAL "[release]\nstate_dir = ./state\n"), "absolute");

	/* With no default to be had, the message asks for state_dir. */
	unsetenv("XDG_STATE_HOME");
	unsetenv("HOME");
	if (geteuid() == 0) {
		assert_int_equal(load_text(f, MINIMAL), 0);
		assert_string_equal(f->cfg.state_dir, "/var/lib/vobizfs");
	} else {
		assert_refused_mentioning(f, load_text(f, MINIMAL), "set [release] state_dir");
	}
	assert_int_equal(load_text(f, MINIMAL "[release]\nstate_dir = /srv/vobizfs\n"), 0);
	assert_string_equal(f->cfg.state_dir, "/srv/vobizfs");
}

/* DIR/NAME, in a static buffer valid until the next call. */
static const char *in_dir(struct fixture *f, const char *name)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/%s", f->dir, name);
	return path;
}

/* Load a config (mode 0600) whose token comes from auth_token_file = TOKEN_PATH. */
static int load_with_token_file(struct fixture *f, const char *token_path)
{
	char text[1024];

	snprintf(text, sizeof(text), "[account]\nauth_id = MA_TEST01\nauth_token_file = %s\n", token_path);
	return load(f, put_file(f, "tf.ini", text, 0600));
}

/* A FIFO would block the open (or the read) for ever, /dev/zero would never
 * end, and a directory reads as nothing: each is refused, named, at once. */
static void config_must_be_a_regular_file(void **state)
{
	struct fixture *f = *state;
	char fifo[600];

	snprintf(fifo, sizeof(fifo), "%s", in_dir(f, "fifo.ini"));
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_refused_mentioning(f, load(f, fifo), "FIFO");
	assert_non_null(strstr(f->err, fifo));
	assert_int_equal(load(f, fifo), -EINVAL);

	assert_refused_mentioning(f, load(f, "/dev/zero"), "character device");
	assert_non_null(strstr(f->err, "/dev/zero"));
	assert_refused_mentioning(f, load(f, "/dev/null"), "character device");

	assert_refused_mentioning(f, load(f, f->dir), "directory");
	assert_non_null(strstr(f->err, f->dir));

	/* The same through $VOBIZFS_CONFIG. */
	setenv("VOBIZFS_CONFIG", fifo, 1);
	assert_refused_mentioning(f, load(f, NULL), "FIFO");
}

static void token_file_must_be_a_regular_file(void **state)
{
	struct fixture *f = *state;
	char fifo[600];

	snprintf(fifo, sizeof(fifo), "%s", in_dir(f, "token.fifo"));
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_refused_mentioning(f, load_with_token_file(f, fifo), "FIFO");
	assert_non_null(strstr(f->err, "auth_token_file"));
	assert_non_null(strstr(f->err, fifo));
	assert_refused_mentioning(f, load_with_token_file(f, "/dev/zero"), "character device");
	assert_refused_mentioning(f, load_with_token_file(f, f->dir), "directory");
}

/* A config reached through a symbolic link (config management links
 * /etc/vobizfs.ini) is read, and what it leads to is held to every rule. */
static void symlinked_config_is_followed_and_checked(void **state)
{
	struct fixture *f = *state;
	char link[600], fifo[600];

	snprintf(link, sizeof(link), "%s", in_dir(f, "link.ini"));
	assert_int_equal(symlink(put_file(f, "real.ini", MINIMAL, 0600), link), 0);
	assert_int_equal(load(f, link), 0);
	assert_string_equal(f->cfg.auth_token, TOKEN);
	assert_string_equal(f->cfg.path, link);

	put_file(f, "real.ini", MINIMAL, 0644);
	assert_refused_mentioning(f, load(f, link), "chmod 600");

	snprintf(fifo, sizeof(fifo), "%s", in_dir(f, "fifo"));
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(unlink(link), 0);
	assert_int_equal(symlink(fifo, link), 0);
	assert_refused_mentioning(f, load(f, link), "FIFO");
}

/* Following a link sent the first line of any private file the daemon could
 * read as the token: the token file itself must be named. */
static void symlinked_token_file_refused(void **state)
{
	struct fixture *f = *state;
	char link[600];

	snprintf(link, sizeof(link), "%s", in_dir(f, "token.link"));
	assert_int_equal(symlink(put_file(f, "token", TOKEN "\n", 0600), link), 0);
	assert_refused_mentioning(f, load_with_token_file(f, link), "symbolic link");
	assert_non_null(strstr(f->err, link));
	assert_int_equal(load_with_token_file(f, link), -ELOOP);
	/* The file it names is fine by itself. */
	assert_int_equal(load_with_token_file(f, in_dir(f, "token")), 0);
	assert_string_equal(f->cfg.auth_token, TOKEN);
}

/* Filled to exactly SIZE bytes: the text, then comment lines. */
static const char *put_sized(struct fixture *f, const char *name, const char *text, size_t size)
{
	char *buf = malloc(size + 1);
	const char *path;
	size_t at;

	assert_non_null(buf);
	at = strlen(text);
	assert_true(at <= size);
	memcpy(buf, text, at);
	while (at < size) {
		size_t line = size - at < 60 ? size - at : 60;

		memset(buf + at, ';', line);
		buf[at + line - 1] = '\n';
		at += line;
	}
	buf[size] = '\0';
	path = put_file(f, name, buf, 0600);
	free(buf);
	return path;
}

static void oversize_files_refused(void **state)
{
	struct fixture *f = *state;
	char token_path[600];

	assert_int_equal(load(f, put_sized(f, "full.ini", MINIMAL, 64 * 1024)), 0);
	assert_string_equal(f->cfg.auth_token, TOKEN);
	assert_refused_mentioning(f, load(f, put_sized(f, "over.ini", MINIMAL, 64 * 1024 + 1)), "larger than 64 KiB");
	assert_int_equal(load(f, in_dir(f, "over.ini")), -EFBIG);
	assert_refused_mentioning(f, load(f, put_sized(f, "huge.ini", MINIMAL, 1024 * 1024)), "huge.ini");

	snprintf(token_path, sizeof(token_path), "%s", put_sized(f, "token", TOKEN "\n", 4096));
	assert_int_equal(load_with_token_file(f, token_path), 0);
	assert_string_equal(f->cfg.auth_token, TOKEN);
	snprintf(token_path, sizeof(token_path), "%s", put_sized(f, "token", TOKEN "\n", 4097));
	assert_refused_mentioning(f, load_with_token_file(f, token_path), "larger than 4 KiB");
	assert_non_null(strstr(f->err, token_path));
}

/* Only the mounting user or root may say which account is mounted and with
 * which token.  Giving a file away takes root. */
static void files_of_another_user_refused(void **state)
{
	struct fixture *f = *state;
	char token_path[600];
	const char *path;

	if (geteuid() != 0)
		skip();
	path = put_file(f, "theirs.ini", MINIMAL, 0600);
	assert_int_equal(chown(path, 65534, 65534), 0);
	assert_refused_mentioning(f, load(f, path), "owned by uid 65534");
	assert_non_null(strstr(f->err, path));
	assert_int_equal(load(f, path), -EACCES);
	/* Even one without the token, which could point at someone else's account. */
	path = put_file(f, "public.ini", "[account]\nauth_id = MA_TEST01\n", 0644);
	assert_int_equal(chown(path, 65534, 65534), 0);
	setenv("VOBIZ_AUTH_TOKEN", TOKEN, 1);
	assert_refused_mentioning(f, load(f, path), "owned by uid 65534");
	unsetenv("VOBIZ_AUTH_TOKEN");

	snprintf(token_path, sizeof(token_path), "%s", put_file(f, "token", TOKEN "\n", 0600));
	assert_int_equal(chown(token_path, 65534, 65534), 0);
	assert_refused_mentioning(f, load_with_token_file(f, token_path), "owned by uid 65534");
	assert_non_null(strstr(f->err, "auth_token_file"));
	/* Root's own files stay fine. */
	assert_int_equal(chown(token_path, 0, 0), 0);
	assert_int_equal(load_with_token_file(f, token_path), 0);
}

/* A NUL would have cut the token short without a word. */
static void nul_in_token_file_refused(void **state)
{
	struct fixture *f = *state;
	static const char text[] = "Tk9\0xyzzy\n";
	const char *path = in_dir(f, "token");
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, sizeof(text) - 1, fp), sizeof(text) - 1);
	fclose(fp);
	assert_int_equal(chmod(path, 0600), 0);
	assert_refused_mentioning(f, load_with_token_file(f, path), "malformed");
}

static void free_is_safe_on_zero(void **state)
{
	struct config zero = { 0 }, cfg = { 0 };

	(void)state;
	config_free(&cfg);
	config_free(&cfg);
	assert_memory_equal(&cfg, &zero, sizeof(zero));
	assert_false(config_is_protected(&cfg, "919876543210"));
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(defaults),
		T(no_configuration_names_the_places_looked),
		T(every_key_parsed),
		T(booleans),
		T(precedence_of_files),
		T(named_files_must_exist),
		T(environment_alone),
		T(environment_overrides_file),
		T(unknown_keys_named_with_their_line),
		T(first_error_is_reported_with_its_own_line),
		T(grace_durations),
		T(bad_values_refused),
		T(token_file_must_be_private),
		T(auth_token_file),
		T(token_never_in_errors),
		T(token_pasted_into_base_url_not_echoed),
		T(long_token_line_never_leaks),
		T(base_urls),
		T(account_is_required_and_checked),
		T(protect_globs),
		T(protect_adds_up_over_continuation_lines),
		T(protect_adds_up_over_repeated_keys),
		T(protect_adds_up_over_repeated_sections),
		T(repeated_setting_refused_naming_both_lines),
		T(scalar_continuation_refused_naming_its_line),
		T(environment_still_overrides_a_file_read_once),
		T(max_per_hour_bounds),
		T(state_dir_default_for_root_xdg_and_home),
		T(state_dir_loaded_default_and_set),
		T(config_must_be_a_regular_file),
		T(token_file_must_be_a_regular_file),
		T(symlinked_config_is_followed_and_checked),
		T(symlinked_token_file_refused),
		T(oversize_files_refused),
		T(files_of_another_user_refused),
		T(nul_in_token_file_refused),
		cmocka_unit_test(free_is_safe_on_zero),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
