/* secure-keys: make secure_chat identity keys, show their fingerprints,
 * set users' passwords (keys.h and passwords.h hold the formats). */
#include <errno.h>
#include <openssl/crypto.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "err.h"
#include "keys.h"
#include "passwords.h"

enum { KEYS_EXIT_OK = 0, KEYS_EXIT_ERROR = 1, KEYS_EXIT_USAGE = 2 };

static const char usage_text[] =
"usage: secure-keys COMMAND ARGUMENTS\n"
"  gen NAME                 make an Ed25519 identity: NAME.key, the private\n"
"                           key (PEM PKCS#8, mode 0600; an existing key is\n"
"                           never overwritten), and NAME.pub, one line\n"
"                           \"kit-ed25519 BASE64 NAME\" for the other side's\n"
"                           authorized-keys or known-hosts file; prints the\n"
"                           key's fingerprint\n"
"  fingerprint FILE         print the SHA256: fingerprint of a .key or .pub\n"
"                           file (SHA-256 of the 32 raw key bytes, so not\n"
"                           the same as ssh-keygen's for the same key)\n"
"  adduser USERS_FILE NICK  set NICK's password in USERS_FILE (for\n"
"                           secure-server --users), replacing NICK's old\n"
"                           line. The password is asked twice on a terminal,\n"
"                           else read as one line of standard input. It is\n"
"                           stored as NICK:scrypt:N:r:p:SALT:HASH, scrypt\n"
"                           (RFC 7914) with a new random 16-byte salt and\n"
"                           N=32768 (2^15), r=8, p=1: 32 MiB of memory and\n"
"                           about 0.15 s of CPU for each login check. The file\n"
"                           is replaced atomically, with mode 0600.\n"
"  help                     show this help\n"
"Private keys that the group or others may read are refused: chmod 600.\n"
"Exit status: 0 ok, 1 error, 2 usage.\n";

static void
usage(int status)
{
	fputs(usage_text, status ? stderr : stdout);
	exit(status);
}

/* --- reading a password ----------------------------------------------------- */

static struct termios saved_tty;
static volatile sig_atomic_t tty_quiet;

static void
restore_tty(void)
{
	if (tty_quiet) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tty);
		tty_quiet = 0;
	}
}

/* Never leave the terminal without echo: restore it, then die as asked. */
static void
on_signal(int sig)
{
	restore_tty();
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
 * One line of standard input into buf, byte by byte so that no stdio
 * buffer keeps a copy. Returns 0, or -1 after saying why. After a prompt
 * whose answer was not echoed, the newline the terminal did not show
 * comes first, so that the next line starts on a line of its own.
 */
static int
read_line(char buf[static PASSWORDS_MAX + 2], bool prompted)
{
	size_t n = 0;
	ssize_t got;
	char c = 0;
	int r = -1;

	for (;;) {
		if ((got = read(STDIN_FILENO, &c, 1)) < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			if (prompted)
				fputc('\n', stderr);
			kit_warn("cannot read the password: %s", strerror(errno));
			goto out;
		}
		if (got == 0 || c == '\n')
			break;
		if (n == PASSWORDS_MAX + 1)
			break;	/* too long: said below */
		buf[n++] = c;
	}
	buf[n] = '\0';
	if (prompted)
		fputc('\n', stderr);
	if (n > 0 && buf[n - 1] == '\r')	/* a CRLF line */
		buf[--n] = '\0';
	if (n == 0)
		kit_warn("no password given (empty line or no input)");
	else if (n > PASSWORDS_MAX)
		kit_warn("the password is longer than %d bytes", PASSWORDS_MAX);
	else if (strlen(buf) != n || strchr(buf, '\r'))
		kit_warn("the password holds a NUL byte or a carriage return");
	else
		r = 0;
out:
	OPENSSL_cleanse(&c, sizeof(c));
	return r;
}

/* Ask twice with echo off (a terminal), else read one line. */
static int
read_password(const char *nick, char pw[static PASSWORDS_MAX + 2])
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct sigaction sa = { .sa_handler = on_signal }, old[4];
	char again[PASSWORDS_MAX + 2];
	struct termios quiet;
	size_t i;
	int r;

	if (!isatty(STDIN_FILENO))
		return read_line(pw, false);
	if (tcgetattr(STDIN_FILENO, &saved_tty) < 0) {
		kit_warn("cannot read the terminal's settings: %s",
			 strerror(errno));
		return -1;
	}
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < 4; i++)
		sigaction(sigs[i], &sa, &old[i]);
	quiet = saved_tty;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0)
		tty_quiet = 1;
	fprintf(stderr, "Password for %s: ", nick);
	r = read_line(pw, true);
	if (r == 0) {
		fprintf(stderr, "Again: ");
		r = read_line(again, true);
	}
	restore_tty();
	for (i = 0; i < 4; i++)
		sigaction(sigs[i], &old[i], NULL);
	if (r == 0 && (strlen(pw) != strlen(again) ||
		       CRYPTO_memcmp(pw, again, strlen(pw)) != 0)) {
		kit_warn("the two passwords differ: nothing changed");
		r = -1;
	}
	OPENSSL_cleanse(again, sizeof(again));
	return r;
}

/* --- commands -------------------------------------------------------------------- */

static int
cmd_gen(char **args)
{
	const char *name = args[0], *slash = strrchr(name, '/');
	const char *base = slash ? slash + 1 : name;
	struct kit_identity *id = NULL;
	uint8_t pub[KEYS_PUB_LEN];
	char err[KIT_ERRLEN], fp[KEYS_FP_LEN];
	int status = KEYS_EXIT_ERROR;

	if (*base == '\0') {
		kit_warn("gen: NAME must not end in '/'");
		return KEYS_EXIT_USAGE;
	}
	if (keys_generate(&id, err) < 0 || keys_save(id, name, base, err) < 0) {
		kit_warn("%s", err);
		goto out;
	}
	keys_public(id, pub);
	if (keys_fingerprint(pub, fp, err) < 0) {
		kit_warn("%s", err);
		goto out;
	}
	printf("%s.key: the private key (mode 0600): keep it secret\n"
	       "%s.pub: the public key, for the other side\n"
	       "%s %s\n", name, name, fp, base);
	status = KEYS_EXIT_OK;
out:
	keys_free(id);
	return status;
}

static int
cmd_fingerprint(char **args)
{
	uint8_t pub[KEYS_PUB_LEN];
	char err[KIT_ERRLEN], fp[KEYS_FP_LEN];

	if (keys_load_public(args[0], pub, err) < 0 ||
	    keys_fingerprint(pub, fp, err) < 0) {
		kit_warn("%s", err);
		return KEYS_EXIT_ERROR;
	}
	printf("%s\n", fp);
	return KEYS_EXIT_OK;
}

static int
cmd_adduser(char **args)
{
	const char *path = args[0], *nick = args[1];
	char pw[PASSWORDS_MAX + 2], line[PASSWORDS_LINE_MAX], err[KIT_ERRLEN];
	int r, status = KEYS_EXIT_ERROR;

	if (!keys_valid_nick(nick)) {
		kit_warn("adduser: not a valid nick: 1 to %d letters, digits "
			 "and -[]\\`_^{|}, not starting with a digit or -",
			 KEYS_NICK_MAX);
		return KEYS_EXIT_USAGE;
	}
	if (read_password(nick, pw) < 0)
		goto out;
	if (passwords_hash(nick, pw, NULL, line, err) < 0 ||
	    (r = passwords_store(path, line, err)) < 0) {
		kit_warn("%s", err);
		goto out;
	}
	printf("%s: password %s in %s (scrypt N=%u r=%u p=%u)\n", nick,
	       r ? "replaced" : "added", path, PASSWORDS_DEFAULT_N,
	       PASSWORDS_DEFAULT_R, PASSWORDS_DEFAULT_P);
	status = KEYS_EXIT_OK;
out:
	OPENSSL_cleanse(pw, sizeof(pw));
	OPENSSL_cleanse(line, sizeof(line));
	return status;
}

static const struct command {
	const char *name;
	int nargs;
	int (*run)(char **args);
} commands[] = {
	{ "gen", 1, cmd_gen },
	{ "fingerprint", 1, cmd_fingerprint },
	{ "adduser", 2, cmd_adduser },
};

int
main(int argc, char **argv)
{
	size_t i;
	int status;

	kit_set_progname(argv[0]);
	if (argc < 2)
		usage(KEYS_EXIT_USAGE);
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "--help"))
		usage(KEYS_EXIT_OK);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name) != 0)
			continue;
		if (argc - 2 != commands[i].nargs) {
			kit_warn("%s takes %d argument%s", commands[i].name,
				 commands[i].nargs,
				 commands[i].nargs > 1 ? "s" : "");
			usage(KEYS_EXIT_USAGE);
		}
		status = commands[i].run(argv + 2);
		if (fflush(stdout) == EOF && status == KEYS_EXIT_OK) {
			kit_warn("cannot write the output: %s", strerror(errno));
			status = KEYS_EXIT_ERROR;
		}
		return status;
	}
	kit_warn("unknown command '%s'", argv[1]);
	usage(KEYS_EXIT_USAGE);
}
