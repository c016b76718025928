/* main.c — vobizfs's entry point: options, configuration, the credential
 * check before mounting, then the multithreaded FUSE loop.  The shape follows
 * libfuse's examples: parse, set up, run, and one cleanup ladder. */
#define FUSE_USE_VERSION 314

#include "vobizfs.h"

#include "accounts.h"
#include "api.h"
#include "audit.h"
#include "caller.h"
#include "catalog.h"
#include "clock.h"
#include "fdlimit.h"
#include "gate.h"
#include "grace.h"
#include "health.h"
#include "log.h"
#include "notify.h"
#include "inventory.h"
#include "jsonmem.h"
#include "purchase.h"
#include "release.h"
#include "routing.h"
#include "store.h"

#include <curl/curl.h>
#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <fuse.h>
#include <fuse_lowlevel.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

struct options {
	const char *config; /* -o config=FILE */
	int read_only;      /* -o ro */
	const char *source; /* the ignored SOURCE label */
	const char *mountpoint;
	int positional;
	int max_threads_given; /* -o max_threads=N */
};

enum { KEY_RO, KEY_MAX_THREADS };

/* FUSE workers when -o max_threads is not given: enough that operations
 * answered from memory find one free while many wait on a slow API. */
#define DEFAULT_WORKERS 64

static const struct fuse_opt option_spec[] = {
	{ "config=%s", offsetof(struct options, config), 0 },
	FUSE_OPT_KEY("ro", KEY_RO),
	FUSE_OPT_KEY("max_threads=", KEY_MAX_THREADS),
	FUSE_OPT_END,
};

static struct vobizfs *the_fs; /* for the SIGHUP handler only */

static void on_sighup(int sig)
{
	(void)sig;
	if (the_fs)
		atomic_store(&the_fs->hup_pending, true);
}

/* Collect the positional arguments ourselves: mount.fuse3 passes
 * "SOURCE MOUNTPOINT", and libfuse accepts only the mountpoint. */
static int on_option(void *data, const char *arg, int key, struct fuse_args *outargs)
{
	struct options *o = data;

	(void)outargs;
	if (key == KEY_MAX_THREADS) {
		o->max_threads_given = 1;
		return 1; /* libfuse reads the value */
	}
	if (key == KEY_RO) {
		o->read_only = 1;
		return 1; /* keep it: the kernel enforces EROFS */
	}
	if (key == FUSE_OPT_KEY_NONOPT) {
		if (o->positional == 0)
			o->mountpoint = arg;
		else if (o->positional == 1)
			o->source = o->mountpoint, o->mountpoint = arg;
		else {
			fprintf(stderr, "vobizfs: unexpected argument '%s'\n", arg);
			return -1;
		}
		o->positional++;
		return 0;
	}
	return 1;
}

static void usage(const char *prog)
{
	printf("usage: %s [SOURCE] MOUNTPOINT [-o option[,option...]]\n\n"
	       "Mount a Vobiz account's phone numbers as files.\n\n"
	       "vobizfs options:\n"
	       "    -o config=FILE         configuration file (default: $VOBIZFS_CONFIG,\n"
	       "                           ~/.config/vobizfs/vobizfs.ini, /etc/vobizfs.ini)\n"
	       "    -o ro                  read-only: nothing can be released\n"
	       "\n",
	       prog);
}

/* libfuse's help for its command line, with the max_threads default vobizfs
 * uses (DEFAULT_WORKERS) in place of libfuse's own, which would mislead.
 * fuse_cmdline_help() prints to stdout: its text (about 1 KiB, well within a
 * pipe's buffer) is caught in a pipe and rewritten. */
static void cmdline_help(void)
{
	static const char theirs[] = "allowed (default: 10)";
	char text[8192], *at;
	int fds[2], out;
	ssize_t n;

	fflush(stdout);
	if (pipe(fds) || (out = dup(STDOUT_FILENO)) < 0) {
		fuse_cmdline_help();
		return;
	}
	dup2(fds[1], STDOUT_FILENO);
	close(fds[1]);
	fuse_cmdline_help();
	fflush(stdout);
	dup2(out, STDOUT_FILENO);
	close(out);
	n = read(fds[0], text, sizeof(text) - 1);
	close(fds[0]);
	text[n > 0 ? n : 0] = '\0';
	at = strstr(text, "max_threads");
	at = at ? strstr(at, theirs) : NULL;
	if (!at) {
		fputs(text, stdout);
		return;
	}
	printf("%.*sallowed (default: %d)%s", (int)(at - text), text, DEFAULT_WORKERS, at + strlen(theirs));
}

/* Undo the kernel's escaping of a /proc/self/mountinfo path field, in place:
 * space, tab, newline and backslash are written as \ooo. */
static void unescape_mountinfo(char *s)
{
	char *out = s;

	for (; *s; s++, out++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' &&
		    s[3] <= '7') {
			*out = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 3;
		} else {
			*out = *s;
		}
	}
	*out = '\0';
}

/* True when MOUNTPOINT (made canonical by fuse_parse_cmdline()) is already a
 * vobizfs mount: a second daemon stacked on it would hide the first one, and
 * its options, from everyone.  The topmost mount there decides.  This reads
 * /proc/self/mountinfo and never stat()s the mountpoint, which could hang on
 * a stuck FUSE mount.  Without /proc it cannot tell, and says no. */
static bool already_a_vobizfs_mount(const char *mountpoint)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t cap = 0;
	bool vobizfs = false;

	if (!f)
		return false;
	/* id parent major:minor root MOUNTPOINT options [tags...] - FSTYPE source super-options */
	while (getline(&line, &cap, f) > 0) {
		char *save = NULL, *field = strtok_r(line, " \n", &save), *point = NULL;

		for (int i = 0; field && i < 4; i++)
			point = field = strtok_r(NULL, " \n", &save);
		while (field && strcmp(field, "-"))
			field = strtok_r(NULL, " \n", &save);
		if (!point || !field || !(field = strtok_r(NULL, " \n", &save)))
			continue;
		unescape_mountinfo(point);
		if (!strcmp(point, mountpoint))
			vobizfs = !strcmp(field, "fuse.vobizfs");
	}
	free(line);
	fclose(f);
	return vobizfs;
}

/* Load the configuration: no file but the config (and token) file is
 * touched and no request sent, so a bad option is refused after this at no
 * cost. */
static int setup_config(struct vobizfs *fs, const struct options *o)
{
	char err[512];
	int ret;

	ret = config_load(&fs->cfg, o->config, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "vobizfs: %s\n", err);
		return ret;
	}
	/* From here on no log or audit line shows the token, even one that
	 * quotes an API answer echoing it back. */
	if ((ret = log_add_secret(fs->cfg.auth_token))) {
		fprintf(stderr, "vobizfs: out of memory\n");
		return ret;
	}
	if (o->read_only)
		fs->cfg.read_only = true;
	return 0;
}

/* The grace queue, over the store setup() opened, in the daemon (its sender
 * threads must start after fuse_daemonize() forked): its numbers shown in
 * releasing/, and its senders started, before the first request. */
static int start_grace(struct vobizfs *fs)
{
	int ret;

	if (!fs->cfg.grace_s)
		return 0;
	fs->grace = grace_new(&fs->cfg, fs->catalog, fs->releaser, fs->store, fs->audit);
	if (!fs->grace)
		return -ENOMEM;
	if ((ret = grace_start(fs->grace)))
		log_error("the grace queue in %s cannot be read: %s; unmounting", fs->cfg.state_dir, strerror(-ret));
	return ret;
}

/* Open the audit log and state, make the core objects, and read the listing
 * once: bad credentials or an unreachable API end here, before anything is
 * mounted. */
static int setup(struct vobizfs *fs)
{
	struct catalog_options opt;
	char err[512];
	int ret;

	if (fs->cfg.audit_log && (ret = audit_open(fs->cfg.audit_log, &fs->audit, err, sizeof(err)))) {
		fprintf(stderr, "vobizfs: %s\n", err);
		return ret;
	}
	if ((ret = store_open(fs->cfg.state_dir, fs->cfg.auth_id, fs->cfg.max_per_hour, fs->cfg.timeout_s, &fs->store,
			      err, sizeof(err)))) {
		fprintf(stderr, "vobizfs: %s\n", err);
		return ret;
	}
	fs->api = api_new(&fs->cfg, err, sizeof(err));
	if (!fs->api) {
		fprintf(stderr, "vobizfs: %s\n", err);
		return -ENOMEM;
	}
	opt = catalog_options_for(&fs->cfg);
	fs->catalog = catalog_new(fs->api, &opt);
	if (!fs->catalog) {
		fprintf(stderr, "vobizfs: out of memory\n");
		return -ENOMEM;
	}
	fs->releaser = releaser_new(&fs->cfg, fs->api, fs->catalog, fs->audit, fs->store);
	fs->router = router_new(&fs->cfg, fs->api, fs->catalog, fs->audit);
	fs->inventory = inventory_new(&fs->cfg, fs->api);
	fs->purchaser = purchaser_new(&fs->cfg, fs->api, fs->catalog, fs->audit);
	fs->health =
	    health_new(fs->api, fs->cfg.health_days, fs->cfg.health_ttl_s, HEALTH_MAX_ENTRIES, HEALTH_MAX_BYTES);
	fs->accounts = accounts_new(&fs->cfg, fs->api, fs->catalog, fs->audit);
	if (!fs->releaser || !fs->router || !fs->inventory || !fs->purchaser || !fs->health || !fs->accounts) {
		fprintf(stderr, "vobizfs: out of memory\n");
		return -ENOMEM;
	}
	/* The one line below says what went wrong; the API's own warnings would
	 * only repeat it (they show with -d).  What the listing holds (items
	 * skipped, a total its pages disagree with) is logged all the same. */
	log_quiet(true);
	ret = catalog_refresh_if_stale(fs->catalog, true);
	log_quiet(false);
	if (ret == 0) {
		/* Releases a crash cut off are settled from this first listing. */
		if ((ret = release_settle_unfinished(fs->releaser)))
			fprintf(stderr, "vobizfs: cannot settle the releases recorded in %s: %s; not mounting\n",
				fs->cfg.state_dir, strerror(-ret));
		return ret;
	}
	/* The listing's own refusal (a claim past its bounds, pages that kept
	 * changing) names the cause better than the last request's outcome. */
	catalog_failure(fs->catalog, err, sizeof(err));
	if (!err[0])
		api_last_failure(fs->api, err, sizeof(err));
	if (ret == -EACCES)
		fprintf(stderr, "vobizfs: %s refused the credentials of %s (%s); not mounting\n", fs->cfg.base_url,
			fs->cfg.auth_id, err);
	else
		fprintf(stderr, "vobizfs: cannot read the numbers of %s from %s: %s; not mounting\n", fs->cfg.auth_id,
			fs->cfg.base_url, err[0] ? err : strerror(-ret));
	return ret;
}

/* Before any thread: the open files limit raised, libgcc_s loaded (an
 * unmount short of descriptors must not abort), and descriptors kept for
 * reading who asks for a release.  Returns 0, or -1 when the mount must not
 * start (said on stderr). */
static int prepare_for_few_descriptors(void)
{
	char note[256];

	if (fdlimit_prepare(note, sizeof(note)))
		fprintf(stderr, "vobizfs: warning: %s\n", note);
	if (caller_init(note, sizeof(note))) {
		fprintf(stderr, "vobizfs: %s; not mounting\n", note);
		return -1;
	}
	if (note[0])
		fprintf(stderr, "vobizfs: warning: %s\n", note);
	return 0;
}

/* After a failure to start: if the cause was a lack of descriptors, which
 * the libraries report in their own words, say so. */
static void say_if_out_of_descriptors(void)
{
	unsigned long long limit;

	if (fdlimit_exhausted(&limit))
		fprintf(stderr,
			"vobizfs: too many open files: the limit of %llu open files is reached (raise it with "
			"ulimit -n)\n",
			limit);
}

/* How many FUSE workers run: -o max_threads if given, else DEFAULT_WORKERS. */
static unsigned worker_threads(const struct options *o, const struct fuse_cmdline_opts *cmd)
{
	if (o->max_threads_given && cmd->max_threads > 0 && cmd->max_threads <= 100000)
		return cmd->max_threads;
	return DEFAULT_WORKERS;
}

/* The gate for WORKERS threads: a quarter of them (at least one) is always
 * left to operations answered from memory; one user may take two thirds of
 * the rest. */
static struct gate *network_gate(unsigned workers)
{
	unsigned total = workers > 1 ? workers - workers / 4 : 1;
	unsigned per_user = total * 2 / 3 ? total * 2 / 3 : 1;
	struct gate *gate = gate_new(total, per_user);

	if (!gate)
		fprintf(stderr, "vobizfs: out of memory\n");
	return gate;
}

static void teardown(struct vobizfs *fs)
{
	gate_free(fs->gate);
	accounts_free(fs->accounts);
	health_free(fs->health);
	purchaser_free(fs->purchaser);
	inventory_free(fs->inventory);
	router_free(fs->router);
	grace_free(fs->grace);
	releaser_free(fs->releaser);
	catalog_free(fs->catalog);
	api_free(fs->api);
	audit_close(fs->audit);
	store_close(fs->store);
	config_free(&fs->cfg);
	log_clear_secrets();
}

int main(int argc, char *argv[])
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	struct fuse_cmdline_opts cmd = { 0 };
	struct fuse_loop_config *loop = NULL;
	struct options o = { 0 };
	struct vobizfs fs = { .uid = getuid(), .gid = getgid(), .mounted_at = time(NULL) };
	struct fuse *fuse = NULL;
	struct notifier *notifier = NULL;
	struct sigaction hup = { .sa_handler = on_sighup };
	unsigned workers;
	int ret = 1;

	/* The token lives in this process's memory: keep it out of core dumps. */
	prctl(PR_SET_DUMPABLE, 0);
	/* glibc gives each thread that allocates an arena of its own: the 64
	 * FUSE workers and a listing's page threads would each keep memory
	 * freed in it, which no other thread reuses and malloc_trim() rarely
	 * returns, so RSS would ratchet up with every ls -l.  Two arenas
	 * suffice for threads that mostly wait on the kernel or the network;
	 * one made a listing's 32 page threads wait on each other
	 * (MALLOC_ARENA_MAX in the environment still decides). */
	if (!getenv("MALLOC_ARENA_MAX"))
		mallopt(M_ARENA_MAX, 2);
	/* Before any thread: cJSON's allocation hooks are process-wide. */
	jsonmem_init();
	log_setup(false, false);

	if (fuse_opt_parse(&args, &o, option_spec, on_option) < 0)
		goto out_args;
	if (o.mountpoint && fuse_opt_add_arg(&args, o.mountpoint) < 0)
		goto out_args;
	if (fuse_parse_cmdline(&args, &cmd) < 0)
		goto out_args;
	if (cmd.show_version) {
		printf("vobizfs %s (libfuse %s)\n", VOBIZFS_VERSION, fuse_pkgversion());
		ret = 0;
		goto out_cmd;
	}
	if (cmd.show_help) {
		usage(argv[0]);
		cmdline_help();
		fuse_lib_help(&args);
		ret = 0;
		goto out_cmd;
	}
	if (!cmd.mountpoint) {
		fprintf(stderr, "vobizfs: no mountpoint given (try --help)\n");
		goto out_cmd;
	}
	if (already_a_vobizfs_mount(cmd.mountpoint)) {
		fprintf(stderr, "vobizfs: %s is already a vobizfs mount; unmount it first\n", cmd.mountpoint);
		goto out_cmd;
	}
	log_setup(false, cmd.debug);
	workers = cmd.singlethread ? 1 : worker_threads(&o, &cmd);
	if (prepare_for_few_descriptors())
		goto out_cmd;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "vobizfs: cannot initialise libcurl\n");
		goto out_cmd;
	}
	if (setup_config(&fs, &o) || !(fs.gate = network_gate(workers)))
		goto out_core;

	/* Mode bits are always enforced, so allow_other never lets others release. */
	if (fuse_opt_add_arg(&args, "-odefault_permissions") < 0 || fuse_opt_add_arg(&args, "-osubtype=vobizfs") < 0 ||
	    (fs.cfg.read_only && !o.read_only && fuse_opt_add_arg(&args, "-oro") < 0))
		goto out_core;
	{
		char fsname[128];

		snprintf(fsname, sizeof(fsname), "-ofsname=%s", o.source ? o.source : "vobiz");
		if (fuse_opt_add_arg(&args, fsname) < 0)
			goto out_core;
	}

	/* fuse_new() refuses unknown options: before the account is read, so a
	 * typo costs no request (and opens no audit log). */
	fuse = fuse_new(&args, &vobizfs_ops, sizeof(vobizfs_ops), &fs);
	if (!fuse)
		goto out_core;
	if (setup(&fs)) {
		say_if_out_of_descriptors();
		goto out_fuse;
	}
	if (fuse_mount(fuse, cmd.mountpoint) != 0)
		goto out_fuse;
	if (fuse_daemonize(cmd.foreground) != 0)
		goto out_unmount;
	if (!cmd.foreground)
		log_setup(true, cmd.debug);
	if (store_serve(fs.store))
		goto out_unmount;
	/* A number leaving or joining a directory is told to the kernel, from a
	 * thread started after fuse_daemonize() forked. */
	if (!(notifier = notifier_new(fuse))) {
		log_error("cannot start a thread (out of memory, or the process limit reached: ulimit -u); "
			  "unmounting");
		goto out_unmount;
	}
	catalog_set_change_hook(fs.catalog, notifier_change, notifier);
	if (start_grace(&fs))
		goto out_unmount;
	if (fuse_set_signal_handlers(fuse_get_session(fuse)) != 0)
		goto out_unmount;
	/* libfuse treats SIGHUP as "exit"; for a network filesystem it means
	 * "read the account again", as daemons conventionally do. */
	the_fs = &fs;
	sigemptyset(&hup.sa_mask);
	sigaction(SIGHUP, &hup, NULL);

	if (cmd.singlethread) {
		ret = fuse_loop(fuse);
	} else {
		loop = fuse_loop_cfg_create();
		if (!loop)
			goto out_signals;
		fuse_loop_cfg_set_clone_fd(loop, cmd.clone_fd);
		fuse_loop_cfg_set_max_threads(loop, workers);
		if (cmd.max_idle_threads != UINT_MAX) /* "unset": 3.14 would log it as invalid */
			fuse_loop_cfg_set_idle_threads(loop, cmd.max_idle_threads);
		ret = fuse_loop_mt(fuse, loop);
	}
	/* The loop returns the signal that ended it (a normal stop) or a
	 * negative errno: libfuse could not start its workers. */
	if (ret < 0)
		log_error("the FUSE loop stopped: %s (out of memory, or the process limit reached: ulimit -u)",
			  strerror(ret == -1 ? EAGAIN : -ret));
	ret = ret < 0 ? 1 : 0;
out_signals:
	fuse_remove_signal_handlers(fuse_get_session(fuse));
	the_fs = NULL;
out_unmount:
	fuse_unmount(fuse);
out_fuse:
	grace_stop(fs.grace); /* a DELETE in flight is finished first */
	if (notifier) {
		/* A background refresh may be telling the kernel what it found. */
		catalog_stop(fs.catalog);
		catalog_set_change_hook(fs.catalog, NULL, NULL);
		notifier_free(notifier);
	}
	fuse_destroy(fuse);
out_core:
	teardown(&fs);
	curl_global_cleanup();
	caller_shutdown();
	fuse_loop_cfg_destroy(loop);
out_cmd:
	free(cmd.mountpoint);
out_args:
	free((char *)o.config); /* fuse_opt_parse() strdup()s "%s" values */
	fuse_opt_free_args(&args);
	return ret;
}
