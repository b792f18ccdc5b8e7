/* \summary: the kit's key log, modelled on the NSS key log format. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "keylog.h"
#include "keys.h"

FILE *
keylog_open(const char *path)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	FILE *f = fd >= 0 ? fdopen(fd, "a") : NULL;
	struct stat st;

	if (!f) {
		kit_warn("cannot open key log %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	kit_warn("WARNING: writing session secrets to %s: anyone with this "
		 "file and a capture can read the chat", path);
	/* A new file is made 0600; one that was there keeps its mode. */
	if (fstat(fd, &st) == 0)
		keys_warn_if_open("key log ", path, st.st_mode);
	return f;
}

static void
hex(FILE *f, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		fprintf(f, "%02x", p[i]);
}

void
keylog_write(FILE *f, const uint8_t client_random[static 32],
	     const char *name, const uint8_t secret[static 32])
{
	fputs("KIT_CLIENT_RANDOM ", f);
	hex(f, client_random, 32);
	fprintf(f, " %s ", name);
	hex(f, secret, 32);
	fputc('\n', f);
	fflush(f);
}
