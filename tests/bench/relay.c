/* relay.c — the benchmark's network: a TCP relay on 127.0.0.1 that holds
 * every chunk for RTT/2 in each direction, as a link with that round-trip
 * time would (this kernel has no netem).  One thread, epoll, FIFO queues. */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PROG "relay"
#define CHUNK_MAX (64 * 1024)
#define QUEUE_MAX (8u << 20) /* stop reading a side while this much waits */
#define EVENTS_MAX 64

static const char usage[] = "usage: " PROG " --upstream PORT --rtt-ms L [options]\n"
			    "Listens on 127.0.0.1 and forwards each connection to 127.0.0.1:PORT,\n"
			    "holding every chunk for L/2 ms in each direction.\n"
			    "\n"
			    "  --listen-port-file F  write the listening port to F once listening\n"
			    "  --listen-port N       port to listen on (default 0: a free one)\n"
			    "  --upstream PORT       where to connect each accepted client\n"
			    "  --rtt-ms L            round-trip time in ms, fractions allowed (default 20)\n"
			    "  --no-connect-rtt      do not charge a new connection's TCP handshake\n"
			    "  --stats-file F        on SIGUSR2, write counters to F (atomically)\n"
			    "\n"
			    "A real TCP handshake costs one round trip before the client may send;\n"
			    "on loopback it costs nothing, so by default the client's first bytes wait\n"
			    "until one RTT after the accept.  SIGUSR1 closes every relayed connection\n"
			    "(as a server's idle timeout would); SIGUSR2 writes the stats file, among\n"
			    "them the median time each end took to answer (the client's \"think time\"\n"
			    "is what the program under test adds to a round trip); SIGHUP resets those\n"
			    "samples; SIGINT or SIGTERM ends the relay.\n";

/* Durations in microseconds, kept to report their median. */
struct samples {
	uint32_t *us;
	size_t len, cap;
};

/* A chunk read from one side, due on the other side at due_ns. */
struct chunk {
	struct chunk *next;
	int64_t due_ns;
	size_t len, off;
	bool eof; /* no data: the reader saw the end; shut the writer down */
	char data[];
};

/* One direction of a connection: bytes read from `from`, written to `to`. */
struct flow {
	struct chunk *head, *tail;
	size_t queued;   /* bytes waiting */
	bool read_done;  /* EOF seen on the source */
	bool write_done; /* the destination was shut down for writing */
	bool blocked;    /* the destination said EAGAIN: wait for EPOLLOUT */
};

struct pair;

/* What an epoll event points at: one side of a pair, or (pair NULL) a
 * special descriptor named by `side`. */
struct endpoint {
	struct pair *pair;
	int side;
};

enum { CLIENT = 0, UPSTREAM = 1 };
enum { SPECIAL_LISTEN = 0, SPECIAL_SIGNALS = 1 };

struct pair {
	struct pair *prev, *next;
	int fd[2];
	uint32_t events[2]; /* epoll interest registered for fd[side] */
	bool watched[2];    /* fd[side] is in the epoll set */
	bool dead;          /* closed; freed once the event batch is done */
	struct endpoint ep[2];
	struct flow flow[2];     /* flow[s]: read from fd[s], written to fd[!s] */
	int64_t ready_ns;        /* the client's first bytes may not leave before this */
	int64_t delivered_ns[2]; /* last write to fd[side] */
	int64_t heard_ns[2];     /* last read from fd[side] */
};

struct relay {
	int epfd, listen_fd, sig_fd;
	unsigned upstream_port;
	int64_t half_rtt_ns, connect_rtt_ns;
	const char *stats_file;
	struct pair *pairs;
	struct pair *dead; /* closed pairs an event in the current batch may name */
	unsigned long accepted, closed, chunks, bytes, open;
	uint64_t lateness_ns_max, lateness_ns_sum; /* delivery later than due */
	/* How long each end takes to answer what it was sent: the client's
	 * "think time" (from a delivery to it to its next bytes) is what the
	 * program under test adds per round trip; the upstream's is the
	 * server's.  Both in us, since the last SIGHUP. */
	struct samples think[2];
};

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void samples_add(struct samples *s, int64_t ns)
{
	if (s->len == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 4096;
		uint32_t *grown = realloc(s->us, cap * sizeof(*grown));

		if (!grown)
			return; /* a statistic, not worth failing for */
		s->us = grown;
		s->cap = cap;
	}
	s->us[s->len++] = (uint32_t)(ns / 1000);
}

static int compare_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The median in us; sorts the samples in place.  -1 when there are none. */
static double samples_median(struct samples *s)
{
	if (!s->len)
		return -1;
	qsort(s->us, s->len, sizeof(*s->us), compare_u32);
	return s->len % 2 ? s->us[s->len / 2] : (s->us[s->len / 2 - 1] + (double)s->us[s->len / 2]) / 2;
}

static int set_nonblocking(int fd)
{
	int flags = fcntl(fd, F_GETFL);

	return flags < 0 ? -1 : fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

/* Every chunk goes out as soon as it is due: no Nagle wait on top. */
static void set_nodelay(int fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

static void flow_clear(struct flow *f)
{
	while (f->head) {
		struct chunk *c = f->head;

		f->head = c->next;
		free(c);
	}
	f->tail = NULL;
	f->queued = 0;
}

/* Close both sockets now; the memory goes at the end of the event batch,
 * since a later event of the same batch may still point at it. */
static void pair_close(struct relay *r, struct pair *p)
{
	if (p->dead)
		return;
	for (int s = 0; s < 2; s++) {
		flow_clear(&p->flow[s]);
		close(p->fd[s]); /* also leaves the epoll set */
	}
	if (p->prev)
		p->prev->next = p->next;
	else
		r->pairs = p->next;
	if (p->next)
		p->next->prev = p->prev;
	p->dead = true;
	p->next = r->dead;
	r->dead = p;
	r->closed++;
	r->open--;
}

static void free_dead(struct relay *r)
{
	while (r->dead) {
		struct pair *p = r->dead;

		r->dead = p->next;
		free(p);
	}
}

/* Keep fd[side]'s epoll interest in step with the pair's state: read while
 * the source is open and its queue is not full, wait for writability while
 * the destination is blocked. */
static int pair_update_events(struct relay *r, struct pair *p, int side)
{
	const struct flow *out = &p->flow[side], *in = &p->flow[!side];
	uint32_t want = 0;
	struct epoll_event ev;

	if (!p->watched[side])
		return 0;
	/* Read to the end and written to the end: nothing more can happen on
	 * this socket, and a hung-up socket would otherwise report EPOLLHUP
	 * for ever while the other direction drains. */
	if (out->read_done && in->write_done) {
		p->watched[side] = false;
		return epoll_ctl(r->epfd, EPOLL_CTL_DEL, p->fd[side], NULL) < 0 ? -errno : 0;
	}
	if (!out->read_done && out->queued < QUEUE_MAX)
		want |= EPOLLIN;
	if (in->blocked)
		want |= EPOLLOUT;
	if (want == p->events[side])
		return 0;
	ev = (struct epoll_event){ .events = want, .data.ptr = &p->ep[side] };
	if (epoll_ctl(r->epfd, EPOLL_CTL_MOD, p->fd[side], &ev) < 0)
		return -errno;
	p->events[side] = want;
	return 0;
}

static int connect_upstream(unsigned port)
{
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_port = htons((uint16_t)port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	/* Loopback: the connect completes at once, so blocking is fine. */
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || set_nonblocking(fd) < 0) {
		close(fd);
		return -1;
	}
	set_nodelay(fd);
	return fd;
}

static void accept_clients(struct relay *r)
{
	for (;;) {
		int client = accept4(r->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct pair *p;
		int upstream;

		if (client < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				fprintf(stderr, PROG ": accept: %s\n", strerror(errno));
			return;
		}
		int64_t accepted_at = now_ns();

		set_nodelay(client);
		upstream = connect_upstream(r->upstream_port);
		p = upstream >= 0 ? calloc(1, sizeof(*p)) : NULL;
		if (!p) {
			fprintf(stderr, PROG ": cannot connect to upstream port %u: %s\n", r->upstream_port,
				strerror(errno));
			close(client);
			if (upstream >= 0)
				close(upstream);
			continue;
		}
		p->fd[CLIENT] = client;
		p->fd[UPSTREAM] = upstream;
		p->ready_ns = accepted_at + r->connect_rtt_ns;
		for (int s = 0; s < 2; s++) {
			struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &p->ep[s] };

			p->ep[s] = (struct endpoint){ .pair = p, .side = s };
			p->events[s] = EPOLLIN;
			p->watched[s] = true;
			epoll_ctl(r->epfd, EPOLL_CTL_ADD, p->fd[s], &ev);
		}
		p->next = r->pairs;
		if (r->pairs)
			r->pairs->prev = p;
		r->pairs = p;
		r->accepted++;
		r->open++;
	}
}

static bool flow_push(struct flow *f, const char *data, size_t len, bool eof, int64_t due_ns)
{
	struct chunk *c = malloc(sizeof(*c) + len);

	if (!c)
		return false;
	*c = (struct chunk){ .due_ns = due_ns, .len = len, .eof = eof };
	memcpy(c->data, data, len);
	if (f->tail)
		f->tail->next = c;
	else
		f->head = c;
	f->tail = c;
	f->queued += len;
	return true;
}

/* Read what fd[side] has and queue it for the other side.  Returns false
 * when the pair must be closed. */
static bool pair_read(struct relay *r, struct pair *p, int side)
{
	static char buf[CHUNK_MAX];
	struct flow *f = &p->flow[side];

	while (!f->read_done && f->queued < QUEUE_MAX) {
		ssize_t n = recv(p->fd[side], buf, sizeof(buf), 0);
		int64_t now = now_ns(), sent_at = now;

		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return false; /* reset: drop the pair, as a reset link would */
		/* Before the emulated handshake ends the client could not have sent. */
		if (side == CLIENT && sent_at < p->ready_ns)
			sent_at = p->ready_ns;
		if (!flow_push(f, buf, (size_t)n, n == 0, sent_at + r->half_rtt_ns))
			return false;
		if (n == 0) {
			f->read_done = true;
		} else {
			r->bytes += (size_t)n, r->chunks++;
			/* The first bytes since something was delivered to this side: its answer. */
			if (p->delivered_ns[side] > p->heard_ns[side])
				samples_add(&r->think[side], now - p->delivered_ns[side]);
			p->heard_ns[side] = now;
		}
	}
	return pair_update_events(r, p, side) == 0;
}

/* Write every chunk of flow[side] that is due.  Returns false when the
 * pair must be closed. */
static bool flow_deliver(struct relay *r, struct pair *p, int side, int64_t now)
{
	struct flow *f = &p->flow[side];
	int to = p->fd[!side];
	bool was_full = f->queued >= QUEUE_MAX;

	while (f->head && f->head->due_ns <= now && !f->blocked) {
		struct chunk *c = f->head;

		if (c->eof) {
			shutdown(to, SHUT_WR);
			f->write_done = true;
		} else {
			ssize_t n = send(to, c->data + c->off, c->len - c->off, MSG_NOSIGNAL);

			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
				f->blocked = true;
				break;
			}
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return false;
			if (c->off == 0) {
				uint64_t late = (uint64_t)(now - c->due_ns);

				r->lateness_ns_sum += late;
				if (late > r->lateness_ns_max)
					r->lateness_ns_max = late;
			}
			c->off += (size_t)n;
			f->queued -= (size_t)n;
			p->delivered_ns[!side] = now;
			if (c->off < c->len)
				continue; /* a short write: try the rest at once */
		}
		f->head = c->next;
		if (!f->head)
			f->tail = NULL;
		free(c);
	}
	if (p->flow[0].write_done && p->flow[1].write_done)
		return false; /* both ways ended: done */
	if (pair_update_events(r, p, !side) || (was_full && pair_update_events(r, p, side)))
		return false;
	return true;
}

static void on_pair_event(struct relay *r, struct pair *p, int side, uint32_t events)
{
	if (events & EPOLLERR) { /* a reset: drop the pair, as a reset link would */
		pair_close(r, p);
		return;
	}
	if (events & EPOLLOUT) {
		p->flow[!side].blocked = false;
		if (!flow_deliver(r, p, !side, now_ns())) {
			pair_close(r, p);
			return;
		}
	}
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
		if (!pair_read(r, p, side))
			pair_close(r, p);
	}
}

/* Deliver everything due; returns the earliest due time still waiting
 * (INT64_MAX: nothing). */
static int64_t deliver_due(struct relay *r)
{
	int64_t now = now_ns(), next = INT64_MAX;
	struct pair *p = r->pairs, *following;

	for (; p; p = following) {
		following = p->next;
		bool alive = true;

		for (int s = 0; s < 2 && alive; s++)
			if (p->flow[s].head && !p->flow[s].blocked && p->flow[s].head->due_ns <= now)
				alive = flow_deliver(r, p, s, now);
		if (!alive) {
			pair_close(r, p);
			continue;
		}
		for (int s = 0; s < 2; s++)
			if (p->flow[s].head && !p->flow[s].blocked && p->flow[s].head->due_ns < next)
				next = p->flow[s].head->due_ns;
	}
	return next;
}

static void write_stats(struct relay *r)
{
	char tmp[4096];
	FILE *f;

	if (!r->stats_file)
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", r->stats_file);
	f = fopen(tmp, "w");
	if (!f) {
		fprintf(stderr, PROG ": %s: %s\n", tmp, strerror(errno));
		return;
	}
	fprintf(f,
		"accepted=%lu open=%lu closed=%lu chunks=%lu bytes=%lu late_us_max=%.1f late_us_mean=%.2f "
		"client_answers=%zu client_think_us_median=%.1f server_answers=%zu server_us_median=%.1f\n",
		r->accepted, r->open, r->closed, r->chunks, r->bytes, (double)r->lateness_ns_max / 1e3,
		r->chunks ? (double)r->lateness_ns_sum / 1e3 / (double)r->chunks : 0.0, r->think[CLIENT].len,
		samples_median(&r->think[CLIENT]), r->think[UPSTREAM].len, samples_median(&r->think[UPSTREAM]));
	if (fclose(f) != 0 || rename(tmp, r->stats_file) != 0)
		fprintf(stderr, PROG ": cannot write %s: %s\n", r->stats_file, strerror(errno));
}

/* Returns false when the relay should stop. */
static bool on_signal(struct relay *r)
{
	struct signalfd_siginfo si;

	while (read(r->sig_fd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGUSR1:
			while (r->pairs)
				pair_close(r, r->pairs);
			break;
		case SIGUSR2:
			write_stats(r);
			break;
		case SIGHUP:
			r->think[CLIENT].len = r->think[UPSTREAM].len = 0;
			break;
		default:
			return false;
		}
	}
	return true;
}

static int run(struct relay *r)
{
	struct epoll_event events[EVENTS_MAX];
	int64_t next = INT64_MAX;

	for (;;) {
		struct timespec timeout, *wait = NULL;
		int n;

		if (next != INT64_MAX) {
			int64_t left = next - now_ns();

			if (left < 0)
				left = 0;
			timeout = (struct timespec){ .tv_sec = left / 1000000000, .tv_nsec = left % 1000000000 };
			wait = &timeout;
		}
		n = epoll_pwait2(r->epfd, events, EVENTS_MAX, wait, NULL);
		if (n < 0 && errno != EINTR) {
			fprintf(stderr, PROG ": epoll_pwait2: %s\n", strerror(errno));
			return 1;
		}
		for (int i = 0; i < n; i++) {
			struct endpoint *ep = events[i].data.ptr;

			if (!ep->pair && ep->side == SPECIAL_LISTEN)
				accept_clients(r);
			else if (!ep->pair && !on_signal(r))
				return 0;
			else if (ep->pair && !ep->pair->dead) /* closed earlier in this batch */
				on_pair_event(r, ep->pair, ep->side, events[i].events);
		}
		next = deliver_due(r);
		free_dead(r);
	}
}

static int listen_on(unsigned port, unsigned *bound)
{
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_port = htons((uint16_t)port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	socklen_t len = sizeof(addr);
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(fd, 1024) < 0 ||
	    getsockname(fd, (struct sockaddr *)&addr, &len) < 0) {
		close(fd);
		return -1;
	}
	*bound = ntohs(addr.sin_port);
	return fd;
}

static int write_port_file(const char *path, unsigned port)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (!(f = fopen(tmp, "w")))
		return -1;
	fprintf(f, "%u\n", port);
	if (fclose(f) != 0)
		return -1;
	return rename(tmp, path); /* the file appears whole, or not at all */
}

static bool parse_number(const char *text, double max, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(text, &end);
	return !errno && end != text && !*end && *out >= 0 && *out <= max;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "listen-port-file", required_argument, NULL, 'f' },
		{ "listen-port", required_argument, NULL, 'l' },
		{ "upstream", required_argument, NULL, 'u' },
		{ "rtt-ms", required_argument, NULL, 'r' },
		{ "no-connect-rtt", no_argument, NULL, 'n' },
		{ "stats-file", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct relay r = { .epfd = -1, .listen_fd = -1, .sig_fd = -1 };
	struct endpoint listen_ep = { NULL, SPECIAL_LISTEN }, sig_ep = { NULL, SPECIAL_SIGNALS };
	const char *port_file = NULL;
	double rtt_ms = 20, port = 0, upstream = 0, v;
	bool connect_rtt = true;
	unsigned bound = 0;
	sigset_t signals;
	int c, status = 1;

	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case 'f':
			port_file = optarg;
			break;
		case 'l':
		case 'u':
			if (!parse_number(optarg, 65535, &v) || v != (unsigned)v) {
				fprintf(stderr, PROG ": not a port: %s\n", optarg);
				return 2;
			}
			*(c == 'l' ? &port : &upstream) = v;
			break;
		case 'r':
			if (!parse_number(optarg, 60000, &rtt_ms)) {
				fprintf(stderr, PROG ": --rtt-ms takes 0 to 60000: %s\n", optarg);
				return 2;
			}
			break;
		case 'n':
			connect_rtt = false;
			break;
		case 's':
			r.stats_file = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (optind < argc || upstream == 0) {
		fputs(usage, stderr);
		return 2;
	}
	r.upstream_port = (unsigned)upstream;
	r.half_rtt_ns = (int64_t)(rtt_ms * 1e6 / 2);
	r.connect_rtt_ns = connect_rtt ? (int64_t)(rtt_ms * 1e6) : 0;

	/* Wake-ups to the nanosecond asked for, not the default 50 us late. */
	prctl(PR_SET_TIMERSLACK, 1UL);
	sigemptyset(&signals);
	sigaddset(&signals, SIGINT);
	sigaddset(&signals, SIGTERM);
	sigaddset(&signals, SIGUSR1);
	sigaddset(&signals, SIGUSR2);
	sigaddset(&signals, SIGHUP);
	sigprocmask(SIG_BLOCK, &signals, NULL);
	signal(SIGPIPE, SIG_IGN);

	r.epfd = epoll_create1(EPOLL_CLOEXEC);
	r.sig_fd = signalfd(-1, &signals, SFD_NONBLOCK | SFD_CLOEXEC);
	r.listen_fd = listen_on((unsigned)port, &bound);
	if (r.epfd < 0 || r.sig_fd < 0 || r.listen_fd < 0) {
		fprintf(stderr, PROG ": cannot listen on 127.0.0.1:%u: %s\n", (unsigned)port, strerror(errno));
		goto out;
	}
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &listen_ep };
	struct epoll_event sev = { .events = EPOLLIN, .data.ptr = &sig_ep };

	if (epoll_ctl(r.epfd, EPOLL_CTL_ADD, r.listen_fd, &ev) < 0 ||
	    epoll_ctl(r.epfd, EPOLL_CTL_ADD, r.sig_fd, &sev) < 0) {
		fprintf(stderr, PROG ": epoll_ctl: %s\n", strerror(errno));
		goto out;
	}
	if (port_file && write_port_file(port_file, bound) < 0) {
		fprintf(stderr, PROG ": cannot write %s: %s\n", port_file, strerror(errno));
		goto out;
	}
	fprintf(stderr, PROG ": 127.0.0.1:%u -> 127.0.0.1:%u, RTT %.3g ms%s\n", bound, r.upstream_port, rtt_ms,
		connect_rtt ? ", TCP handshake charged" : "");
	status = run(&r);
out:
	while (r.pairs)
		pair_close(&r, r.pairs);
	free_dead(&r);
	free(r.think[CLIENT].us);
	free(r.think[UPSTREAM].us);
	if (r.listen_fd >= 0)
		close(r.listen_fd);
	if (r.sig_fd >= 0)
		close(r.sig_fd);
	if (r.epfd >= 0)
		close(r.epfd);
	return status;
}
