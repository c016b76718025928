/* Port files: how a test learns which port the sandbox picked. */
#ifndef SANDBOX_PORTFILE_H
#define SANDBOX_PORTFILE_H

/* Writes "PORT\n" to `path` atomically: to "PATH.tmp" first, then renamed,
 * so a reader sees either no file or the whole number. Returns 0 or a
 * negative errno. */
int portfile_write(const char *path, unsigned port);

#endif
