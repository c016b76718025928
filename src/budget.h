/* budget.h — the release budget: at most [release] max_per_hour releases in
 * any rolling hour, counted across remounts and restarts (the state
 * journal keeps them), so no command, script or typo can release more. */
#ifndef VOBIZFS_BUDGET_H
#define VOBIZFS_BUDGET_H

#include <stdint.h>
#include <time.h>

struct budget;
struct state;

#define BUDGET_WINDOW_MS (3600 * 1000)

/* A budget of MAX_PER_HOUR (0: no limit, nothing is counted) kept in STATE,
 * which must outlive it.  Returns NULL when out of memory. */
struct budget *budget_new(struct state *state, unsigned max_per_hour);
void budget_free(struct budget *budget);

/* Begin the release of DIGITS, before its request is sent: take one release
 * from the budget and mark DIGITS unsettled, both in one line of the state
 * journal, synced (state_begin_release()); with no limit, only the mark.
 * Returns 0 with *TICKET set (for budget_give_back(); 0 with no limit),
 * -EDQUOT with *FREES_AT the wall-clock second at which one release frees up
 * (nothing written), or -EIO when the journal cannot be read or written
 * (nothing may then be sent).  Thread-safe. */
int budget_take(struct budget *budget, const char *digits, int64_t *ticket, time_t *frees_at);

/* Give back a release taken with TICKET whose request provably released
 * nothing (the API refused it).  Thread-safe. */
void budget_give_back(struct budget *budget, const char *digits, int64_t ticket);

/* The releases counted in the last hour and the limit (0: none).  Returns 0
 * or -EIO.  Nothing is written.  Thread-safe. */
int budget_usage(struct budget *budget, unsigned *used, unsigned *limit);

#endif
