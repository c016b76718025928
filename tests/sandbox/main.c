/* vobiz-sandbox: a stand-in for the Vobiz numbers API, for vobizfs's tests.
 * main() wires the pieces together, publishes the ports, and waits for
 * SIGINT or SIGTERM to shut everything down in reverse order. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "api_server.h"
#include "control.h"
#include "faults.h"
#include "options.h"
#include "portfile.h"
#include "reqlog.h"
#include "store.h"

#define PROG "vobiz-sandbox"

/* Blocks the shutdown signals in this thread before any other starts, so
 * every thread inherits the mask and only sigwait() in main() sees them. */
static void block_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, set, NULL);
	signal(SIGPIPE, SIG_IGN); /* a client that hangs up must not kill us */
}

static struct store_config store_config_from(const struct options *opt)
{
	return (struct store_config){
		.gen = {
			.seed = opt->seed,
			.epoch_us = opt->epoch_us,
			.main_account = opt->auth_id,
			.sub_account = opt->sub_account_id,
		},
		.numbers = opt->numbers,
		.sub_numbers = opt->sub_numbers,
		.inventory_per_country = opt->inventory_per_country,
		.cooldown_us = (int64_t)opt->cooldown_s * 1000000,
		.balance = opt->balance,
		.search_mode = opt->search_mode,
		.shapes = opt->shapes,
		.cool_off_us = (int64_t)opt->cool_off_s * 1000000,
		.admin = opt->admin,
	};
}

static struct api_server_config api_config_from(const struct options *opt, struct store *store, struct faults *faults,
						struct reqlog *reqlog)
{
	return (struct api_server_config){
		.port = opt->port,
		.auth_id = opt->auth_id,
		.auth_token = opt->auth_token,
		.tls_cert_pem = opt->tls_cert_pem,
		.tls_key_pem = opt->tls_key_pem,
		.latency_ms = opt->latency_ms,
		.store = store,
		.faults = faults,
		.reqlog = reqlog,
	};
}

static int publish_port(const char *path, unsigned port, const char *what)
{
	int rc;

	if (!path)
		return 0;
	rc = portfile_write(path, port);
	if (rc)
		fprintf(stderr, PROG ": cannot write the %s port to %s: %s\n", what, path, strerror(-rc));
	return rc;
}

int main(int argc, char **argv)
{
	struct options opt;
	struct store *store = NULL;
	struct faults *faults = NULL;
	struct reqlog *reqlog = NULL;
	struct api_server *api = NULL;
	struct control *control = NULL;
	struct store_config store_cfg;
	struct api_server_config api_cfg;
	struct control_config control_cfg;
	sigset_t signals;
	int sig, rc, status = 1;

	rc = options_parse(argc, argv, &opt);
	if (rc != OPTIONS_OK) {
		status = rc == OPTIONS_EXIT ? 0 : 2;
		goto out_options;
	}
	block_signals(&signals);

	store_cfg = store_config_from(&opt);
	if ((rc = store_create(&store_cfg, &store)) != 0) {
		fprintf(stderr, PROG ": cannot generate the numbers: %s\n", strerror(-rc));
		goto out_options;
	}
	if ((rc = faults_create(&faults)) != 0) {
		fprintf(stderr, PROG ": out of memory\n");
		goto out_store;
	}
	if ((rc = reqlog_open(opt.request_log, opt.auth_token, &reqlog)) != 0) {
		fprintf(stderr, PROG ": cannot open the request log %s: %s\n",
			opt.request_log ? opt.request_log : "(memory)", strerror(-rc));
		goto out_faults;
	}
	api_cfg = api_config_from(&opt, store, faults, reqlog);
	if ((rc = api_server_start(&api_cfg, &api)) != 0) {
		fprintf(stderr, PROG ": cannot start the API server on 127.0.0.1:%u: %s\n", opt.port, strerror(-rc));
		goto out_reqlog;
	}
	control_cfg = (struct control_config){
		.store = store,
		.faults = faults,
		.reqlog = reqlog,
		.api = api,
	};
	if ((rc = control_start(&control_cfg, &control)) != 0) {
		fprintf(stderr, PROG ": cannot start the control server: %s\n", strerror(-rc));
		goto out_api;
	}

	/* The control port file comes last: once it exists, both servers are up. */
	if (publish_port(opt.port_file, api_server_port(api), "API") ||
	    publish_port(opt.control_port_file, control_port(control), "control"))
		goto out_control;
	fprintf(stderr, PROG ": API on %s://127.0.0.1:%u, control on http://127.0.0.1:%u\n",
		opt.tls_cert_pem ? "https" : "http", api_server_port(api), control_port(control));

	do {
		rc = sigwait(&signals, &sig);
	} while (rc == EINTR);
	if (rc == 0)
		fprintf(stderr, PROG ": %s, shutting down\n", strsignal(sig));
	status = 0;

out_control:
	control_stop(control);
out_api:
	api_server_stop(api);
out_reqlog:
	reqlog_destroy(reqlog);
out_faults:
	faults_destroy(faults);
out_store:
	store_destroy(store);
out_options:
	options_free(&opt);
	return status;
}
