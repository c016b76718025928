/* store.c — the SQLite store: every statement runs on a thread of the
 * store's own, so that a caller waits only until its deadline, whatever the
 * disk does; the rows of the account are mirrored in memory after each call,
 * for .status (never waits) and to rebuild a database deleted under the
 * mount. */
#include "store.h"

#include "clock.h"
#include "journal_import.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ACCOUNT_MAX 64
#define BOOT_ID_MAX 40
#define JOURNAL_MAX_BYTES (16 << 20)
/* A lock held is given up this long before the deadline, so that the caller
 * learns it was the lock (EAGAIN), not a store that stopped answering. */
#define LOCK_MARGIN_MS 250
#define STORE_CLOSE_WAIT_S 5 /* at unmount, for the store's last calls */

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS slots ("
    " id INTEGER PRIMARY KEY, account TEXT NOT NULL, number TEXT NOT NULL,"
    " wall_ms INTEGER NOT NULL, boot_ms INTEGER NOT NULL, boot_id TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS marks ("
    " account TEXT NOT NULL, number TEXT NOT NULL,"
    " kind TEXT NOT NULL CHECK (kind IN ('unsettled', 'doubtful')), wall_ms INTEGER NOT NULL,"
    " PRIMARY KEY (account, number));"
    "CREATE TABLE IF NOT EXISTS queue ("
    " account TEXT NOT NULL, number TEXT NOT NULL, queued_ms INTEGER NOT NULL, due_ms INTEGER NOT NULL,"
    " uid INTEGER NOT NULL, pid INTEGER NOT NULL, comm TEXT NOT NULL, ticket INTEGER NOT NULL,"
    " PRIMARY KEY (account, number));"
    "CREATE INDEX IF NOT EXISTS slots_by_account ON slots (account);";

struct slot {
	int64_t id, wall_ms, boot_ms;
	char boot_id[BOOT_ID_MAX];
};

struct mark {
	char number[E164_BUFSIZE];
	bool doubtful;
	int64_t wall_ms;
};

/* The account's rows as last read: what the mount knows. */
struct mirror {
	struct slot *slots;
	size_t nslots;
	struct mark *marks;
	size_t nmarks;
	struct store_queued *queue;
	size_t nqueue;
};

struct job;
typedef int job_fn(struct store *s, struct job *j);

/* One call, run by the store's thread.  The caller owns it until it gives
 * up waiting (ABANDONED); the thread frees an abandoned job when done. */
struct job {
	job_fn *run;
	int64_t deadline;
	char digits[E164_BUFSIZE];
	int64_t ticket;
	struct store_queued q;
	/* Committed without a sync: what it records (a mark taken off, a slot
	 * given back) only ever refuses less, so losing it in a crash fails
	 * closed, and the next synced commit writes it too. */
	bool lazy;
	bool reads_only; /* writes nothing: the mirror needs no refresh after it */
	/* results */
	int result;
	int64_t out_ticket;
	time_t frees_at;
	void *list;
	size_t count;
	bool done, abandoned;
	struct job *next;
};

struct store {
	char *dir, *path;
	char account[ACCOUNT_MAX + 1];
	char boot_id[BOOT_ID_MAX];
	unsigned max;
	sqlite3 *db; /* the thread's alone, after store_open() */
	dev_t dev;
	ino_t ino;

	pthread_t thread;
	pthread_mutex_t lock; /* guards everything below */
	pthread_cond_t wake;  /* a job is queued, or stopping */
	pthread_cond_t done;  /* a job is done (CLOCK_MONOTONIC) */
	struct job *head, *tail;
	bool serving; /* the thread runs (store_serve()) */
	bool stopping;
	bool whole;
	struct mirror m;
};

static int64_t wall_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A clock that no one sets: it only counts, from boot, suspend included. */
static int64_t boot_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void read_boot_id(char out[BOOT_ID_MAX])
{
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "re");

	out[0] = '\0';
	if (f) {
		if (!fgets(out, BOOT_ID_MAX, f))
			out[0] = '\0';
		out[strcspn(out, "\n")] = '\0';
		fclose(f);
	}
	/* Unknown: every slot is then judged by the wall clock, as across boots. */
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
		if (mkdir(path, 0700) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(path, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

/* SQLite's result RC as an errno, logged with SQLite's message. */
static int sql_error(struct store *s, int rc, const char *what)
{
	int sys = sqlite3_system_errno(s->db), ret;

	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		log_warn("%s: %s: the database is locked by another process (another mount?) past the deadline",
			 s->path, what);
		return -EAGAIN;
	case SQLITE_FULL:
		ret = -ENOSPC;
		break;
	case SQLITE_READONLY:
		ret = -EROFS;
		break;
	case SQLITE_NOMEM:
		ret = -ENOMEM;
		break;
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
		ret = sys == ENOSPC || sys == EDQUOT ? -ENOSPC : sys == EROFS ? -EROFS : -EIO;
		break;
	default:
		ret = -EIO;
	}
	log_error("%s: %s: %s%s%s", s->path, what, sqlite3_errmsg(s->db), sys ? ": " : "", sys ? strerror(sys) : "");
	return ret;
}

static int exec(struct store *s, const char *sql, const char *what)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : sql_error(s, rc, what);
}

/* Prepare SQL and bind "account" as ?1. */
static int prepare(struct store *s, const char *sql, sqlite3_stmt **st)
{
	int rc = sqlite3_prepare_v2(s->db, sql, -1, st, NULL);

	if (rc != SQLITE_OK)
		return sql_error(s, rc, "preparing a statement");
	sqlite3_bind_text(*st, 1, s->account, -1, SQLITE_STATIC);
	return 0;
}

/* Step a statement that returns no rows, and finalize it. */
static int run(struct store *s, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : sql_error(s, rc, what);
}

static int begin(struct store *s, struct job *j)
{
	if (j) { /* a lock another mount holds is waited for until just before the deadline: then EAGAIN */
		int64_t left = clock_left_ms(j->deadline) - LOCK_MARGIN_MS;

		sqlite3_busy_timeout(s->db, (int)(left > 1 ? (left < INT32_MAX ? left : INT32_MAX) : 1));
	}
	if (exec(s, j && j->lazy ? "PRAGMA synchronous = NORMAL" : "PRAGMA synchronous = FULL", "setting its sync"))
		return -EIO;
	return exec(s, "BEGIN IMMEDIATE", "beginning a transaction");
}

/* Commit, unless the caller gave up meanwhile: it will not send what this
 * was to guard, so nothing may be recorded either.  (A commit the disk holds
 * up completes after the caller left: it records a slot counted or a number
 * to look up first, both of which only ever refuse more, never allow.) */
static int commit(struct store *s, struct job *j)
{
	bool abandoned;

	pthread_mutex_lock(&s->lock);
	abandoned = j && j->abandoned;
	pthread_mutex_unlock(&s->lock);
	if (abandoned) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return -ETIMEDOUT;
	}
	return exec(s, "COMMIT", "committing");
}

static void rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

/* The milliseconds until slot SL leaves the rolling hour (at most the hour),
 * or 0 when it counts no more.  Within the boot that took it, its age is
 * told by CLOCK_BOOTTIME, so a wall clock set back or forward changes
 * nothing; across boots only the wall clock can tell, and a slot it dates
 * ahead (a clock set back across the reboot) counts, for the hour at most
 * from now, until the wall clock is past it: refusing more, never less. */
static int64_t slot_left_ms(const struct store *s, const struct slot *sl, int64_t wall, int64_t boot)
{
	int64_t left;

	if (s->boot_id[0] && !strcmp(sl->boot_id, s->boot_id))
		left = sl->boot_ms + STORE_WINDOW_MS - boot;
	else
		left = sl->wall_ms + STORE_WINDOW_MS - wall;
	return left <= 0 ? 0 : left > STORE_WINDOW_MS ? STORE_WINDOW_MS : left;
}

static int by_value(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Slots in the hour among V[N]; with a limit reached, *FREES_IN the ms until
 * one frees up.  -ENOMEM. */
static int count_slots(const struct store *s, const struct slot *v, size_t n, unsigned *used, int64_t *frees_in)
{
	int64_t wall = wall_now_ms(), boot = boot_now_ms();
	int64_t *left = malloc((n ? n : 1) * sizeof(*left));
	size_t k = 0;

	if (!left)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		int64_t l = slot_left_ms(s, &v[i], wall, boot);

		if (l > 0)
			left[k++] = l;
	}
	*used = (unsigned)k;
	*frees_in = 0;
	if (s->max && k >= s->max) {
		qsort(left, k, sizeof(*left), by_value);
		*frees_in = left[k - s->max];
	}
	free(left);
	return 0;
}

/* Read the account's rows into a new mirror M. */
static int read_rows(struct store *s, struct mirror *m)
{
	sqlite3_stmt *st = NULL;
	int ret, rc;

	memset(m, 0, sizeof(*m));
	if ((ret = prepare(s, "SELECT id, wall_ms, boot_ms, boot_id FROM slots WHERE account = ?1 ORDER BY id", &st)))
		goto fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct slot *v = realloc(m->slots, (m->nslots + 1) * sizeof(*v));

		if (!v) {
			ret = -ENOMEM;
			goto fail;
		}
		m->slots = v;
		v += m->nslots++;
		v->id = sqlite3_column_int64(st, 0);
		v->wall_ms = sqlite3_column_int64(st, 1);
		v->boot_ms = sqlite3_column_int64(st, 2);
		snprintf(v->boot_id, sizeof(v->boot_id), "%s", (const char *)sqlite3_column_text(st, 3));
	}
	if (rc != SQLITE_DONE)
		goto sqlfail;
	sqlite3_finalize(st);
	if ((ret = prepare(s, "SELECT number, kind, wall_ms FROM marks WHERE account = ?1 ORDER BY wall_ms", &st)))
		goto fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct mark *v = realloc(m->marks, (m->nmarks + 1) * sizeof(*v));

		if (!v) {
			ret = -ENOMEM;
			goto fail;
		}
		m->marks = v;
		v += m->nmarks++;
		snprintf(v->number, sizeof(v->number), "%s", (const char *)sqlite3_column_text(st, 0));
		v->doubtful = !strcmp((const char *)sqlite3_column_text(st, 1), "doubtful");
		v->wall_ms = sqlite3_column_int64(st, 2);
	}
	if (rc != SQLITE_DONE)
		goto sqlfail;
	sqlite3_finalize(st);
	if ((ret = prepare(s,
			   "SELECT number, queued_ms, due_ms, uid, pid, comm, ticket FROM queue WHERE account = ?1 "
			   "ORDER BY due_ms, number",
			   &st)))
		goto fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_queued *v = realloc(m->queue, (m->nqueue + 1) * sizeof(*v));

		if (!v) {
			ret = -ENOMEM;
			goto fail;
		}
		m->queue = v;
		v += m->nqueue++;
		memset(v, 0, sizeof(*v));
		snprintf(v->number, sizeof(v->number), "%s", (const char *)sqlite3_column_text(st, 0));
		v->queued_wall_ms = sqlite3_column_int64(st, 1);
		v->due_wall_ms = sqlite3_column_int64(st, 2);
		v->uid = (uid_t)sqlite3_column_int64(st, 3);
		v->pid = (pid_t)sqlite3_column_int64(st, 4);
		snprintf(v->comm, sizeof(v->comm), "%s", (const char *)sqlite3_column_text(st, 5));
		v->ticket = sqlite3_column_int64(st, 6);
	}
	if (rc != SQLITE_DONE)
		goto sqlfail;
	sqlite3_finalize(st);
	return 0;
sqlfail:
	ret = sql_error(s, rc, "reading the account's rows");
fail:
	sqlite3_finalize(st);
	free(m->slots);
	free(m->marks);
	free(m->queue);
	memset(m, 0, sizeof(*m));
	return ret;
}

static void mirror_free(struct mirror *m)
{
	free(m->slots);
	free(m->marks);
	free(m->queue);
	memset(m, 0, sizeof(*m));
}

/* After a call: the mirror takes what the database holds now. */
static void refresh_mirror(struct store *s)
{
	struct mirror m, old;

	if (read_rows(s, &m))
		return; /* the mirror keeps what it knew */
	pthread_mutex_lock(&s->lock);
	old = s->m;
	s->m = m;
	pthread_mutex_unlock(&s->lock);
	mirror_free(&old);
}

/* Open PATH and make sure it is a database of ours: WAL, synced commits,
 * the schema.  Returns 0 or a negative errno with ERR set. */
static int open_db(struct store *s, unsigned timeout_s, char *err, size_t errlen)
{
	struct stat st;
	char *check = NULL;
	int rc =
	    sqlite3_open_v2(s->path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);

	if (rc != SQLITE_OK)
		goto fail;
	sqlite3_busy_timeout(s->db, (int)timeout_s * 1000);
	sqlite3_extended_result_codes(s->db, 1);
	/* The write-ahead log and its index stay when the last mount closes, so
	 * that a mount on a filesystem that filled up meanwhile can still open
	 * and read the database (and say ENOSPC at the first write). */
	sqlite3_file_control(s->db, "main", SQLITE_FCNTL_PERSIST_WAL, &(int){ 1 });
	if ((rc = sqlite3_exec(s->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL)) != SQLITE_OK ||
	    (rc = sqlite3_exec(s->db, "PRAGMA synchronous = FULL", NULL, NULL, NULL)) != SQLITE_OK ||
	    (rc = sqlite3_exec(s->db, schema, NULL, NULL, NULL)) != SQLITE_OK)
		goto fail;
	{
		sqlite3_stmt *q;

		if ((rc = sqlite3_prepare_v2(s->db, "PRAGMA quick_check", -1, &q, NULL)) != SQLITE_OK)
			goto fail;
		if ((rc = sqlite3_step(q)) == SQLITE_ROW)
			check = strdup((const char *)sqlite3_column_text(q, 0));
		sqlite3_finalize(q);
		if (rc != SQLITE_ROW)
			goto fail;
		if (!check || strcmp(check, "ok")) {
			snprintf(err, errlen, "%s is damaged (SQLite's check: %s); not mounting", s->path,
				 check ? check : "out of memory");
			free(check);
			return -EIO;
		}
		free(check);
	}
	if (stat(s->path, &st)) {
		snprintf(err, errlen, "%s: %s", s->path, strerror(errno));
		return -errno;
	}
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	return 0;
fail:
	snprintf(err, errlen, "%s: %s", s->path, s->db ? sqlite3_errmsg(s->db) : "out of memory");
	return s->db ? sql_error(s, rc, "opening") : -ENOMEM;
}

/* Take in DIR/ACCOUNT.journal, the line journal of earlier versions. */
static int import_journal(struct store *s, char *err, size_t errlen)
{
	char path[PATH_MAX], done_path[PATH_MAX + 16];
	struct journal_import imp = { 0 };
	int64_t wall = wall_now_ms();
	size_t bad = 0, kept = 0;
	char *text = NULL;
	ssize_t len = 0;
	int fd, ret = 0;

	snprintf(path, sizeof(path), "%s/%s.journal", s->dir, s->account);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? 0 : (snprintf(err, errlen, "%s: %s", path, strerror(errno)), -errno);
	if (!(text = malloc(JOURNAL_MAX_BYTES)) || (len = read(fd, text, JOURNAL_MAX_BYTES)) < 0) {
		ret = text ? -errno : -ENOMEM;
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		goto out;
	}
	if ((ret = journal_import_parse(text, (size_t)len, &imp, &bad))) {
		snprintf(err, errlen, "%s: line %zu is not a journal record; not importing it (not mounting)", path,
			 bad);
		ret = -EIO;
		goto out;
	}
	if ((ret = begin(s, NULL)))
		goto sqlfail;
	for (size_t i = 0; i < imp.nslots && !ret; i++) {
		sqlite3_stmt *st;

		if (imp.slots[i].when_ms <= wall - STORE_WINDOW_MS)
			continue; /* out of the hour: counts no more */
		if (!(ret = prepare(s,
				    "INSERT INTO slots (account, number, wall_ms, boot_ms, boot_id) "
				    "VALUES (?1, ?2, ?3, 0, '')",
				    &st))) {
			sqlite3_bind_text(st, 2, imp.slots[i].number, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 3, imp.slots[i].when_ms);
			ret = run(s, st, "importing a slot");
			kept++;
		}
	}
	for (size_t i = 0; i < imp.nunsettled && !ret; i++) {
		sqlite3_stmt *st;

		if (!(ret = prepare(s,
				    "INSERT OR REPLACE INTO marks (account, number, kind, wall_ms) "
				    "VALUES (?1, ?2, 'unsettled', ?3)",
				    &st))) {
			sqlite3_bind_text(st, 2, imp.unsettled[i].number, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 3, imp.unsettled[i].when_ms);
			ret = run(s, st, "importing an unsettled mark");
		}
	}
	if (ret || (ret = commit(s, NULL))) {
		rollback(s);
		goto sqlfail;
	}
	snprintf(done_path, sizeof(done_path), "%s.imported", path);
	if (rename(path, done_path))
		log_error("%s: imported, but cannot be renamed %s (%s): the next start imports it again, counting its "
			  "slots twice",
			  path, done_path, strerror(errno));
	log_info("%s imported into %s: %zu budget slots of the last hour, %zu unsettled releases; renamed %s", path,
		 s->path, kept, imp.nunsettled, done_path);
	goto out;
sqlfail:
	snprintf(err, errlen, "%s: cannot import it into %s: %s", path, s->path, sqlite3_errmsg(s->db));
out:
	journal_import_free(&imp);
	free(text);
	close(fd);
	return ret;
}

/* Rebuilding into a file that already holds a slot of SL's id (a database
 * replaced by an older copy, or another mount's): the same slot is kept as
 * it is; another one leaves SL to be added under a new id, and the queued
 * releases that named SL name the new one.  The union of what the file holds
 * and what the mount knew never counts less than either. */
static int rehome_slot(struct store *s, struct mirror *m, const struct slot *sl)
{
	sqlite3_stmt *st;
	int64_t id;
	int ret, rc;

	if ((ret = prepare(s,
			   "SELECT 1 FROM slots WHERE account = ?1 AND id = ?2 AND wall_ms = ?3 AND boot_ms = ?4 AND "
			   "boot_id = ?5",
			   &st)))
		return ret;
	sqlite3_bind_int64(st, 2, sl->id);
	sqlite3_bind_int64(st, 3, sl->wall_ms);
	sqlite3_bind_int64(st, 4, sl->boot_ms);
	sqlite3_bind_text(st, 5, sl->boot_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc != SQLITE_DONE)
		return sql_error(s, rc, "rebuilding a slot");
	if ((ret = prepare(
		 s, "INSERT INTO slots (account, number, wall_ms, boot_ms, boot_id) VALUES (?1, '', ?2, ?3, ?4)", &st)))
		return ret;
	sqlite3_bind_int64(st, 2, sl->wall_ms);
	sqlite3_bind_int64(st, 3, sl->boot_ms);
	sqlite3_bind_text(st, 4, sl->boot_id, -1, SQLITE_STATIC);
	if ((ret = run(s, st, "rebuilding a slot")))
		return ret;
	id = sqlite3_last_insert_rowid(s->db);
	for (size_t i = 0; i < m->nqueue; i++)
		if (m->queue[i].ticket == sl->id)
			m->queue[i].ticket = id;
	return 0;
}

/* The database file was deleted or replaced under the mount (its path no
 * longer names the file we hold): rebuild it from what the mount knows. */
static int recreate(struct store *s)
{
	struct mirror m;
	char err[256], side[PATH_MAX + 8];
	int ret;

	pthread_mutex_lock(&s->lock);
	m = s->m;
	s->whole = false;
	memset(&s->m, 0, sizeof(s->m));
	pthread_mutex_unlock(&s->lock);
	sqlite3_close(s->db);
	s->db = NULL;
	if ((ret = make_dirs(s->dir)))
		goto out;
	/* The old write-ahead log belongs to the old file: applied to a new one
	 * it would corrupt it. */
	snprintf(side, sizeof(side), "%s-wal", s->path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", s->path);
	unlink(side);
	if ((ret = open_db(s, 1, err, sizeof(err)))) {
		log_error("%s", err);
		goto out;
	}
	if ((ret = begin(s, NULL)))
		goto out;
	for (size_t i = 0; i < m.nslots && !ret; i++) {
		sqlite3_stmt *st;

		if (!(ret = prepare(s,
				    "INSERT OR IGNORE INTO slots (id, account, number, wall_ms, boot_ms, boot_id) "
				    "VALUES (?2, ?1, '', ?3, ?4, ?5)",
				    &st))) {
			sqlite3_bind_int64(st, 2, m.slots[i].id);
			sqlite3_bind_int64(st, 3, m.slots[i].wall_ms);
			sqlite3_bind_int64(st, 4, m.slots[i].boot_ms);
			sqlite3_bind_text(st, 5, m.slots[i].boot_id, -1, SQLITE_STATIC);
			ret = run(s, st, "rebuilding a slot");
		}
		if (!ret && sqlite3_changes(s->db) == 0)
			ret = rehome_slot(s, &m, &m.slots[i]);
	}
	for (size_t i = 0; i < m.nmarks && !ret; i++) {
		sqlite3_stmt *st;

		if (!(ret = prepare(
			  s, "INSERT OR IGNORE INTO marks (account, number, kind, wall_ms) VALUES (?1, ?2, ?3, ?4)",
			  &st))) {
			sqlite3_bind_text(st, 2, m.marks[i].number, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 3, m.marks[i].doubtful ? "doubtful" : "unsettled", -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 4, m.marks[i].wall_ms);
			ret = run(s, st, "rebuilding a mark");
		}
	}
	for (size_t i = 0; i < m.nqueue && !ret; i++) {
		const struct store_queued *q = &m.queue[i];
		sqlite3_stmt *st;

		if (!(ret = prepare(s,
				    "INSERT OR IGNORE INTO queue (account, number, queued_ms, due_ms, uid, pid, comm, "
				    "ticket) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
				    &st))) {
			sqlite3_bind_text(st, 2, q->number, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 3, q->queued_wall_ms);
			sqlite3_bind_int64(st, 4, q->due_wall_ms);
			sqlite3_bind_int64(st, 5, q->uid);
			sqlite3_bind_int64(st, 6, q->pid);
			sqlite3_bind_text(st, 7, q->comm, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 8, q->ticket);
			ret = run(s, st, "rebuilding a queued release");
		}
	}
	if (ret || (ret = commit(s, NULL)))
		rollback(s);
out:
	pthread_mutex_lock(&s->lock);
	if (!ret) {
		s->whole = true;
		s->m = m;
		memset(&m, 0, sizeof(m));
	} else if (!s->m.slots && !s->m.marks && !s->m.queue) {
		s->m = m; /* keep what we know for the next try */
		memset(&m, 0, sizeof(m));
	}
	pthread_mutex_unlock(&s->lock);
	if (!ret)
		log_warn("%s recreated with what this mount knew (%zu budget slots, %zu marks, %zu queued releases)",
			 s->path, s->m.nslots, s->m.nmarks, s->m.nqueue);
	mirror_free(&m);
	return ret;
}

/* Is the file at our path still the one we opened?  If not, the call in
 * hand is refused (the mount has just learnt its state was lost) and the
 * database is rebuilt for the next. */
static int check_whole(struct store *s)
{
	struct stat st;
	bool lost = !s->db || stat(s->path, &st) || st.st_dev != s->dev || st.st_ino != s->ino;

	if (!lost)
		return 0;
	log_error("%s was deleted or replaced under the mount; refusing this release and rebuilding it from what "
		  "the mount knows (the budget is kept)",
		  s->path);
	recreate(s);
	return -EIO;
}

/* Run J: the database is checked whole first, and the mirror refreshed after
 * a call that may have written. */
static void execute(struct store *s, struct job *j)
{
	if ((j->result = check_whole(s)))
		return;
	j->result = j->run(s, j);
	rollback(s);
	if (!j->reads_only)
		refresh_mirror(s);
}

static void *store_thread(void *arg)
{
	struct store *s = arg;

	pthread_mutex_lock(&s->lock);
	for (;;) {
		struct job *j = s->head;
		bool skip;

		if (!j) {
			if (s->stopping)
				break;
			pthread_cond_wait(&s->wake, &s->lock);
			continue;
		}
		s->head = j->next;
		if (!s->head)
			s->tail = NULL;
		skip = j->abandoned || clock_left_ms(j->deadline) == 0;
		pthread_mutex_unlock(&s->lock);
		if (skip)
			j->result = -ETIMEDOUT;
		else
			execute(s, j);
		pthread_mutex_lock(&s->lock);
		j->done = true;
		if (j->abandoned) {
			free(j->list);
			free(j);
		}
		pthread_cond_broadcast(&s->done);
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

/* Run *JP on the store's thread; wait until it is done or its deadline.
 * Returns its result; when the caller gave up waiting (-ETIMEDOUT), *JP is
 * set to NULL: the thread owns and frees it. */
static int submit(struct store *s, struct job **jp)
{
	struct job *j = *jp;
	struct timespec until;
	int64_t at = j->deadline;

	if (!s->serving) { /* before store_serve(): in the caller's thread */
		execute(s, j);
		return j->result;
	}

	/* the deadline on CLOCK_MONOTONIC, as the condition waits */
	until.tv_sec = at / 1000;
	until.tv_nsec = (at % 1000) * 1000000;
	pthread_mutex_lock(&s->lock);
	if (s->stopping) {
		pthread_mutex_unlock(&s->lock);
		return -EIO;
	}
	if (s->tail)
		s->tail->next = j;
	else
		s->head = j;
	s->tail = j;
	pthread_cond_signal(&s->wake);
	while (!j->done)
		/* The deadline is judged by our clock, not by the wait's answer: an
		 * interposed pthread_cond_timedwait (libfaketime) may time out early. */
		if (pthread_cond_timedwait(&s->done, &s->lock, &until) == ETIMEDOUT && !j->done &&
		    clock_left_ms(j->deadline) == 0) {
			j->abandoned = true; /* the thread frees it */
			*jp = NULL;
			pthread_mutex_unlock(&s->lock);
			log_error("%s: the state store did not answer within the deadline (a stalled disk?)", s->path);
			return -ETIMEDOUT;
		}
	pthread_mutex_unlock(&s->lock);
	return j->result;
}

static struct job *job_new(job_fn *fn, const char *digits, int64_t deadline)
{
	struct job *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	j->run = fn;
	j->deadline = deadline;
	if (digits)
		snprintf(j->digits, sizeof(j->digits), "%s", digits);
	return j;
}

int store_open(const char *dir, const char *account, unsigned max_per_hour, unsigned timeout_s, struct store **out,
	       char *err, size_t errlen)
{
	struct store *s;
	pthread_condattr_t attr;
	int ret;

	*out = NULL;
	if (!account_valid(account)) {
		snprintf(err, errlen, "the account id cannot name a state file");
		return -EINVAL;
	}
	if (!(s = calloc(1, sizeof(*s))))
		return -ENOMEM;
	snprintf(s->account, sizeof(s->account), "%s", account);
	s->max = max_per_hour;
	s->whole = true;
	read_boot_id(s->boot_id);
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->wake, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&s->done, &attr);
	pthread_condattr_destroy(&attr);
	if (!(s->dir = strdup(dir)) || asprintf(&s->path, "%s/%s", dir, STORE_DB_NAME) < 0) {
		s->path = NULL;
		ret = -ENOMEM;
		goto fail;
	}
	if ((ret = make_dirs(dir))) {
		snprintf(err, errlen, "cannot create the state directory %s: %s", dir, strerror(-ret));
		goto fail;
	}
	if ((ret = open_db(s, timeout_s ? timeout_s : 1, err, errlen)) || (ret = import_journal(s, err, errlen)))
		goto fail;
	if ((ret = read_rows(s, &s->m))) {
		snprintf(err, errlen, "%s: cannot be read: %s", s->path, sqlite3_errmsg(s->db));
		goto fail;
	}
	*out = s;
	return 0;
fail:
	sqlite3_close(s->db);
	mirror_free(&s->m);
	pthread_cond_destroy(&s->done);
	pthread_cond_destroy(&s->wake);
	pthread_mutex_destroy(&s->lock);
	free(s->path);
	free(s->dir);
	free(s);
	return ret;
}

int store_serve(struct store *s)
{
	int ret = -pthread_create(&s->thread, NULL, store_thread, s);

	if (ret)
		log_error("cannot start the state store's thread: %s", strerror(-ret));
	else
		s->serving = true;
	return ret;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	s->stopping = true;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
	if (s->serving) {
		/* A thread held up by a frozen disk is left behind, not waited for
		 * without end: the process is ending, and what it writes is
		 * committed or rolled back by SQLite as for a crash. */
		struct timespec until;

		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += STORE_CLOSE_WAIT_S;
		if (pthread_timedjoin_np(s->thread, NULL, &until)) {
			log_error("%s: the state store does not answer (a stalled disk?); leaving it as a crash would",
				  s->path);
			return;
		}
	}
	sqlite3_close(s->db);
	mirror_free(&s->m);
	pthread_cond_destroy(&s->done);
	pthread_cond_destroy(&s->wake);
	pthread_mutex_destroy(&s->lock);
	free(s->path);
	free(s->dir);
	free(s);
}

/* Under a transaction: is there room for one more slot?  0, -EDQUOT with
 * J->frees_at, or an error. */
static int check_budget(struct store *s, struct job *j)
{
	struct mirror m;
	unsigned used;
	int64_t frees_in;
	int ret;

	if (!s->max)
		return 0;
	if ((ret = read_rows(s, &m)))
		return ret;
	ret = count_slots(s, m.slots, m.nslots, &used, &frees_in);
	mirror_free(&m);
	if (ret)
		return ret;
	if (used < s->max)
		return 0;
	j->frees_at = (time_t)((wall_now_ms() + frees_in + 999) / 1000);
	return -EDQUOT;
}

/* Under a transaction: take a slot for J->digits (none without a limit),
 * dropping the slots that count no more. */
static int take_slot(struct store *s, struct job *j)
{
	int64_t wall = wall_now_ms(), boot = boot_now_ms();
	sqlite3_stmt *st;
	int ret;

	j->out_ticket = 0;
	if (!s->max)
		return 0;
	/* slots out of the hour by both clocks' reading are of no more use */
	if ((ret = prepare(s,
			   "DELETE FROM slots WHERE account = ?1 AND "
			   "(CASE WHEN boot_id = ?2 AND ?2 <> '' THEN boot_ms <= ?3 ELSE wall_ms <= ?4 END)",
			   &st)))
		return ret;
	sqlite3_bind_text(st, 2, s->boot_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, boot - STORE_WINDOW_MS);
	sqlite3_bind_int64(st, 4, wall - STORE_WINDOW_MS);
	if ((ret = run(s, st, "dropping expired slots")))
		return ret;
	if ((ret = prepare(
		 s, "INSERT INTO slots (account, number, wall_ms, boot_ms, boot_id) VALUES (?1, ?2, ?3, ?4, ?5)", &st)))
		return ret;
	sqlite3_bind_text(st, 2, j->digits, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, wall);
	sqlite3_bind_int64(st, 4, boot);
	sqlite3_bind_text(st, 5, s->boot_id, -1, SQLITE_STATIC);
	if ((ret = run(s, st, "taking a budget slot")))
		return ret;
	j->out_ticket = sqlite3_last_insert_rowid(s->db);
	return 0;
}

static int set_mark(struct store *s, const char *digits, const char *kind)
{
	sqlite3_stmt *st;
	int ret;

	if ((ret = prepare(s, "INSERT OR REPLACE INTO marks (account, number, kind, wall_ms) VALUES (?1, ?2, ?3, ?4)",
			   &st)))
		return ret;
	sqlite3_bind_text(st, 2, digits, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, wall_now_ms());
	return run(s, st, "marking a number");
}

static int drop_row(struct store *s, const char *sql, const char *digits, int64_t id, const char *what)
{
	sqlite3_stmt *st;
	int ret;

	if ((ret = prepare(s, sql, &st)))
		return ret;
	if (digits)
		sqlite3_bind_text(st, 2, digits, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, 2, id);
	return run(s, st, what);
}

static int give_back_slot(struct store *s, int64_t ticket)
{
	return ticket
		   ? drop_row(s, "DELETE FROM slots WHERE account = ?1 AND id = ?2", NULL, ticket, "giving a slot back")
		   : 0;
}

static int run_needs_look(struct store *s, struct job *j);

static int run_begin_release(struct store *s, struct job *j)
{
	int ret;

	if ((ret = begin(s, j)) || (ret = run_needs_look(s, j))) /* 1: STORE_LOOK_FIRST */
		return ret;
	if ((ret = check_budget(s, j)) || (ret = take_slot(s, j)) || (ret = set_mark(s, j->digits, "unsettled")))
		return ret;
	return commit(s, j);
}

int store_begin_release(struct store *s, const char *digits, int64_t deadline, int64_t *ticket, time_t *frees_at)
{
	struct job *j = job_new(run_begin_release, digits, deadline);
	int ret;

	*ticket = 0;
	if (!j)
		return -ENOMEM;
	ret = submit(s, &j);
	if (!j)
		return ret;
	*ticket = ret ? 0 : j->out_ticket;
	if (ret == -EDQUOT)
		*frees_at = j->frees_at;
	free(j);
	return ret;
}

/* A job that runs one statement about j->digits or j->ticket. */
static int run_give_back(struct store *s, struct job *j)
{
	int ret;

	if ((ret = begin(s, j)) || (ret = give_back_slot(s, j->ticket)))
		return ret;
	return commit(s, j);
}

static int run_settle(struct store *s, struct job *j)
{
	int ret;

	if ((ret = begin(s, j)) ||
	    (ret = drop_row(s, "DELETE FROM marks WHERE account = ?1 AND number = ?2", j->digits, 0, "settling")))
		return ret;
	return commit(s, j);
}

static int run_mark_doubtful(struct store *s, struct job *j)
{
	int ret;

	if ((ret = begin(s, j)) || (ret = set_mark(s, j->digits, "doubtful")))
		return ret;
	return commit(s, j);
}

static int run_needs_look(struct store *s, struct job *j)
{
	sqlite3_stmt *st;
	int ret, rc;

	sqlite3_busy_timeout(s->db, (int)(clock_left_ms(j->deadline) + 1));
	if ((ret = prepare(s, "SELECT 1 FROM marks WHERE account = ?1 AND number = ?2", &st)))
		return ret;
	sqlite3_bind_text(st, 2, j->digits, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : sql_error(s, rc, "looking up a mark");
}

/* A job that only waits for its result, freeing it. */
static int simple(struct store *s, job_fn *fn, const char *digits, int64_t ticket, int64_t deadline)
{
	struct job *j = job_new(fn, digits, deadline);
	int ret;

	if (!j)
		return -ENOMEM;
	j->ticket = ticket;
	j->lazy = fn == run_give_back || fn == run_settle || fn == run_mark_doubtful;
	j->reads_only = fn == run_needs_look;
	ret = submit(s, &j);
	free(j);
	return ret;
}

int store_give_back(struct store *s, int64_t ticket, int64_t deadline)
{
	return ticket ? simple(s, run_give_back, NULL, ticket, deadline) : 0;
}

int store_settle(struct store *s, const char *digits, int64_t deadline)
{
	return simple(s, run_settle, digits, 0, deadline);
}

int store_mark_doubtful(struct store *s, const char *digits, int64_t deadline)
{
	return simple(s, run_mark_doubtful, digits, 0, deadline);
}

int store_needs_look(struct store *s, const char *digits, int64_t deadline)
{
	return simple(s, run_needs_look, digits, 0, deadline);
}

static int run_list_unsettled(struct store *s, struct job *j)
{
	struct mirror m;
	struct store_unsettled *v;
	int ret;

	sqlite3_busy_timeout(s->db, (int)(clock_left_ms(j->deadline) + 1));
	if ((ret = read_rows(s, &m)))
		return ret;
	v = calloc(m.nmarks ? m.nmarks : 1, sizeof(*v));
	if (!v) {
		mirror_free(&m);
		return -ENOMEM;
	}
	for (size_t i = 0; i < m.nmarks; i++)
		if (!m.marks[i].doubtful) {
			snprintf(v[j->count].number, sizeof(v[j->count].number), "%s", m.marks[i].number);
			v[j->count++].began_wall_ms = m.marks[i].wall_ms;
		}
	mirror_free(&m);
	j->list = v;
	return 0;
}

static int run_queue_list(struct store *s, struct job *j)
{
	struct mirror m;
	int ret;

	sqlite3_busy_timeout(s->db, (int)(clock_left_ms(j->deadline) + 1));
	if ((ret = read_rows(s, &m)))
		return ret;
	j->list = m.queue;
	j->count = m.nqueue;
	m.queue = NULL;
	mirror_free(&m);
	return 0;
}

/* A job whose result is a list. */
static int listing(struct store *s, job_fn *fn, void **out, size_t *count, int64_t deadline)
{
	struct job *j = job_new(fn, NULL, deadline);
	int ret;

	*out = NULL;
	*count = 0;
	if (!j)
		return -ENOMEM;
	j->reads_only = true;
	ret = submit(s, &j);
	if (!j)
		return ret;
	if (!ret) {
		*out = j->list;
		*count = j->count;
	} else
		free(j->list);
	free(j);
	return ret;
}

int store_list_unsettled(struct store *s, struct store_unsettled **out, size_t *count, int64_t deadline)
{
	return listing(s, run_list_unsettled, (void **)out, count, deadline);
}

int store_queue_list(struct store *s, struct store_queued **out, size_t *count, int64_t deadline)
{
	return listing(s, run_queue_list, (void **)out, count, deadline);
}

void store_usage(struct store *s, struct store_usage *out)
{
	int64_t frees_in;

	memset(out, 0, sizeof(*out));
	out->limit = s->max;
	pthread_mutex_lock(&s->lock);
	out->whole = s->whole;
	if (s->max && count_slots(s, s->m.slots, s->m.nslots, &out->used, &frees_in))
		out->whole = false; /* out of memory: say it is not known */
	out->queued = (unsigned)s->m.nqueue;
	for (size_t i = 0; i < s->m.nqueue; i++)
		if (!out->next_due_wall_ms || s->m.queue[i].due_wall_ms < out->next_due_wall_ms)
			out->next_due_wall_ms = s->m.queue[i].due_wall_ms;
	pthread_mutex_unlock(&s->lock);
}

/* Under a transaction: the ticket of J->digits's queue entry (-ENOENT). */
static int queued_ticket(struct store *s, struct job *j, int64_t *ticket)
{
	sqlite3_stmt *st;
	int ret, rc;

	if ((ret = prepare(s, "SELECT ticket FROM queue WHERE account = ?1 AND number = ?2", &st)))
		return ret;
	sqlite3_bind_text(st, 2, j->digits, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*ticket = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? -ENOENT : sql_error(s, rc, "reading the queue");
}

static int run_queue_add(struct store *s, struct job *j)
{
	const struct store_queued *q = &j->q;
	sqlite3_stmt *st;
	int64_t ticket;
	int ret;

	if ((ret = begin(s, j)))
		return ret;
	if ((ret = queued_ticket(s, j, &ticket)) != -ENOENT)
		return ret ? ret : -EEXIST;
	if ((ret = check_budget(s, j)) || (ret = take_slot(s, j)))
		return ret;
	if ((ret = prepare(s,
			   "INSERT INTO queue (account, number, queued_ms, due_ms, uid, pid, comm, ticket) "
			   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
			   &st)))
		return ret;
	sqlite3_bind_text(st, 2, j->digits, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, q->queued_wall_ms);
	sqlite3_bind_int64(st, 4, q->due_wall_ms);
	sqlite3_bind_int64(st, 5, q->uid);
	sqlite3_bind_int64(st, 6, q->pid);
	sqlite3_bind_text(st, 7, q->comm, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, j->out_ticket);
	if ((ret = run(s, st, "queueing a release")))
		return ret;
	return commit(s, j);
}

int store_queue_add(struct store *s, const struct store_queued *q, int64_t deadline, int64_t *ticket, time_t *frees_at)
{
	struct job *j;
	int ret;

	*ticket = 0;
	if (!e164_is_digits(q->number))
		return -EINVAL;
	if (!(j = job_new(run_queue_add, q->number, deadline)))
		return -ENOMEM;
	j->q = *q;
	ret = submit(s, &j);
	if (!j)
		return ret;
	if (!ret)
		*ticket = j->out_ticket;
	else if (ret == -EDQUOT)
		*frees_at = j->frees_at;
	free(j);
	return ret;
}

/* Cancel or drop: the entry goes, its slot is given back. */
static int run_queue_remove(struct store *s, struct job *j)
{
	int64_t ticket = 0;
	int ret;

	if ((ret = begin(s, j)) || (ret = queued_ticket(s, j, &ticket)) ||
	    (ret = drop_row(s, "DELETE FROM queue WHERE account = ?1 AND number = ?2", j->digits, 0,
			    "removing a queued release")) ||
	    (ret = give_back_slot(s, ticket)))
		return ret;
	return commit(s, j);
}

static int run_queue_claim(struct store *s, struct job *j)
{
	int ret;

	if ((ret = begin(s, j)) || (ret = queued_ticket(s, j, &j->out_ticket)) ||
	    (ret = drop_row(s, "DELETE FROM queue WHERE account = ?1 AND number = ?2", j->digits, 0,
			    "claiming a queued release")) ||
	    (ret = set_mark(s, j->digits, "unsettled")))
		return ret;
	return commit(s, j);
}

int store_queue_cancel(struct store *s, const char *digits, int64_t deadline)
{
	return simple(s, run_queue_remove, digits, 0, deadline);
}

int store_queue_drop(struct store *s, const char *digits, int64_t deadline)
{
	return simple(s, run_queue_remove, digits, 0, deadline);
}

int store_queue_claim(struct store *s, const char *digits, int64_t deadline, int64_t *ticket)
{
	struct job *j = job_new(run_queue_claim, digits, deadline);
	int ret;

	*ticket = 0;
	if (!j)
		return -ENOMEM;
	ret = submit(s, &j);
	if (!j)
		return ret;
	if (!ret)
		*ticket = j->out_ticket;
	free(j);
	return ret;
}
