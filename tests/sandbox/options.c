/* Option parsing with getopt_long, and reading the files options name. */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timestamp.h"

#define PROG "vobiz-sandbox"
#define FILE_MAX (1024 * 1024)

static const char usage[] = "usage: " PROG " [options]\n"
			    "A stand-in for the Vobiz numbers API on 127.0.0.1, with a control API.\n"
			    "\n"
			    "  --port N                 API port (default 0: pick a free one)\n"
			    "  --port-file FILE         write the API port there once listening\n"
			    "  --control-port-file FILE write the control port there (written last)\n"
			    "  --auth-id ID             account auth id (default MA_SANDBOX1)\n"
			    "  --auth-token TOK         auth token (default sandbox-token)\n"
			    "  --auth-token-file FILE   read the auth token from FILE\n"
			    "  --sub-account-id ID      the sub-account (default SA_SANDBOX2)\n"
			    "  --numbers N              numbers of the account (default 25)\n"
			    "  --sub-numbers M          numbers of the sub-account (default 3)\n"
			    "  --inventory K            inventory numbers per country IN/US/GB (default 150)\n"
			    "  --request-log FILE       append one JSON line per API request\n"
			    "  --tls-cert FILE          serve the API over HTTPS with this PEM certificate\n"
			    "  --tls-key FILE           ... and this PEM private key\n"
			    "  --cooldown SECONDS       pending_release period (default 86400)\n"
			    "  --cool-off SECONDS       after assign-subaccount, how long a return is refused\n"
			    "                           (409 did_cool_off_in_effect; default 86400)\n"
			    "  --admin                  the credentials are an admin's: DELETE\n"
			    "                           .../assign-subaccount?force=true skips the cool-off\n"
			    "  --latency MS             delay before every API answer (default 0)\n"
			    "  --seed S                 seed for generated numbers (default 1)\n"
			    "  --epoch RFC3339          the \"now\" generated dates count back from\n"
			    "                           (default: the start time)\n"
			    "  --balance AMOUNT         account balance for purchases (default 1000000)\n"
			    "  --search-mode MODE       how the listing matches ?search=: contains (default),\n"
			    "                           prefix, exact, ignore or empty\n"
			    "  --shape KEY=VALUE        an answer shape that varies (repeatable; see README.md):\n"
			    "                           unset-keys=absent|null, fields=basic|rich,\n"
			    "                           fees=plain|floats, time-digits=6|0|9, assign=204|200,\n"
			    "                           refund=ok|failed, purchase=number|items,\n"
			    "                           owner-key=account_id|auth_id,\n"
			    "                           legacy-delete=final|pending|not-found\n"
			    "  --help                   this text\n";

enum {
	OPT_PORT = 256,
	OPT_PORT_FILE,
	OPT_CONTROL_PORT_FILE,
	OPT_AUTH_ID,
	OPT_AUTH_TOKEN,
	OPT_AUTH_TOKEN_FILE,
	OPT_SUB_ACCOUNT_ID,
	OPT_NUMBERS,
	OPT_SUB_NUMBERS,
	OPT_INVENTORY,
	OPT_REQUEST_LOG,
	OPT_TLS_CERT,
	OPT_TLS_KEY,
	OPT_COOLDOWN,
	OPT_LATENCY,
	OPT_SEED,
	OPT_EPOCH,
	OPT_BALANCE,
	OPT_SEARCH_MODE,
	OPT_SHAPE,
	OPT_COOL_OFF,
	OPT_ADMIN,
	OPT_HELP,
};

static const struct option long_options[] = {
	{ "port", required_argument, NULL, OPT_PORT },
	{ "port-file", required_argument, NULL, OPT_PORT_FILE },
	{ "control-port-file", required_argument, NULL, OPT_CONTROL_PORT_FILE },
	{ "auth-id", required_argument, NULL, OPT_AUTH_ID },
	{ "auth-token", required_argument, NULL, OPT_AUTH_TOKEN },
	{ "auth-token-file", required_argument, NULL, OPT_AUTH_TOKEN_FILE },
	{ "sub-account-id", required_argument, NULL, OPT_SUB_ACCOUNT_ID },
	{ "numbers", required_argument, NULL, OPT_NUMBERS },
	{ "sub-numbers", required_argument, NULL, OPT_SUB_NUMBERS },
	{ "inventory", required_argument, NULL, OPT_INVENTORY },
	{ "request-log", required_argument, NULL, OPT_REQUEST_LOG },
	{ "tls-cert", required_argument, NULL, OPT_TLS_CERT },
	{ "tls-key", required_argument, NULL, OPT_TLS_KEY },
	{ "cooldown", required_argument, NULL, OPT_COOLDOWN },
	{ "latency", required_argument, NULL, OPT_LATENCY },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "epoch", required_argument, NULL, OPT_EPOCH },
	{ "balance", required_argument, NULL, OPT_BALANCE },
	{ "search-mode", required_argument, NULL, OPT_SEARCH_MODE },
	{ "shape", required_argument, NULL, OPT_SHAPE },
	{ "cool-off", required_argument, NULL, OPT_COOL_OFF },
	{ "admin", no_argument, NULL, OPT_ADMIN },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

/* Reads a whole text file (at most FILE_MAX bytes) into a NUL-terminated
 * string the caller frees. Returns 0 or a negative errno. */
static int read_file(const char *path, char **contents)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	size_t len;
	int rc = 0;

	if (!f)
		return -errno;
	if (!(data = malloc(FILE_MAX + 1))) {
		rc = -ENOMEM;
		goto out;
	}
	len = fread(data, 1, FILE_MAX + 1, f);
	if (ferror(f)) {
		rc = -EIO;
	} else if (len > FILE_MAX) {
		rc = -EFBIG;
	} else {
		data[len] = '\0';
		*contents = data;
		data = NULL;
	}
out:
	free(data);
	fclose(f);
	return rc;
}

/* Replaces *field with a copy of value. Returns 0 or -ENOMEM. */
static int set_string(char **field, const char *value)
{
	char *copy = strdup(value);

	if (!copy)
		return -ENOMEM;
	free(*field);
	*field = copy;
	return 0;
}

static int parse_u64(const char *name, const char *text, uint64_t max, uint64_t *value)
{
	char *end;

	errno = 0;
	unsigned long long v = strtoull(text, &end, 0);
	if (errno || end == text || *end || text[0] == '-' || v > max) {
		fprintf(stderr, PROG ": --%s: not a number from 0 to %llu: %s\n", name, (unsigned long long)max, text);
		return -EINVAL;
	}
	*value = v;
	return 0;
}

static int load_token(struct options *opt, const char *path)
{
	char *text = NULL;
	int rc = read_file(path, &text);

	if (rc) {
		fprintf(stderr, PROG ": --auth-token-file %s: %s\n", path, strerror(-rc));
		return rc;
	}
	text[strcspn(text, "\r\n")] = '\0'; /* the first line is the token */
	if (opt->auth_token)
		explicit_bzero(opt->auth_token, strlen(opt->auth_token));
	free(opt->auth_token);
	opt->auth_token = text;
	return 0;
}

static int load_pem(char **field, const char *option, const char *path)
{
	char *text = NULL;
	int rc = read_file(path, &text);

	if (rc) {
		fprintf(stderr, PROG ": --%s %s: %s\n", option, path, strerror(-rc));
		return rc;
	}
	if (*field)
		explicit_bzero(*field, strlen(*field));
	free(*field);
	*field = text;
	return 0;
}

static int parse_one(struct options *opt, int c, const char *arg)
{
	uint64_t v;
	int rc = 0;

	switch (c) {
	case OPT_PORT:
		if (!(rc = parse_u64("port", arg, 65535, &v)))
			opt->port = (unsigned)v;
		return rc;
	case OPT_PORT_FILE:
		return set_string(&opt->port_file, arg);
	case OPT_CONTROL_PORT_FILE:
		return set_string(&opt->control_port_file, arg);
	case OPT_AUTH_ID:
		return set_string(&opt->auth_id, arg);
	case OPT_AUTH_TOKEN:
		return set_string(&opt->auth_token, arg);
	case OPT_AUTH_TOKEN_FILE:
		return load_token(opt, arg);
	case OPT_SUB_ACCOUNT_ID:
		return set_string(&opt->sub_account_id, arg);
	case OPT_NUMBERS:
		if (!(rc = parse_u64("numbers", arg, 4000000, &v)))
			opt->numbers = (size_t)v;
		return rc;
	case OPT_SUB_NUMBERS:
		if (!(rc = parse_u64("sub-numbers", arg, 1000000, &v)))
			opt->sub_numbers = (size_t)v;
		return rc;
	case OPT_INVENTORY:
		if (!(rc = parse_u64("inventory", arg, 1000000, &v)))
			opt->inventory_per_country = (size_t)v;
		return rc;
	case OPT_REQUEST_LOG:
		return set_string(&opt->request_log, arg);
	case OPT_TLS_CERT:
		return load_pem(&opt->tls_cert_pem, "tls-cert", arg);
	case OPT_TLS_KEY:
		return load_pem(&opt->tls_key_pem, "tls-key", arg);
	case OPT_COOLDOWN:
		return parse_u64("cooldown", arg, 10ULL * 365 * 86400, &opt->cooldown_s);
	case OPT_COOL_OFF:
		return parse_u64("cool-off", arg, 10ULL * 365 * 86400, &opt->cool_off_s);
	case OPT_ADMIN:
		opt->admin = true;
		return 0;
	case OPT_LATENCY:
		if (!(rc = parse_u64("latency", arg, 3600000, &v)))
			opt->latency_ms = (unsigned long)v;
		return rc;
	case OPT_SEED:
		return parse_u64("seed", arg, UINT64_MAX, &opt->seed);
	case OPT_EPOCH:
		if (timestamp_parse(arg, &opt->epoch_us) != 0) {
			fprintf(stderr, PROG ": --epoch: not an RFC 3339 timestamp: %s\n", arg);
			return -EINVAL;
		}
		return 0;
	case OPT_BALANCE: {
		char *end;

		opt->balance = strtod(arg, &end);
		if (end == arg || *end || !isfinite(opt->balance) || opt->balance < 0) {
			fprintf(stderr, PROG ": --balance: not a number >= 0: %s\n", arg);
			return -EINVAL;
		}
		return 0;
	}
	case OPT_SEARCH_MODE:
		if (search_mode_parse(arg, &opt->search_mode) != 0) {
			fprintf(stderr, PROG ": --search-mode: not one of " SEARCH_MODE_NAMES ": %s\n", arg);
			return -EINVAL;
		}
		return 0;
	case OPT_SHAPE: {
		const char *why = NULL;

		if (shapes_set_pair(&opt->shapes, arg, &why) != 0) {
			fprintf(stderr, PROG ": --shape %s: %s\n", arg, why);
			return -EINVAL;
		}
		return 0;
	}
	default:
		fputs(usage, stderr);
		return -EINVAL;
	}
}

static int set_defaults(struct options *opt)
{
	memset(opt, 0, sizeof(*opt));
	opt->numbers = 25;
	opt->sub_numbers = 3;
	opt->inventory_per_country = 150;
	opt->cooldown_s = 86400;
	opt->cool_off_s = 86400;
	opt->seed = 1;
	opt->epoch_us = timestamp_now_us();
	opt->balance = 1000000;
	opt->search_mode = SEARCH_CONTAINS;
	shapes_default(&opt->shapes);
	if (set_string(&opt->auth_id, "MA_SANDBOX1") || set_string(&opt->auth_token, "sandbox-token") ||
	    set_string(&opt->sub_account_id, "SA_SANDBOX2"))
		return -ENOMEM;
	return 0;
}

/* The account ids sit in URL paths and in records: keep them plain. */
static bool plain_id(const char *id)
{
	return *id && strlen(id) < 40 &&
	       strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") == strlen(id);
}

int options_parse(int argc, char **argv, struct options *opt)
{
	int c, rc = set_defaults(opt);

	if (rc) {
		fprintf(stderr, PROG ": out of memory\n");
		return rc;
	}
	while ((c = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
		if (c == OPT_HELP) {
			fputs(usage, stdout);
			return OPTIONS_EXIT;
		}
		if ((rc = parse_one(opt, c, optarg)) != 0) {
			if (rc == -ENOMEM)
				fprintf(stderr, PROG ": out of memory\n");
			return rc;
		}
	}
	if (optind < argc) {
		fprintf(stderr, PROG ": unexpected argument: %s\n", argv[optind]);
		return -EINVAL;
	}
	if (!plain_id(opt->auth_id) || !plain_id(opt->sub_account_id)) {
		fprintf(stderr, PROG ": account ids must be 1 to 39 letters, digits, '_' or '-'\n");
		return -EINVAL;
	}
	if (!*opt->auth_token) {
		fprintf(stderr, PROG ": the auth token must not be empty\n");
		return -EINVAL;
	}
	if (!opt->tls_cert_pem != !opt->tls_key_pem) {
		fprintf(stderr, PROG ": --tls-cert and --tls-key go together\n");
		return -EINVAL;
	}
	return OPTIONS_OK;
}

void options_free(struct options *opt)
{
	if (opt->auth_token)
		explicit_bzero(opt->auth_token, strlen(opt->auth_token));
	if (opt->tls_key_pem)
		explicit_bzero(opt->tls_key_pem, strlen(opt->tls_key_pem));
	free(opt->port_file);
	free(opt->control_port_file);
	free(opt->auth_id);
	free(opt->auth_token);
	free(opt->sub_account_id);
	free(opt->request_log);
	free(opt->tls_cert_pem);
	free(opt->tls_key_pem);
	memset(opt, 0, sizeof(*opt));
}
