/* errmap.h — the one table from an API outcome to the errno a caller sees
 * (DESIGN §3).  Everything else asks here; nothing else invents an errno for
 * an HTTP status. */
#ifndef VOBIZFS_ERRMAP_H
#define VOBIZFS_ERRMAP_H

/* The negative errno for an HTTP status: 0 for 2xx, -EACCES for 401/403,
 * -ENOENT for 404, -EINVAL for 400/422, -EBUSY for 409, -EAGAIN for 429,
 * -EIO for 5xx and anything unexpected.  Pure. */
int errmap_http_status(long status);

/* ERR (0 or a negative errno from an API call) as a rename(2) must answer
 * it.  GNU mv retries a renameat2() that fails with EINVAL, ENOSYS or
 * ENOTSUP as a plain rename(), and copies then unlinks on EXDEV: an API
 * outcome answered so would be sent twice, or turned into a release.  Those
 * become -EPERM (the API refused the change); the rest pass through.  Pure. */
int errmap_for_rename(int err);

/* The symbolic name of a (positive or negative) errno, "EACCES"; "ok" for 0.
 * Returns a static string; never NULL. */
const char *errmap_name(int err);

#endif
