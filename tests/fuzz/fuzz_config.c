/* fuzz_config.c — libFuzzer target: the INI config file.  Each input is
 * written (mode 0600) into one per-process temp dir and loaded with a clean
 * environment; a failure must leave nothing allocated and say why. */
#include "config.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[256], path[300];

static void cleanup(void)
{
	unlink(path);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");
	int null_fd;

	(void)argc;
	(void)argv;
	snprintf(dir, sizeof(dir), "%s/vobizfs-fuzz-config-XXXXXX", tmp && strlen(tmp) < 200 ? tmp : "/tmp");
	if (!mkdtemp(dir))
		abort();
	snprintf(path, sizeof(path), "%s/vobizfs.ini", dir);
	atexit(cleanup);
	unsetenv("VOBIZFS_CONFIG");
	unsetenv("VOBIZ_AUTH_ID");
	unsetenv("VOBIZ_AUTH_TOKEN");
	unsetenv("VOBIZ_BASE_URL");
	setenv("HOME", dir, 1);
	/* auth_token_file = /dev/stdin must not block the fuzzer. */
	null_fd = open("/dev/null", O_RDONLY);
	if (null_fd >= 0) {
		dup2(null_fd, 0);
		close(null_fd);
	}
	return 0;
}

/* Paths that could block or are not worth reading (FIFOs, ttys, /proc). */
static int touches_special_files(const uint8_t *data, size_t size)
{
	static const char *const bad[] = { "/dev", "/proc", "/sys", "/run", "fifo" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (memmem(data, size, bad[i], strlen(bad[i])))
			return 1;
	return 0;
}

/* host[:port] names this machine: localhost, [::1] or a dotted 127.x.y.z. */
static int is_loopback(const char *host)
{
	size_t len = strcspn(host, host[0] == '[' ? "]" : ":");
	unsigned a, b, c, d;
	int used = 0;

	if (host[0] == '[')
		return !strncmp(host, "[::1]", 5) && (host[5] == '\0' || host[5] == ':');
	if (len == 9 && !strncmp(host, "localhost", 9))
		return 1;
	return sscanf(host, "%3u.%3u.%3u.%3u%n", &a, &b, &c, &d, &used) == 4 && (size_t)used == len && a == 127 &&
	       b < 256 && c < 256 && d < 256;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct config zero;
	struct config cfg;
	char err[512];
	FILE *f;
	int ret;

	if (touches_special_files(data, size))
		return 0;
	f = fopen(path, "w");
	if (!f)
		abort();
	if (size && fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
	chmod(path, 0600);

	memset(err, 'x', sizeof(err));
	ret = config_load(&cfg, path, err, sizeof(err));
	if (!memchr(err, '\0', sizeof(err)))
		abort();
	if (ret < 0) {
		if (memcmp(&cfg, &zero, sizeof(cfg)) || err[0] == '\0')
			abort();
		return 0;
	}
	if (ret != 0 || !cfg.auth_id || !cfg.auth_token || !cfg.auth_token[0] || !cfg.base_url || !cfg.path)
		abort();
	if (strspn(cfg.auth_id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") !=
	    strlen(cfg.auth_id))
		abort();
	if (strncmp(cfg.base_url, "https://", 8) && strncmp(cfg.base_url, "http://", 7))
		abort();
	if (!strncmp(cfg.base_url, "http://", 7) && !is_loopback(cfg.base_url + 7))
		abort(); /* the token would travel in clear to another host */
	if (cfg.base_url[strlen(cfg.base_url) - 1] == '/' || strpbrk(cfg.auth_token, "\r\n"))
		abort();
	if (cfg.timeout_s < 1 || cfg.parallel < 1 || cfg.inventory_max < 1)
		abort();
	for (size_t i = 0; cfg.protect && cfg.protect[i]; i++)
		if (!cfg.protect[i][0])
			abort();
	config_is_protected(&cfg, "919876543210");
	config_free(&cfg);
	return 0;
}
