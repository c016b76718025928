/* The stall board: where API requests wait (injected latency, stall faults,
 * "down" in stall mode) and what ends those waits early: a release (control
 * DELETE /faults, POST /up) or the API server closing. Thread-safe. */
#ifndef SANDBOX_STALL_H
#define SANDBOX_STALL_H

#include <stdbool.h>

struct stall_board;

enum stall_end {
	STALL_TIMEOUT,  /* the full time passed */
	STALL_RELEASED, /* stall_release_all() was called (if the wait allowed it) */
	STALL_CLOSING,  /* the server is stopping: give up the request */
};

/* Returns 0 or -ENOMEM. Caller owns *out (stall_board_destroy). */
int stall_board_create(struct stall_board **out);

/* No wait may be in progress. NULL is a no-op. */
void stall_board_destroy(struct stall_board *b);

/* A ticket marks a moment: a wait given it also ends for releases made
 * after that moment, even before the wait began. Take the ticket before
 * checking whatever decides to stall, so a release in between is not lost. */
unsigned long stall_ticket(struct stall_board *b);

/* Waits `ms` milliseconds (< 0: without limit). Ends early with
 * STALL_CLOSING while the board is closing, and with STALL_RELEASED on a
 * release after `ticket` when `end_on_release` is true. */
enum stall_end stall_wait(struct stall_board *b, unsigned long ticket, long ms, bool end_on_release);

/* Ends every wait that allows it and holds an earlier ticket. */
void stall_release_all(struct stall_board *b);

/* While closing, every wait (current and new) ends at once. */
void stall_set_closing(struct stall_board *b, bool closing);

#endif
