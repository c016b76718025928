/* A growable byte buffer that stays NUL-terminated, for building bodies and
 * JSON arrays piece by piece. Not thread-safe. */
#ifndef SANDBOX_BUF_H
#define SANDBOX_BUF_H

#include <stddef.h>

/* Zero-initialise ({0}) for an empty buffer. */
struct buf {
	char *data; /* NUL-terminated once anything was appended; owned */
	size_t len, cap;
};

/* Appends `len` bytes. Returns 0 or -ENOMEM (the buffer is then unchanged). */
int buf_append(struct buf *b, const void *bytes, size_t len);

/* Appends a C string. Returns 0 or -ENOMEM. */
int buf_append_str(struct buf *b, const char *s);

/* Hands the contents to the caller (free() them) and empties the buffer.
 * Returns "" (allocated) for an empty buffer, or NULL when out of memory. */
char *buf_steal(struct buf *b);

/* Frees the contents and empties the buffer. */
void buf_free(struct buf *b);

#endif
