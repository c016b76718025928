/* state.c — the state directory's line files: read, edit and rewrite under
 * one lock, atomically on disk. */
#include "state.h"

#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define ACCOUNT_MAX 64
#define STATE_LINE_MAX 128

struct state {
	char *dir;
	char account[ACCOUNT_MAX + 1];
	int dir_fd;
	int lock_fd;          /* <account>.lock: flock'd while a file is edited */
	pthread_mutex_t lock; /* flock does not exclude threads sharing lock_fd */
};

int64_t state_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool account_valid(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= ACCOUNT_MAX &&
	       strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

/* mkdir -p DIR, the directories it creates 0700. */
static int make_dirs(const char *dir)
{
	char path[PATH_MAX];
	size_t len = strlen(dir);

	if (len == 0 || len >= sizeof(path))
		return -ENAMETOOLONG;
	memcpy(path, dir, len + 1);
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int state_open(const char *dir, const char *account, struct state **out, char *err, size_t errlen)
{
	struct state *s;
	char name[ACCOUNT_MAX + 8];
	int ret;

	*out = NULL;
	if (!account_valid(account)) {
		snprintf(err, errlen, "auth_id cannot name a state file");
		return -EINVAL;
	}
	if ((ret = make_dirs(dir))) {
		snprintf(err, errlen, "cannot create state_dir %s: %s", dir, strerror(-ret));
		return ret;
	}
	s = calloc(1, sizeof(*s));
	if (!s || !(s->dir = strdup(dir))) {
		free(s);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	snprintf(s->account, sizeof(s->account), "%s", account);
	s->lock_fd = -1;
	s->dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	snprintf(name, sizeof(name), "%s.lock", account);
	if (s->dir_fd >= 0)
		s->lock_fd = openat(s->dir_fd, name, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (s->dir_fd < 0 || s->lock_fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot use state_dir %s: %s", dir, strerror(-ret));
		state_close(s);
		return ret;
	}
	pthread_mutex_init(&s->lock, NULL);
	*out = s;
	return 0;
}

void state_close(struct state *s)
{
	if (!s)
		return;
	if (s->lock_fd >= 0) {
		close(s->lock_fd);
		pthread_mutex_destroy(&s->lock);
	}
	if (s->dir_fd >= 0)
		close(s->dir_fd);
	free(s->dir);
	free(s);
}

int state_records_append(struct state_records *recs, const struct state_record *r)
{
	if (recs->count == recs->cap) {
		size_t cap = recs->cap ? recs->cap * 2 : 16;
		struct state_record *v = realloc(recs->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		recs->v = v;
		recs->cap = cap;
	}
	recs->v[recs->count++] = *r;
	return 0;
}

void state_records_remove(struct state_records *recs, size_t i)
{
	memmove(&recs->v[i], &recs->v[i + 1], (recs->count - i - 1) * sizeof(*recs->v));
	recs->count--;
}

static bool parse_line(const char *line, struct state_record *r)
{
	char action[sizeof(r->action)], number[E164_BUFSIZE + 1];
	int64_t when;
	int used = 0;

	if (sscanf(line, "%" SCNd64 " %23[a-z-] %16[0-9]%n", &when, action, number, &used) != 3 || line[used] != '\0' ||
	    when < 0 || !e164_is_digits(number))
		return false;
	*r = (struct state_record){ .when_ms = when };
	snprintf(r->action, sizeof(r->action), "%s", action);
	memcpy(r->number, number, strlen(number) + 1); /* e164_is_digits(): it fits */
	return true;
}

static int read_records(struct state *s, const char *file, struct state_records *recs)
{
	char line[STATE_LINE_MAX];
	unsigned lineno = 0;
	int fd, ret = 0;
	FILE *f;

	fd = openat(s->dir_fd, file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		log_error("cannot read %s/%s: %s", s->dir, file, strerror(errno));
		return -EIO;
	}
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return -ENOMEM;
	}
	while (fgets(line, sizeof(line), f)) {
		struct state_record r;
		size_t len = strlen(line);

		lineno++;
		if (len == 0 || line[len - 1] != '\n' || (line[len - 1] = '\0', !parse_line(line, &r))) {
			log_error("%s/%s line %u is not a state record; fix or remove the file", s->dir, file, lineno);
			ret = -EIO;
			break;
		}
		if ((ret = state_records_append(recs, &r)))
			break;
	}
	if (ret == 0 && ferror(f)) {
		log_error("cannot read %s/%s", s->dir, file);
		ret = -EIO;
	}
	fclose(f);
	return ret;
}

static int write_records(struct state *s, const char *file, const struct state_records *recs)
{
	char tmp[ACCOUNT_MAX + 64];
	int fd, ret = 0;
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", file);
	fd = openat(s->dir_fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		log_error("cannot write %s/%s: %s", s->dir, tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -EIO;
	}
	for (size_t i = 0; i < recs->count; i++)
		fprintf(f, "%" PRId64 " %s %s\n", recs->v[i].when_ms, recs->v[i].action, recs->v[i].number);
	if (fflush(f) != 0 || fdatasync(fd) < 0)
		ret = -EIO;
	if (fclose(f) != 0)
		ret = -EIO;
	if (ret == 0 && renameat(s->dir_fd, tmp, s->dir_fd, file) < 0)
		ret = -EIO;
	if (ret == 0)
		fsync(s->dir_fd); /* the rename itself */
	if (ret) {
		log_error("cannot write %s/%s: %s", s->dir, file, strerror(errno));
		unlinkat(s->dir_fd, tmp, 0);
	}
	return ret;
}

int state_edit(struct state *s, const char *name, state_edit_fn *edit, void *arg)
{
	struct state_records recs = { 0 };
	char file[ACCOUNT_MAX + 32];
	int ret;

	snprintf(file, sizeof(file), "%s.%s", s->account, name);
	pthread_mutex_lock(&s->lock);
	if (flock(s->lock_fd, LOCK_EX) < 0) {
		log_error("cannot lock %s/%s.lock: %s", s->dir, s->account, strerror(errno));
		ret = -EIO;
		goto out;
	}
	ret = read_records(s, file, &recs);
	if (ret == 0)
		ret = edit(&recs, arg);
	if (ret > 0)
		ret = write_records(s, file, &recs);
	flock(s->lock_fd, LOCK_UN);
out:
	pthread_mutex_unlock(&s->lock);
	free(recs.v);
	return ret;
}
