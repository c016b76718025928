/* errmap.c — HTTP status → errno, and errno → its name for the audit log. */
#include "errmap.h"

#include <errno.h>
#include <stdlib.h>

int errmap_http_status(long status)
{
	if (status >= 200 && status < 300)
		return 0;
	switch (status) {
	case 400:
	case 422:
		return -EINVAL;
	case 401:
	case 403:
		return -EACCES;
	case 404:
		return -ENOENT;
	case 409:
		return -EBUSY;
	case 429:
		return -EAGAIN;
	default:
		return -EIO;
	}
}

int errmap_for_rename(int err)
{
	switch (err) {
	case -EINVAL:
	case -ENOSYS:
	case -ENOTSUP:
	case -EXDEV:
		return -EPERM;
	default:
		return err;
	}
}

const char *errmap_name(int err)
{
	static const struct {
		int err;
		const char *name;
	} names[] = {
		{ 0, "ok" },          { EPERM, "EPERM" },
		{ ENOENT, "ENOENT" }, { EIO, "EIO" },
		{ EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" },
		{ EACCES, "EACCES" }, { EBUSY, "EBUSY" },
		{ EEXIST, "EEXIST" }, { EINVAL, "EINVAL" },
		{ EROFS, "EROFS" },   { ETIMEDOUT, "ETIMEDOUT" },
		{ ENOSYS, "ENOSYS" }, { ECONNREFUSED, "ECONNREFUSED" },
		{ EDQUOT, "EDQUOT" },
	};

	err = abs(err);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].err == err)
			return names[i].name;
	return "EUNKNOWN";
}
