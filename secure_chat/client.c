/* secure-client: the kit's chat client over the secure_chat protocol. It
 * checks the server's identity before a single chat byte leaves. */
#include <errno.h>
#include <openssl/crypto.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "chat_client.h"
#include "client_opts.h"
#include "err.h"
#include "evloop.h"
#include "extra_opts.h"
#include "keylog.h"
#include "keys.h"
#include "secure_opts.h"
#include "secure_transport.h"
#include "tls_cli.h"
#include "tls_transport.h"

/* The default port; TLS_CLI_PORT with --tls. */
static const char default_port[] = "6698";

struct client {
	const char *host, *port;
	char name[KEYS_HOST_MAX];	/* as the known-hosts file writes it */
	struct kit_identity *id;	/* --key, or NULL */
	uint8_t pub[KEYS_PUB_LEN];
	char password[HS_PASSWORD_MAX + 1];	/* --password-file */
	const char *known_hosts;
	const char *server_key;	/* --server-key: fingerprint or file */
	char pin[KEYS_FP_LEN];	/* its fingerprint */
	bool tofu;
	bool verbose;	/* -v: handshake timing */
	double prompt_ms;	/* of it, the time the user took to answer */
	bool server_checked;	/* its key passed: a refusal is the login's */
	bool let_in;		/* the server's first record came */
	int refusal;		/* the alert it refused us with, or 0 */
	FILE *keylog;
};

static int
sign(void *ud, const uint8_t *msg, size_t n, uint8_t sig[static HS_SIG_LEN])
{
	struct client *c = ud;
	char err[KIT_ERRLEN];

	return keys_sign(c->id, msg, n, sig, err);
}

static void
on_handshake(void *ud, double ms, const char *what)
{
	struct client *c = ud;

	c->let_in = true;
	if (c->verbose && c->prompt_ms > 0)
		kit_warn("handshake in %.3f ms (%s), and %.1f s at the "
			 "first-use prompt", ms - c->prompt_ms, what,
			 c->prompt_ms / 1000);
	else if (c->verbose)
		kit_warn("handshake in %.3f ms (%s)", ms, what);
}

static void
on_refused(void *ud, int alert)
{
	struct client *c = ud;

	c->refusal = alert;
}

static void
on_keylog(void *ud, const uint8_t random[static 32], const char *name,
	  const uint8_t secret[static 32])
{
	struct client *c = ud;

	if (c->keylog)
		keylog_write(c->keylog, random, name, secret);
}

/* --server-key: a "SHA256:..." fingerprint or a .pub/.key file. */
static int
check_pin(struct client *c, const char *fp)
{
	if (strcmp(c->pin, fp) == 0)
		return 0;
	kit_warn("the server's key %s is not the one pinned with "
		 "--server-key: refusing to talk to it", fp);
	return ALERT_UNKNOWN_IDENTITY;
}

/* SSH's warning, in spirit: the one message nobody should skim. */
static int
changed_key(const struct client *c, const char *fp, const char *why)
{
	fprintf(stderr,
		"@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n"
		"@    WARNING: SERVER IDENTIFICATION HAS CHANGED!          @\n"
		"@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n"
		"Someone could be eavesdropping on you right now (a man in the\n"
		"middle), or the server's identity key was replaced.\n"
		"The key it sent has fingerprint %s.\n%s\n"
		"Nothing was sent. If the change is expected, remove the old\n"
		"line for %s from %s and connect again.\n",
		fp, why, c->name, c->known_hosts);
	return ALERT_UNKNOWN_IDENTITY;
}

enum answer { ANSWER_NO, ANSWER_YES, ANSWER_AGAIN };

/* The answer without the spaces around it, nor the full stop that a
 * fingerprint copied from the prompt's sentence brings along. */
static char *
trimmed(char *answer)
{
	size_t n;

	answer += strspn(answer, " \t");
	n = strlen(answer);
	while (n > 0 && strchr(" \t\r.", answer[n - 1]))
		answer[--n] = '\0';
	return answer;
}

/* One answer at the first-use prompt, taken as SSH takes them: "yes" or
 * "no" in any case, or the fingerprint itself, pasted from what the
 * server printed. The end of input is a no. */
static enum answer
read_answer(FILE *tty, const char *fp)
{
	char line[KEYS_FP_LEN + 16], *answer;
	const char *bare;
	char *nl;
	int ch;

	fflush(tty);
	if (!fgets(line, sizeof(line), tty)) {
		fputc('\n', tty);	/* the line the user did not end */
		return ANSWER_NO;
	}
	if (!(nl = strchr(line, '\n'))) {	/* too long: skip the rest */
		while ((ch = fgetc(tty)) != EOF && ch != '\n')
			;
		line[0] = '\0';
	} else {
		*nl = '\0';
	}
	answer = trimmed(line);
	bare = strncmp(fp, "SHA256:", 7) == 0 ? fp + 7 : fp;
	if (strcasecmp(answer, "yes") == 0 || strcmp(answer, fp) == 0 ||
	    strcmp(answer, bare) == 0)	/* pasted without its SHA256: */
		return ANSWER_YES;
	if (strcasecmp(answer, "no") == 0)
		return ANSWER_NO;
	if (strncmp(answer, "SHA256:", 7) == 0 ||
	    strlen(answer) == strlen(bare))
		fputs("That is not its fingerprint. ", tty);
	fputs("Please type 'yes', 'no' or the fingerprint: ", tty);
	return ANSWER_AGAIN;
}

/* Unknown server: ask on the terminal, as SSH does, or explain. The time
 * the user takes is kept apart from the handshake's (-v). */
static bool
ask_first_use(struct client *c, const char *fp)
{
	enum answer a = ANSWER_NO;
	struct timespec asked;
	FILE *tty;
	int tries;

	fprintf(stderr, "The server %s is not known yet.\n"
		"Its identity key fingerprint is %s.\n", c->name, fp);
	if (c->tofu)
		return true;
	if (!(tty = fopen("/dev/tty", "r+"))) {
		fprintf(stderr, "Compare it with the fingerprint the server "
			"prints, then connect again with --trust-on-first-use "
			"or --server-key %s.\n", fp);
		return false;
	}
	fputs("Are you sure you want to continue connecting "
	      "(yes/no/[fingerprint])? ", tty);
	/* Anything else is asked again, a few times. Ctrl-C ends the
	 * program here, as at any prompt: nothing was sent yet. */
	clock_gettime(CLOCK_MONOTONIC, &asked);
	evloop_signals_blocked(false);
	for (tries = 0; tries < 5; tries++)
		if ((a = read_answer(tty, fp)) != ANSWER_AGAIN)
			break;
	evloop_signals_blocked(true);
	c->prompt_ms = evloop_ms_since(&asked);
	fclose(tty);
	if (a == ANSWER_YES)
		return true;
	fprintf(stderr, "The key was not accepted: not connecting.\n");
	return false;
}

static int
check_known(struct client *c, const uint8_t pub[static 32], const char *fp)
{
	char err[KIT_ERRLEN];
	int r = keys_known_check(c->known_hosts, c->host, c->port, pub, err);

	if (r == KEYS_KNOWN_MATCH)
		return 0;
	if (r == KIT_EAUTH)
		return changed_key(c, fp, err);
	if (r != KEYS_KNOWN_NONE) {
		kit_warn("%s", err);
		return ALERT_UNKNOWN_IDENTITY;
	}
	if (!ask_first_use(c, fp))
		return ALERT_UNKNOWN_IDENTITY;
	if (keys_known_add(c->known_hosts, c->host, c->port, pub, err) < 0)
		kit_warn("could not remember the key: %s", err);
	else
		fprintf(stderr, "Added %s to %s.\n", c->name, c->known_hosts);
	return 0;
}

/* hs_config.check_server: a pin if given, else the known-hosts file. */
static int
check_server(void *ud, const uint8_t pub[static 32])
{
	struct client *c = ud;
	char fp[KEYS_FP_LEN], err[KIT_ERRLEN];

	int r;

	if (keys_fingerprint(pub, fp, err) < 0)
		return ALERT_UNKNOWN_IDENTITY;
	r = c->server_key ? check_pin(c, fp) : check_known(c, pub, fp);
	c->server_checked = r == 0;
	return r;
}

/* After a failed run: an anonymous login the server turned down wants a
 * --key or --password-file; --password, IRC's PASS, comes only after the
 * login, as --tls sends it in place of one. */
static void
hint_login(const struct client *c, const struct chat_client_opts *opts)
{
	if (!c->server_checked || c->let_in || c->id || c->password[0] ||
	    c->refusal != ALERT_ACCESS_DENIED)
		return;
	kit_warn("an anonymous login was refused: a server with --users or "
		 "--authorized-keys wants --key "
		 "NAME.key or --password-file FILE%s", opts->password ?
		 " (--password is IRC's PASS, sent only once logged in; "
		 "with --tls it is the login)" : "");
}

static void
read_password(struct client *c, const char *path)
{
	FILE *f = fopen(path, "r");
	struct stat st;
	size_t n;
	int next;

	if (!f)
		kit_die("--password-file %s: %s", path, strerror(errno));
	errno = 0;
	if (!fgets(c->password, sizeof(c->password), f))
		kit_die("--password-file %s: %s", path,
			ferror(f) ? strerror(errno) : "empty");
	n = strcspn(c->password, "\r\n");
	if (!c->password[n] && (next = fgetc(f)) != EOF && next != '\n' &&
	    next != '\r')
		kit_die("--password-file %s: the password is longer than %d "
			"bytes", path, HS_PASSWORD_MAX);
	if (fstat(fileno(f), &st) == 0)
		keys_warn_if_open("", path, st.st_mode);
	fclose(f);
	c->password[n] = '\0';
	if (n == 0)
		kit_die("--password-file %s holds an empty password", path);
}

/* In the home directory, as SSH keeps its known hosts: $HOME, or the
 * user database's when HOME is unset (a cron job, `env -i`). */
static const char *
default_known_hosts(void)
{
	static char path[4096];
	const char *home = getenv("HOME");
	const struct passwd *pw;

	if ((!home || !*home) && (pw = getpwuid(getuid())))
		home = pw->pw_dir;
	snprintf(path, sizeof(path), "%s/.kit-chat-known-hosts",
		 home && *home ? home : ".");
	return path;
}

/* --tls: the same checks of the server's key, on its certificate; a
 * --key becomes a certificate for the nick; a password goes in PASS. */
static void
setup_tls(struct client *c, struct chat_client_opts *opts,
	  const struct secure_cli *cli, struct tls_opts *tls)
{
	char suites[TLS_CLI_SUITES_LEN], err[KIT_ERRLEN];

	tls_cli_apply(cli, suites, &c->keylog);
	*tls = (struct tls_opts){ .check_server = check_server,
				  .on_handshake = on_handshake,
				  .keylog = c->keylog, .ud = c };
	if (tls_opts_init(tls, c->id, opts->nick, TLS_CERT_NONE,
			  suites[0] ? suites : NULL, err) < 0)
		kit_die("%s", err);
	if (c->password[0])
		opts->password = c->password;
	if (opts->port == default_port)	/* no --port given */
		opts->port = c->port = TLS_CLI_PORT;
	opts->wrap = tls_transport_wrap;
	opts->wrap_ctx = tls;
}

/* The kit's own protocol (docs/PROTOCOL.md). */
static void
setup_secure(struct client *c, struct chat_client_opts *opts,
	     const struct secure_cli *cli, struct secure_opts *sec,
	     uint8_t suites[static 2])
{
	secure_cli_apply(cli, sec, suites, &c->keylog);
	sec->hs.identity = c->pub;
	sec->hs.sign = sign;
	sec->hs.verify = keys_verify;
	sec->hs.check_server = check_server;
	sec->hs.method = c->id ? HS_KEY : c->password[0] ? HS_PASSWORD
							 : HS_ANONYMOUS;
	sec->hs.nick = opts->nick;
	sec->hs.password = c->password;
	sec->hs.keylog = c->keylog ? on_keylog : NULL;
	sec->hs.ud = c;
	sec->on_handshake = on_handshake;
	sec->on_refused = on_refused;
	opts->wrap = secure_transport_wrap;
	opts->wrap_ctx = sec;
}

int
main(int argc, char **argv)
{
	static struct client c;
	struct chat_client_opts opts;
	struct secure_opts sec = { 0 };
	struct secure_cli cli = { 0 };
	struct tls_opts tls = { 0 };
	const char *key = NULL, *password_file = NULL, *tofu = NULL;
	const char *tls_on = NULL;
	struct extra_opt extra[] = {
		{ "key", true, &key, "  --key NAME.key         log in with this identity key\n" },
		{ "password-file", true, &password_file, "  --password-file FILE   log in with the password in FILE\n" },
		{ "known-hosts", true, &c.known_hosts, "  --known-hosts FILE     server keys seen before (~/.kit-chat-known-hosts)\n" },
		{ "server-key", true, &c.server_key, "  --server-key FP|FILE   accept only this server key (SHA256:... or a .pub)\n" },
		{ "trust-on-first-use", false, &tofu, "  --trust-on-first-use   remember an unknown server's key without asking\n" },
		SECURE_CLI_OPTS(cli),
		{ "tls", false, &tls_on, TLS_CLI_HELP },
	};
	uint8_t suites[2];
	char err[KIT_ERRLEN];
	int status;

	kit_set_progname(argv[0]);
	client_opts_parse(&opts, argc, argv, default_port, extra,
			  sizeof(extra) / sizeof(extra[0]));
	if (key && password_file)
		kit_usage_error("--key and --password-file: choose one");
	c.host = opts.host;
	c.port = opts.port;
	c.tofu = tofu != NULL;
	c.verbose = opts.verbose;
	if (!c.known_hosts)
		c.known_hosts = default_known_hosts();
	/* A pin that cannot be read is a typo to report before connecting,
	 * not a server to be suspicious of. */
	if (c.server_key &&
	    keys_pin_fingerprint(c.server_key, c.pin, err) < 0) {
		if (strncmp(c.server_key, "SHA256:", 7) == 0)
			kit_usage_error("--server-key: %s", err);
		kit_die("--server-key: %s", err);
	}
	if (key && keys_load_private(key, &c.id, err) < 0)
		kit_die("%s", err);
	if (c.id)
		keys_public(c.id, c.pub);
	if (password_file)
		read_password(&c, password_file);
	if (tls_on)
		setup_tls(&c, &opts, &cli, &tls);
	else
		setup_secure(&c, &opts, &cli, &sec, suites);
	if (keys_known_name(c.host, c.port, c.name))	/* checked on use */
		snprintf(c.name, sizeof(c.name), "%.200s:%.8s", c.host, c.port);
	status = chat_client_run(&opts);
	if (status != 0 && !tls_on)
		hint_login(&c, &opts);
	OPENSSL_cleanse(c.password, sizeof(c.password));
	tls_opts_free(&tls);
	keys_free(c.id);
	if (c.keylog)
		fclose(c.keylog);
	chat_client_exit(status);
}
