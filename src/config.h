/* config.h — vobizfs's settings: an INI file (DESIGN §5) overridden by the
 * environment, validated as a whole before anything uses them. */
#ifndef VOBIZFS_CONFIG_H
#define VOBIZFS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

enum api_dialect {
	API_DIALECT_LEGACY,  /* DELETE .../numbers/919..., 204, final */
	API_DIALECT_CURRENT, /* DELETE .../numbers/%2B919..., 200 pending_release */
};

struct config {
	char *path; /* the file that was read, or NULL when none was */

	char *auth_id;
	char *auth_token; /* secret: never logged, wiped by config_free() */
	char *base_url;   /* scheme://host[:port], no trailing slash */
	enum api_dialect dialect;
	unsigned timeout_s; /* deadline of one filesystem operation */
	char *ca_file;
	unsigned parallel;

	unsigned ttl_s;

	bool read_only;
	char **protect; /* NULL-terminated list of digit globs */
	bool dry_run;
	bool immediate;
	char *audit_log;

	bool purchase_enabled;
	bool has_max_monthly_fee;
	double max_monthly_fee;
	unsigned inventory_max;
};

/* Fill CFG with defaults, then read the config file and the environment.
 * The file is EXPLICIT if not NULL, else $VOBIZFS_CONFIG, else
 * ~/.config/vobizfs/vobizfs.ini, else /etc/vobizfs.ini (the last two only if
 * they exist; running on the environment alone is allowed).
 * Refuses, among others: unknown keys, bad values, a file holding auth_token
 * (or an auth_token_file) readable by group or others, http:// to a host that
 * is not loopback, a missing auth_id or token.
 * Returns 0, or a negative errno with a one-line reason (never containing the
 * token) in ERR.  On failure CFG holds nothing that needs freeing. */
int config_load(struct config *cfg, const char *explicit_path, char *err, size_t errlen);

/* True when the glob list in CFG protects DIGITS from release.  Thread-safe. */
bool config_is_protected(const struct config *cfg, const char *digits);

/* Release everything CFG owns and wipe the token.  CFG may be all zeros. */
void config_free(struct config *cfg);

#endif
