/* config.h — vobizfs's settings: an INI file (DESIGN §5) overridden by the
 * environment, validated as a whole before anything uses them. */
#ifndef VOBIZFS_CONFIG_H
#define VOBIZFS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum api_dialect {
	API_DIALECT_LEGACY,  /* DELETE .../numbers/919..., 204, final */
	API_DIALECT_CURRENT, /* DELETE .../numbers/%2B919..., 200 pending_release */
};

/* The longest [release] grace: 7 days. */
#define CONFIG_GRACE_MAX_S (7u * 86400)

struct config {
	char *path; /* the file that was read, or NULL when none was */

	char *auth_id;
	char *auth_token; /* secret: never logged, wiped by config_free() */
	char *base_url;   /* scheme://host[:port], no trailing slash */
	enum api_dialect dialect;
	unsigned timeout_s; /* deadline of one filesystem operation */
	char *ca_file;
	unsigned parallel;          /* listing pages asked for at once, at first */
	unsigned parallel_max;      /* the most that grows to (at least parallel) */
	unsigned listing_timeout_s; /* the longest one listing read may take */

	unsigned ttl_s;

	bool read_only;
	char **protect; /* NULL-terminated list of digit globs */
	bool dry_run;
	bool immediate;
	char *audit_log;
	unsigned max_per_hour; /* releases in a rolling hour; 0 = no limit */
	char *state_dir;       /* the budget and unsettled releases (never NULL once loaded) */
	unsigned grace_s;      /* [release] grace: seconds a release waits in releasing/; 0 = none */

	bool purchase_enabled;
	bool has_max_monthly_fee;
	double max_monthly_fee;
	unsigned inventory_max;

	unsigned health_days;  /* the window health/N asks for */
	unsigned health_ttl_s; /* seconds a health answer is kept */
};

/* Fill CFG with defaults, then read the config file and the environment.
 * The file is EXPLICIT if not NULL, else $VOBIZFS_CONFIG, else
 * ~/.config/vobizfs/vobizfs.ini, else /etc/vobizfs.ini (the last two only if
 * they exist; running on the environment alone is allowed).
 * A list setting ([release] protect) adds up: a repeated key, an indented
 * continuation line and the same key in a repeated section each add to it.
 * Any other setting is given once, on one line: a second occurrence is an
 * error naming both lines, a continuation line one naming its line.
 * state_dir, when not set, is config_default_state_dir(geteuid()); it is not
 * created here.
 * The config file and the auth_token_file are read without ever blocking (a
 * FIFO or a device is refused unread) and must be regular files owned by the
 * effective user or root, of at most 64 KiB and 4 KiB; the config file may be
 * reached through a symbolic link, the auth_token_file not.
 * Refuses, among others: unknown keys, bad values, a file holding auth_token
 * (or an auth_token_file) readable by group or others, http:// to a host that
 * is not loopback, a missing auth_id or token, a relative state_dir.
 * With no file found (none given, none at the default places) and no
 * VOBIZ_AUTH_ID, the reason is "no configuration: looked in ..." naming
 * every place looked in (-ENOENT).
 * Returns 0, or a negative errno with a one-line reason (never containing the
 * token) in ERR.  On failure CFG holds nothing that needs freeing. */
int config_load(struct config *cfg, const char *explicit_path, char *err, size_t errlen);

/* The state directory used when [release] state_dir is not set, for a process
 * whose effective user is EUID: /var/lib/vobizfs for root; otherwise
 * $XDG_STATE_HOME/vobizfs when that variable is an absolute path, else
 * $HOME/.local/state/vobizfs when HOME is.  Reads the environment, so it is
 * not safe against a concurrent setenv().  Returns 0 with a string the caller
 * frees in *DIR, -ENOENT when no directory can be formed, or -ENOMEM. */
int config_default_state_dir(uid_t euid, char **dir);

/* True when BASE_URL (scheme://host[:port], as config_load() leaves it)
 * names a loopback host: localhost, [::1] or 127.x.y.z.  Such an API is
 * never reached through a proxy.  Pure; thread-safe. */
bool config_url_is_loopback(const char *base_url);

/* True when the glob list in CFG protects DIGITS from release.  Thread-safe. */
bool config_is_protected(const struct config *cfg, const char *digits);

/* Release everything CFG owns and wipe the token.  CFG may be all zeros. */
void config_free(struct config *cfg);

#endif
