/* vobiz-sandbox's command line: defaults, parsing, validation, and loading
 * the files options name (token, TLS certificate and key). */
#ifndef SANDBOX_OPTIONS_H
#define SANDBOX_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "search_mode.h"
#include "shapes.h"

/* Every string is owned by the struct (options_free). */
struct options {
	unsigned port;           /* API port; 0 = pick a free one */
	char *port_file;         /* where to write the API port; NULL = nowhere */
	char *control_port_file; /* where to write the control port; NULL = nowhere */
	char *auth_id;
	char *auth_token; /* secret: never printed */
	char *sub_account_id;
	size_t numbers, sub_numbers, inventory_per_country;
	char *request_log;  /* NULL = memory only */
	char *tls_cert_pem; /* file contents; NULL = plain HTTP */
	char *tls_key_pem;
	uint64_t cooldown_s;
	unsigned long latency_ms;
	uint64_t seed;
	int64_t epoch_us; /* "now" for generated dates */
	double balance;
	enum search_mode search_mode; /* how the listing matches ?search= */
	struct shapes shapes;         /* the answer shapes served (--shape) */
	uint64_t cool_off_s;          /* after an assign-subaccount, DELETE is refused this long */
	bool admin;                   /* the credentials are an admin's (--admin) */
};

enum { OPTIONS_OK = 0, OPTIONS_EXIT = 1 };

/* Fills *opt from argv. Returns OPTIONS_OK, OPTIONS_EXIT after printing
 * --help (exit 0), or a negative errno after printing why to stderr (exit
 * 2). Call options_free() in every case. */
int options_parse(int argc, char **argv, struct options *opt);

/* Frees the strings (the token's bytes are wiped first). */
void options_free(struct options *opt);

#endif
