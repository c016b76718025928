/* pace.c — additive increase, multiplicative decrease, for listing pages. */
#include "pace.h"

static unsigned clamp(unsigned v)
{
	return v < 1 ? 1 : (v > PACE_MAX_WINDOW ? PACE_MAX_WINDOW : v);
}

void pace_init(struct pace *p, unsigned start, unsigned max)
{
	start = clamp(start);
	max = clamp(max);
	*p = (struct pace){
		.window = start,
		.floor = 1,
		.ceiling = max < start ? start : max,
		.slow_start = true,
	};
}

unsigned pace_window(const struct pace *p)
{
	return (unsigned)p->window;
}

void pace_answered(struct pace *p, int64_t now_ms, int64_t took_ms, bool pushback, long retry_after_ms)
{
	if (pushback) {
		/* The pages in flight when the first pushback came were all
		 * asked for at the old pace: halve once for all of them. */
		if (now_ms >= p->calm_until) {
			p->window /= 2;
			if (p->window < p->floor)
				p->window = p->floor;
			p->halvings++;
			p->calm_until = now_ms + (took_ms > p->best_ms ? took_ms : p->best_ms);
		}
		p->slow_start = false;
		if (retry_after_ms > 0 && now_ms + retry_after_ms > p->resume_at)
			p->resume_at = now_ms + retry_after_ms;
		return;
	}
	if (took_ms < 1)
		took_ms = 1;
	if (p->best_ms == 0 || took_ms < p->best_ms)
		p->best_ms = took_ms;
	if (took_ms > PACE_SLOW_FACTOR * p->best_ms) {
		p->slow_start = false; /* busy: hold at this pace */
		return;
	}
	p->window += p->slow_start ? 1.0 : 1.0 / p->window;
	if (p->window > p->ceiling)
		p->window = p->ceiling;
}
