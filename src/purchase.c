/* purchase.c — renting: refuse what may not be bought, write the intent,
 * POST once, and when the answer is lost or a 500 leaves the debit in doubt,
 * look at the listing before answering. */
#include "purchase.h"

#include "api.h"
#include "catalog.h"
#include "config.h"
#include "settle.h"
#include "log.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define ACTION "purchase"

struct purchaser {
	const struct config *cfg;
	struct api *api;
	struct catalog *catalog;
	struct audit *audit;
};

struct purchaser *purchaser_new(const struct config *cfg, struct api *api, struct catalog *catalog, struct audit *audit)
{
	struct purchaser *p = calloc(1, sizeof(*p));

	if (p)
		*p = (struct purchaser){ .cfg = cfg, .api = api, .catalog = catalog, .audit = audit };
	return p;
}

void purchaser_free(struct purchaser *p)
{
	free(p);
}

static int refuse(struct purchaser *p, const char *digits, const struct caller *caller, int err, const char *why)
{
	log_warn("purchase of %s refused: %s", digits, why);
	audit_outcome(p->audit, ACTION, digits, caller, p->cfg->dry_run, 0, err, why);
	return err;
}

/* The number from a listing that would show it, if the account holds it now;
 * NULL if not, or if no such listing can be read (said in the log).  The look
 * gets its reserve even when DEADLINE is spent. */
static struct number *find_held(struct purchaser *p, const char *digits, int64_t deadline)
{
	struct number *n;
	int ret =
	    settle_find(p->api, p->catalog, p->cfg->parallel, digits, settle_deadline(p->cfg->timeout_s, deadline), &n);

	if (ret) {
		log_error("purchase of %s: the listing cannot be read either (%s); not retrying", digits,
			  strerror(-ret));
		return NULL;
	}
	if (n && n->status != NUMBER_ACTIVE) {
		number_unref(n);
		n = NULL;
	}
	return n;
}

/* Take DIGITS out of the offers at once: bought, or taken by someone else. */
static void forget_offer(struct catalog *offers, const char *digits)
{
	cJSON *patch = cJSON_CreateObject();

	if (patch && cJSON_AddStringToObject(patch, "status", "released"))
		catalog_patch(offers, digits, patch);
	cJSON_Delete(patch);
}

int purchase_number(struct purchaser *p, struct catalog *offers, const char *digits, const struct caller *caller,
		    int64_t deadline)
{
	struct number_facts facts;
	struct api_outcome out;
	struct number *bought = NULL;
	int ret;

	if (p->cfg->read_only)
		return -EROFS;
	if (catalog_facts(offers, digits, &facts) < 0)
		return -ENOENT;
	if (!p->cfg->purchase_enabled)
		return refuse(p, digits, caller, -EPERM, "renting is not enabled ([purchase] enabled)");
	/* A fee that is missing or not a number cannot be shown to be under the cap. */
	if (p->cfg->has_max_monthly_fee && (!facts.has_monthly_fee || facts.monthly_fee > p->cfg->max_monthly_fee))
		return refuse(p, digits, caller, -EPERM, "monthly_fee above [purchase] max_monthly_fee");
	if (audit_intent(p->audit, ACTION, digits, caller, p->cfg->dry_run)) {
		log_error("purchase of %s refused: the intent could not be audited", digits);
		return -EIO;
	}
	if (p->cfg->dry_run) {
		log_info("dry run: would rent %s", digits);
		audit_outcome(p->audit, ACTION, digits, caller, true, 0, 0, "dry run: no request sent");
		return 0;
	}

	ret = api_purchase(p->api, digits, deadline - settle_reserve_ms(p->cfg->timeout_s), &out, &bought);
	if (ret == -ENOENT)
		forget_offer(offers, digits);
	if (ret && out.unknown) {
		log_warn("purchase of %s: outcome unknown (%s); reading the listing to find out", digits, out.message);
		bought = find_held(p, digits, deadline);
		if (bought) {
			log_info("purchase of %s: the listing shows it held", digits);
			ret = 0;
		}
	}
	if (ret == 0) {
		forget_offer(offers, digits);
		if (!bought || catalog_add(p->catalog, bought) < 0) {
			free(bought);
			catalog_invalidate(p->catalog); /* the next ls reads it from the API */
		}
		log_info("rented %s (requested by %s, pid %d)", digits, caller->comm, (int)caller->pid);
	}
	audit_outcome(p->audit, ACTION, digits, caller, false, out.http_status, ret,
		      out.message[0] ? out.message : NULL);
	return ret;
}
