/* state.c — the release journal: one line file per account, read once and
 * then only where it grew, appended to (synced when a release begins), and
 * rewritten atomically only to compact it or to take in the two files an
 * earlier version kept (<auth_id>.budget and <auth_id>.unsettled). */
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
#define JOURNAL_MAX_BYTES (16 << 20) /* far past any compacted journal */
#define FILE_NAME_MAX (ACCOUNT_MAX + 32)
#define JOURNAL_ROOM (64 << 10) /* the journal's size is a multiple of this */

struct state {
	char *dir;
	char account[ACCOUNT_MAX + 1];
	char journal[FILE_NAME_MAX]; /* <account>.journal */
	int dir_fd;
	int lock_fd;          /* <account>.lock: flock'd while the journal is used */
	pthread_mutex_t lock; /* flock does not exclude threads sharing lock_fd; guards all below */

	/* The journal as last read or written by this process.  Another daemon
	 * may add lines (in the room) or compact it (a new inode) meanwhile. */
	bool loaded;
	bool exists;
	bool legacy_checked; /* the earlier version's files were looked for */
	int fd;              /* the journal, open read-write; -1 when there is none */
	dev_t dev;
	ino_t ino;
	off_t size;                /* the file's size: its text, then room (NULs) */
	off_t parsed_end;          /* just past the last newline: where the next line goes */
	off_t text_end;            /* the first NUL: past parsed_end after a torn line */
	bool leftovers;            /* text after the first NUL: see take_text() */
	off_t warned_at;           /* the text_end of the last cut-off part logged */
	char last[STATE_LINE_MAX]; /* the line that ends at parsed_end */
	size_t last_len;
	size_t lines; /* complete lines in the file */
	struct state_view view;
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
	snprintf(s->journal, sizeof(s->journal), "%s.journal", account);
	s->lock_fd = s->fd = -1;
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
	if (s->fd >= 0)
		close(s->fd);
	free(s->view.slots.v);
	free(s->view.unsettled.v);
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

/* ---- lines ------------------------------------------------------------------ */

/* LINE (without its newline, LEN bytes) as a record. */
static bool parse_line(const char *line, size_t len, struct state_record *r)
{
	char text[STATE_LINE_MAX], action[sizeof(r->action)], number[E164_BUFSIZE + 1];
	int64_t when;
	int used = 0;

	if (len == 0 || len >= sizeof(text) || memchr(line, '\0', len))
		return false;
	memcpy(text, line, len);
	text[len] = '\0';
	if (sscanf(text, "%" SCNd64 " %23[a-z-] %16[0-9]%n", &when, action, number, &used) != 3 || text[used] != '\0' ||
	    when < 0 || !e164_is_digits(number))
		return false;
	*r = (struct state_record){ .when_ms = when };
	snprintf(r->action, sizeof(r->action), "%s", action);
	memcpy(r->number, number, strlen(number) + 1); /* e164_is_digits(): it fits */
	return true;
}

static int format_line(char *buf, size_t len, const struct state_record *r)
{
	return snprintf(buf, len, "%" PRId64 " %s %s\n", r->when_ms, r->action, r->number);
}

static bool is(const struct state_record *r, const char *action)
{
	return !strcmp(r->action, action);
}

static ssize_t find_number(const struct state_records *recs, const char *digits)
{
	for (size_t i = 0; i < recs->count; i++)
		if (!strcmp(recs->v[i].number, digits))
			return (ssize_t)i;
	return -1;
}

static ssize_t find_slot(const struct state_records *slots, const char *digits, int64_t when)
{
	for (size_t i = 0; i < slots->count; i++)
		if (slots->v[i].when_ms == when && !strcmp(slots->v[i].number, digits))
			return (ssize_t)i;
	return -1;
}

/* Apply one line to VIEW.  Returns 0, -EINVAL for an unknown action, or
 * -ENOMEM. */
static int replay(struct state_view *view, const struct state_record *r)
{
	ssize_t i;

	if (is(r, STATE_RELEASE) || is(r, STATE_RELEASE_UNCOUNTED)) {
		if (is(r, STATE_RELEASE) && state_records_append(&view->slots, r))
			return -ENOMEM;
		if (find_number(&view->unsettled, r->number) < 0 && state_records_append(&view->unsettled, r))
			return -ENOMEM;
		return 0;
	}
	if (is(r, STATE_GIVE_BACK)) {
		if ((i = find_slot(&view->slots, r->number, r->when_ms)) >= 0)
			state_records_remove(&view->slots, (size_t)i);
		return 0;
	}
	if (is(r, STATE_SETTLED)) {
		if ((i = find_number(&view->unsettled, r->number)) >= 0)
			state_records_remove(&view->unsettled, (size_t)i);
		return 0;
	}
	return -EINVAL;
}

static void forget_view(struct state *s)
{
	s->view.slots.count = s->view.unsettled.count = 0;
	s->lines = 0;
	s->last_len = 0;
	s->loaded = false;
}

/* ---- reading ------------------------------------------------------------------ */

/* Read FD's bytes [FROM, FROM + LEN) into a new buffer (NUL-terminated). */
static char *read_range(int fd, off_t from, size_t len)
{
	size_t got = 0;
	char *buf = malloc(len + 1);

	if (!buf)
		return NULL;
	while (got < len) {
		ssize_t n = pread(fd, buf + got, len - got, from + (off_t)got);

		if (n <= 0) { /* shrunk under us: read it again next time */
			free(buf);
			return NULL;
		}
		got += (size_t)n;
	}
	buf[len] = '\0';
	return buf;
}

/* Replay the lines of BUF (LEN bytes, read from offset FROM of FILE) into
 * VIEW, up to the last newline; the rest is a torn line.  Sets *END just past
 * the last newline.  Returns 0, -EIO for a malformed line (logged), or
 * -ENOMEM. */
static int replay_text(struct state *s, const char *file, const char *buf, size_t len, off_t from,
		       struct state_view *view, size_t *lines, off_t *end)
{
	size_t at = 0;

	while (at < len) {
		const char *nl = memchr(buf + at, '\n', len - at);
		struct state_record r;
		size_t n;
		int ret;

		if (!nl)
			break; /* a torn last line */
		n = (size_t)(nl - (buf + at));
		if (!parse_line(buf + at, n, &r) || (ret = replay(view, &r)) == -EINVAL) {
			log_error("%s/%s line %zu is not a state record; fix or remove the file", s->dir, file,
				  *lines + 1);
			return -EIO;
		}
		if (ret)
			return ret;
		(*lines)++;
		at += n + 1;
		if (view == &s->view && n + 1 <= sizeof(s->last)) {
			memcpy(s->last, nl - n, n + 1);
			s->last_len = n + 1;
		}
	}
	*end = from + (off_t)at;
	return 0;
}

/* The journal's text is BUF up to its first NUL.  Text after that (a
 * crash persisted a later part of what was being written, not an earlier
 * one) and a line without its newline at the end come from writes whose sync
 * never completed, so nothing they guarded was sent: they are dropped, and
 * the next line goes into a compacted journal without them.  Replays the
 * text from offset FROM into the view.  Returns 0 or -EIO (logged),
 * -ENOMEM. */
static int take_text(struct state *s, const char *buf, size_t len, off_t from)
{
	const char *nul = memchr(buf, '\0', len);
	size_t text = nul ? (size_t)(nul - buf) : len;
	off_t end;
	int ret;

	s->leftovers = false;
	for (size_t i = text; i < len && !s->leftovers; i++)
		s->leftovers = buf[i] != '\0';
	ret = replay_text(s, s->journal, buf, text, from, &s->view, &s->lines, &end);
	if (ret)
		return ret;
	s->parsed_end = end;
	s->text_end = from + (off_t)text;
	if ((s->text_end > s->parsed_end || s->leftovers) && s->warned_at != s->text_end) {
		s->warned_at = s->text_end; /* once, not at every read until the next line */
		log_warn("%s/%s ends in what a crash cut off before it was synced; it is dropped", s->dir, s->journal);
	}
	return 0;
}

/* Nothing written since this process last read or wrote the journal: the
 * line read last is where it was, and only room follows it. */
static bool unchanged(struct state *s)
{
	char buf[STATE_LINE_MAX + 1];
	size_t n = s->last_len + (s->parsed_end < s->size);

	if (s->text_end != s->parsed_end || s->leftovers)
		return false; /* what a crash cut off: read it all again */
	if (s->parsed_end == 0)
		return s->size == 0 || (pread(s->fd, buf, 1, 0) == 1 && buf[0] == '\0');
	if (s->last_len == 0 || pread(s->fd, buf, n, s->parsed_end - (off_t)s->last_len) != (ssize_t)n)
		return false;
	return !memcmp(buf, s->last, s->last_len) && (n == s->last_len || buf[n - 1] == '\0');
}

static void close_journal(struct state *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	s->exists = false;
	forget_view(s);
}

/* Bring the view up to the journal on disk: nothing to read when it is the
 * file last seen, only the new lines when another daemon wrote some, all of
 * it otherwise.  Called with the locks held.  Returns 0 or -EIO (logged). */
static int load_journal(struct state *s)
{
	struct stat st;
	off_t from = 0;
	char *buf;
	int ret;

	if (fstatat(s->dir_fd, s->journal, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT) {
			log_error("cannot read %s/%s: %s", s->dir, s->journal, strerror(errno));
			return -EIO;
		}
		close_journal(s);
		s->loaded = true;
		s->size = s->parsed_end = s->text_end = 0;
		return 0;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > JOURNAL_MAX_BYTES) {
		log_error("%s/%s is not a state journal; fix or remove it", s->dir, s->journal);
		return -EIO;
	}
	if (s->fd >= 0 && s->loaded && st.st_dev == s->dev && st.st_ino == s->ino && st.st_size == s->size) {
		if (unchanged(s))
			return 0;
		if (s->text_end == s->parsed_end && s->last_len) { /* lines added after the last one read? */
			char last[STATE_LINE_MAX];

			if (pread(s->fd, last, s->last_len, s->parsed_end - (off_t)s->last_len) ==
				(ssize_t)s->last_len &&
			    !memcmp(last, s->last, s->last_len))
				from = s->parsed_end;
		}
	} else {
		if (s->fd >= 0)
			close(s->fd);
		s->fd = openat(s->dir_fd, s->journal, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
		if (s->fd < 0 || fstat(s->fd, &st) < 0) {
			log_error("cannot read %s/%s: %s", s->dir, s->journal, strerror(errno));
			close_journal(s);
			return -EIO;
		}
	}
	if (from == 0)
		forget_view(s);
	buf = read_range(s->fd, from, (size_t)(st.st_size - from));
	if (!buf) {
		log_error("cannot read %s/%s", s->dir, s->journal);
		close_journal(s);
		return -EIO;
	}
	ret = take_text(s, buf, (size_t)(st.st_size - from), from);
	free(buf);
	if (ret) {
		close_journal(s);
		return ret == -ENOMEM ? -ENOMEM : -EIO;
	}
	s->loaded = s->exists = true;
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	s->size = st.st_size;
	return 0;
}

/* ---- writing ------------------------------------------------------------------ */

/* The records a compacted journal holds, replaying to VIEW less the slots
 * past NOW's hour (or from more than an hour ahead: a clock set back). */
static int compacted(const struct state_view *view, int64_t now, struct state_records *out)
{
	struct state_records settled = { 0 };
	int ret = 0;

	for (size_t i = 0; i < view->slots.count && !ret; i++) {
		const struct state_record *slot = &view->slots.v[i];

		if (slot->when_ms <= now - STATE_SLOT_KEEP_MS || slot->when_ms > now + STATE_SLOT_KEEP_MS)
			continue;
		ret = state_records_append(out, slot);
		if (!ret && find_number(&view->unsettled, slot->number) < 0 &&
		    find_number(&settled, slot->number) < 0) {
			struct state_record r = { .when_ms = now, .action = STATE_SETTLED };

			snprintf(r.number, sizeof(r.number), "%s", slot->number);
			ret = state_records_append(&settled, &r);
		}
	}
	for (size_t i = 0; i < view->unsettled.count && !ret; i++) {
		struct state_record r = view->unsettled.v[i];

		if (find_number(out, r.number) >= 0)
			continue; /* a kept slot line marks it */
		snprintf(r.action, sizeof(r.action), "%s", STATE_RELEASE_UNCOUNTED);
		ret = state_records_append(out, &r);
	}
	for (size_t i = 0; i < settled.count && !ret; i++)
		ret = state_records_append(out, &settled.v[i]);
	free(settled.v);
	return ret;
}

/* Write RECS as the whole journal, followed by room for new lines (NULs,
 * written, so that a line written there later changes no metadata and its
 * sync needs no journal commit of the file system): a new file, synced,
 * renamed over the old one, the directory synced; the view becomes what it
 * holds.  Called with the locks held.  Returns 0 or -EIO (logged). */
static int rewrite_journal(struct state *s, const struct state_records *recs)
{
	char tmp[FILE_NAME_MAX + 8];
	struct state_view view = { 0 };
	size_t text = 0, size, lines = 0;
	char *buf;
	int fd, ret = 0;

	for (size_t i = 0; i < recs->count; i++) {
		char line[STATE_LINE_MAX];

		text += (size_t)format_line(line, sizeof(line), &recs->v[i]);
	}
	size = JOURNAL_ROOM * (1 + 2 * text / JOURNAL_ROOM);
	buf = calloc(1, size + 1);
	if (!buf)
		return -ENOMEM;
	text = 0;
	for (size_t i = 0; i < recs->count && ret == 0; i++) {
		int n = format_line(buf + text, size + 1 - text, &recs->v[i]);

		memcpy(s->last, buf + text, (size_t)n);
		s->last_len = (size_t)n;
		text += (size_t)n;
		lines++;
		if (replay(&view, &recs->v[i]))
			ret = -ENOMEM;
	}
	buf[text] = '\0';
	snprintf(tmp, sizeof(tmp), "%s.tmp", s->journal);
	fd = ret ? -1 : openat(s->dir_fd, tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || pwrite(fd, buf, size, 0) != (ssize_t)size || fdatasync(fd) < 0 ||
	    renameat(s->dir_fd, tmp, s->dir_fd, s->journal) < 0 || fsync(s->dir_fd) < 0) /* the rename itself */
		ret = ret ? ret : -EIO;
	free(buf);
	if (ret == 0) {
		struct stat st = { 0 };

		fstat(fd, &st); /* on failure, no inode matches: read again next time */
		if (s->fd >= 0)
			close(s->fd);
		s->fd = fd;
		free(s->view.slots.v);
		free(s->view.unsettled.v);
		s->view = view;
		s->lines = lines;
		if (lines == 0)
			s->last_len = 0;
		s->loaded = s->exists = true;
		s->dev = st.st_dev;
		s->ino = st.st_ino;
		s->size = (off_t)size;
		s->parsed_end = s->text_end = (off_t)text;
		return 0;
	}
	log_error("cannot write %s/%s: %s", s->dir, s->journal, ret == -ENOMEM ? "out of memory" : strerror(errno));
	if (fd >= 0) {
		close(fd);
		unlinkat(s->dir_fd, tmp, 0);
	}
	free(view.slots.v);
	free(view.unsettled.v);
	close_journal(s);
	return ret;
}

/* Compact the journal with R added: its last line, synced with the rest. */
static int compact_with(struct state *s, const struct state_record *r)
{
	struct state_records recs = { 0 };
	int ret = compacted(&s->view, state_now_ms(), &recs);

	if (ret == 0)
		ret = state_records_append(&recs, r);
	if (ret == 0)
		ret = rewrite_journal(s, &recs);
	free(recs.v);
	return ret == -ENOMEM ? ret : ret ? -EIO : 0;
}

/* Add R to the journal, synced when SYNC, and to the view: written in the
 * room after the last line (over a torn one), or, when there is no room
 * left, in a compacted journal.  Called with the locks held, the view
 * loaded.  Returns 0, -EIO (logged; then the line is not in the journal) or
 * -ENOMEM. */
static int append_line(struct state *s, const struct state_record *r, bool sync)
{
	char line[STATE_LINE_MAX + STATE_LINE_MAX];
	size_t len = (size_t)format_line(line, STATE_LINE_MAX, r), cover = len;

	if (!s->exists || s->leftovers || s->parsed_end + (off_t)len >= s->size)
		return compact_with(s, r);
	/* What a torn line left goes with it. */
	if (s->text_end > s->parsed_end + (off_t)len) {
		if (s->text_end - s->parsed_end > (off_t)sizeof(line))
			return compact_with(s, r);
		cover = (size_t)(s->text_end - s->parsed_end);
		memset(line + len, 0, cover - len);
	}
	if (pwrite(s->fd, line, cover, s->parsed_end) != (ssize_t)cover || (sync && fdatasync(s->fd) < 0)) {
		log_error("cannot write %s/%s: %s", s->dir, s->journal, strerror(errno));
		/* Leave no part of it, and read the journal again next time. */
		memset(line, 0, len);
		if (pwrite(s->fd, line, len, s->parsed_end) == (ssize_t)len && sync)
			fdatasync(s->fd);
		close_journal(s);
		return -EIO;
	}
	if (replay(&s->view, r)) {
		close_journal(s); /* out of memory: read it again next time */
		return 0;
	}
	s->lines++;
	memcpy(s->last, line, len);
	s->last_len = len;
	s->parsed_end = s->text_end = s->parsed_end + (off_t)len;
	return 0;
}

/* ---- the earlier version's files ------------------------------------------------ */

/* Read the earlier version's file NAME (each line "WHEN release NUMBER", the
 * whole file written at once: it is never torn) into RECS.  Returns 0 (also
 * when missing), or -EIO. */
static int read_legacy(struct state *s, const char *file, struct state_records *recs, bool *found)
{
	struct state_view none = { 0 };
	struct stat st;
	size_t lines = 0;
	off_t end;
	char *buf;
	int fd, ret;

	fd = openat(s->dir_fd, file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		log_error("cannot read %s/%s: %s", s->dir, file, strerror(errno));
		return -EIO;
	}
	*found = true;
	buf = fstat(fd, &st) == 0 && st.st_size <= JOURNAL_MAX_BYTES ? read_range(fd, 0, (size_t)st.st_size) : NULL;
	close(fd);
	if (!buf) {
		log_error("cannot read %s/%s", s->dir, file);
		return -EIO;
	}
	ret = replay_text(s, file, buf, (size_t)st.st_size, 0, &none, &lines, &end);
	if (ret == 0 && end != st.st_size) {
		log_error("%s/%s line %zu is not a state record; fix or remove the file", s->dir, file, lines + 1);
		ret = -EIO;
	}
	/* Every line was "release" (anything else is malformed there). */
	for (size_t i = 0; i < none.slots.count && ret == 0; i++)
		ret = state_records_append(recs, &none.slots.v[i]);
	if (ret == 0 && none.slots.count != lines) {
		log_error("%s/%s holds lines other than releases; fix or remove the file", s->dir, file);
		ret = -EIO;
	}
	free(buf);
	free(none.slots.v);
	free(none.unsettled.v);
	return ret == -ENOMEM ? ret : ret ? -EIO : 0;
}

/* An earlier version kept the budget and the unsettled releases in files of
 * their own: take them into the journal (once, then remove them). */
static int take_in_legacy(struct state *s)
{
	char budget[FILE_NAME_MAX], unsettled[FILE_NAME_MAX];
	struct state_records slots = { 0 }, marks = { 0 }, recs = { 0 };
	bool found = false;
	int ret;

	snprintf(budget, sizeof(budget), "%s.budget", s->account);
	snprintf(unsettled, sizeof(unsettled), "%s.unsettled", s->account);
	if ((ret = read_legacy(s, budget, &slots, &found)) || (ret = read_legacy(s, unsettled, &marks, &found)))
		goto out;
	if (!found)
		goto out;
	for (size_t i = 0; i < slots.count && ret == 0; i++)
		if (find_slot(&s->view.slots, slots.v[i].number, slots.v[i].when_ms) < 0)
			ret = state_records_append(&s->view.slots, &slots.v[i]);
	for (size_t i = 0; i < marks.count && ret == 0; i++)
		if (find_number(&s->view.unsettled, marks.v[i].number) < 0)
			ret = state_records_append(&s->view.unsettled, &marks.v[i]);
	if (ret == 0)
		ret = compacted(&s->view, state_now_ms(), &recs);
	if (ret == 0)
		ret = rewrite_journal(s, &recs);
	else
		forget_view(s);
	if (ret == 0) {
		unlinkat(s->dir_fd, budget, 0);
		unlinkat(s->dir_fd, unsettled, 0);
		fsync(s->dir_fd);
		log_info("%s: took %s and %s into %s", s->dir, budget, unsettled, s->journal);
	}
out:
	free(slots.v);
	free(marks.v);
	free(recs.v);
	return ret == -ENOMEM ? ret : ret ? -EIO : 0;
}

/* ---- the operations ------------------------------------------------------------ */

/* Take the locks and read the journal.  Returns 0 (locked) or a negative
 * errno (not locked). */
static int enter(struct state *s)
{
	int ret;

	pthread_mutex_lock(&s->lock);
	if (flock(s->lock_fd, LOCK_EX) < 0) {
		log_error("cannot lock %s/%s.lock: %s", s->dir, s->account, strerror(errno));
		pthread_mutex_unlock(&s->lock);
		return -EIO;
	}
	ret = load_journal(s);
	if (ret == 0 && !s->legacy_checked) {
		ret = take_in_legacy(s);
		s->legacy_checked = ret == 0;
	}
	if (ret) {
		flock(s->lock_fd, LOCK_UN);
		pthread_mutex_unlock(&s->lock);
	}
	return ret;
}

static void leave(struct state *s)
{
	flock(s->lock_fd, LOCK_UN);
	pthread_mutex_unlock(&s->lock);
}

int state_begin_release(struct state *s, const char *digits, int64_t when_ms, bool counted, state_check_fn *check,
			void *arg)
{
	struct state_record r = { .when_ms = when_ms };
	int ret;

	snprintf(r.action, sizeof(r.action), "%s", counted ? STATE_RELEASE : STATE_RELEASE_UNCOUNTED);
	snprintf(r.number, sizeof(r.number), "%s", digits);
	if ((ret = enter(s)))
		return ret;
	if (!check || (ret = check(&s->view, arg)) == 0)
		ret = append_line(s, &r, true);
	leave(s);
	return ret;
}

int state_give_back(struct state *s, const char *digits, int64_t when_ms)
{
	struct state_record r = { .when_ms = when_ms, .action = STATE_GIVE_BACK };
	int ret;

	snprintf(r.number, sizeof(r.number), "%s", digits);
	if ((ret = enter(s)))
		return ret;
	if (find_slot(&s->view.slots, digits, when_ms) >= 0)
		ret = append_line(s, &r, false);
	leave(s);
	return ret;
}

int state_settle(struct state *s, const char *digits)
{
	struct state_record r = { .when_ms = state_now_ms(), .action = STATE_SETTLED };
	int ret;

	snprintf(r.number, sizeof(r.number), "%s", digits);
	if ((ret = enter(s)))
		return ret;
	if (find_number(&s->view.unsettled, digits) >= 0)
		ret = append_line(s, &r, false);
	leave(s);
	return ret;
}

int state_read(struct state *s, state_read_fn *read, void *arg)
{
	int ret;

	if ((ret = enter(s)))
		return ret;
	ret = read(&s->view, arg);
	leave(s);
	return ret;
}

int state_settle_all(struct state *s, state_settle_fn *settle, void *arg)
{
	struct state_records recs = { 0 };
	struct state_view view;
	int ret;

	if ((ret = enter(s)))
		return ret;
	for (size_t i = 0; i < s->view.unsettled.count; i++)
		settle(&s->view.unsettled.v[i], arg);
	if (s->view.unsettled.count) {
		view = s->view;
		view.unsettled.count = 0;
		ret = compacted(&view, state_now_ms(), &recs);
		if (ret == 0)
			ret = rewrite_journal(s, &recs);
		free(recs.v);
	}
	leave(s);
	return ret == -ENOMEM ? ret : ret ? -EIO : 0;
}
