/* Inside the store: its layout and the helpers store.c (the API's rules) and
 * store_control.c (the control API's edits) share. Not for other modules. */
#ifndef SANDBOX_STORE_PRIVATE_H
#define SANDBOX_STORE_PRIVATE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "numvec.h"
#include "store.h"

struct store {
	pthread_mutex_t lock;
	struct numvec listed;    /* what GET .../numbers shows: the listing */
	struct numvec unlisted;  /* released, or held by accounts outside the listing */
	struct numvec inventory; /* for sale; never shares digits with the other two */
	char main_account[NUMBER_TEXT_LEN];
	char sub_account[NUMBER_TEXT_LEN];
	struct gen_config gen; /* points at the two names above */
	int64_t cooldown_us;
	int64_t next_expiry_us; /* earliest pending cooldown end; INT64_MAX if none */
	uint32_t grown;         /* numbers added by grow faults so far */
	double balance;
	enum search_mode search_mode; /* the listing's ?search= matching */
	struct shapes shapes;         /* how records and answers are written */
	int64_t cool_off_us;          /* see store_config */
	bool admin;
};

/* Takes the lock and brings cooldowns up to date; returns the time used. */
int64_t store_lock(struct store *s);
void store_unlock(struct store *s);

/* Listed: not released, and held by the main account or a sub-account (in
 * the sandbox every "SA_" account is the main account's sub-account). */
bool store_belongs_in_listing(const struct store *s, const struct number *n);

/* Sets status "released", released_at = updated_at = now, drops routing. */
void store_mark_released(struct number *n, int64_t now_us);

/* Moves listed[index] to the unlisted vector. Returns 0 or -ENOMEM. */
int store_unlist_at(struct store *s, size_t index);

/* Notes a pending release's cooldown end for store_expire_due(). */
void store_note_pending(struct store *s, const struct number *n);

/* Releases the pending numbers whose cooldown has ended. */
void store_expire_due(struct store *s, int64_t now_us);

#endif
