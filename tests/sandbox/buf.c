/* Growable NUL-terminated byte buffer. */
#include "buf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int buf_append(struct buf *b, const void *bytes, size_t len)
{
	if (len + 1 > b->cap - b->len || !b->data) {
		size_t cap = b->cap ? b->cap : 256;

		while (cap - b->len < len + 1) {
			if (cap > ((size_t)-1) / 2)
				return -ENOMEM;
			cap *= 2;
		}
		char *data = realloc(b->data, cap);
		if (!data)
			return -ENOMEM;
		b->data = data;
		b->cap = cap;
	}
	memcpy(b->data + b->len, bytes, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int buf_append_str(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

char *buf_steal(struct buf *b)
{
	char *data = b->data;

	if (!data)
		data = calloc(1, 1);
	b->data = NULL;
	b->len = b->cap = 0;
	return data;
}

void buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}
