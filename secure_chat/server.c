/* secure-server: the kit's chat server over the secure_chat protocol
 * (docs/PROTOCOL.md): the same chat core as plain-server, another
 * transport. */
#include <errno.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "chat_server.h"
#include "err.h"
#include "extra_opts.h"
#include "keylog.h"
#include "keys.h"
#include "login_brake.h"
#include "passwords.h"
#include "safeprint.h"
#include "secure_opts.h"
#include "secure_transport.h"
#include "server_opts.h"
#include "tls_cert.h"
#include "tls_cli.h"
#include "tls_transport.h"

/* The default port; TLS_CLI_PORT with --tls. */
static const char default_port[] = "6698";

struct server {
	struct kit_identity *id;
	uint8_t pub[KEYS_PUB_LEN];
	struct keys_authorized *authorized;
	const char *users;
	FILE *keylog;
	struct login_brake brake;	/* on password guessing */
	const char *progname;
	bool verbose;
};

static int
sign(void *ud, const uint8_t *msg, size_t n, uint8_t sig[static HS_SIG_LEN])
{
	struct server *s = ud;
	char err[KIT_ERRLEN];

	return keys_sign(s->id, msg, n, sig, err);
}

/* A refusal's reason, for the log only; false. */
static bool
refuse(char err[static KIT_ERRLEN], const char *why)
{
	snprintf(err, KIT_ERRLEN, "%s", why);
	return false;
}

/* A key login: the nick's line in --authorized-keys holds this key. */
static bool
check_key(struct server *s, const char *nick, const uint8_t *key,
	  char err[static KIT_ERRLEN])
{
	uint8_t want[KEYS_PUB_LEN];

	if (!s->authorized)
		return refuse(err, "no --authorized-keys");
	if (keys_authorized_lookup(s->authorized, nick, want) != 0)
		return refuse(err, "the nick is not in the authorized keys");
	if (CRYPTO_memcmp(want, key, KEYS_PUB_LEN) != 0)
		return refuse(err, "not the key listed for the nick");
	return true;
}

/* Why an anonymous login is refused: the logins the files allow. */
static const char *
logins_taken(const struct server *s)
{
	if (!s->users)
		return "the server takes key logins only";
	if (!s->authorized)
		return "the server takes password logins only";
	return "the server takes key or password logins only";
}

/* A password login: the nick's scrypt hash in --users, unless the brake
 * on guessing is on for its address. *guess: a wrong password (a users
 * file gone bad is the server's fault, not a guess). */
static bool
check_password(struct server *s, const char *peer, const char *nick,
	       const char *password, bool *guess, char err[static KIT_ERRLEN])
{
	const char *braked;
	int r;

	if (!s->users)
		return refuse(err, "no --users");
	if ((braked = brake_refusal(&s->brake, peer, time(NULL))))
		return refuse(err, braked);
	r = passwords_check(s->users, nick, password, err);
	*guess = r == KIT_EAUTH;
	return r == 0;
}

/* hs_config.authorize: the configured files decide; with neither, only
 * anonymous clients come in. The alert never says which check failed.
 * The log names the client's address, and its nick safe to print. */
static int
authorize(void *ud, const char *peer, int method, const char *nick,
	  const uint8_t *key, const char *password)
{
	static const char *const names[] = { "anonymous", "key", "password" };
	struct server *s = ud;
	char err[KIT_ERRLEN] = "", shown[4 * HS_NICK_MAX + 1];
	char as[sizeof(shown) + 8] = "";
	bool ok, named, guess = false;

	if (method == HS_KEY)
		ok = check_key(s, nick, key, err);
	else if (method == HS_PASSWORD)
		ok = check_password(s, peer, nick, password, &guess, err);
	else
		ok = (!s->authorized && !s->users) ||
		     refuse(err, logins_taken(s));
	named = strcmp(nick, "*") != 0;	/* "*": TLS, before any nick */
	if (ok && named && !keys_valid_nick(nick))
		ok = refuse(err, "not a valid nick");
	if (named) {
		safeprint_str(shown, sizeof(shown), nick,
			      strnlen(nick, HS_NICK_MAX));
		snprintf(as, sizeof(as), " as '%s'", shown);
	}
	if (ok && s->verbose)
		fprintf(stderr, "%s: %s login%s from %s\n", s->progname,
			names[method], as, peer);
	if (ok)
		return 0;
	fprintf(stderr, "%s: refused %s login%s from %s%s%s\n", s->progname,
		names[method], as, peer, err[0] ? ": " : "", err);
	if (guess)
		brake_count(&s->brake, peer, time(NULL));
	return ALERT_ACCESS_DENIED;
}

static void
on_keylog(void *ud, const uint8_t random[static 32], const char *name,
	  const uint8_t secret[static 32])
{
	struct server *s = ud;

	if (s->keylog)
		keylog_write(s->keylog, random, name, secret);
}

/* tls_opts.authorize: a certificate is a key login. A client without
 * one is anonymous: let in with neither file, as in the kit's protocol,
 * or with --users, to log in with PASS when it registers (check_login). */
static int
tls_authorize(void *ud, const char *peer, int method, const char *nick,
	      const uint8_t *key, const char *password)
{
	struct server *s = ud;

	/* With --users the login is its PASS, checked and logged then. */
	if (method == HS_ANONYMOUS && s->users)
		return 0;
	return authorize(ud, peer, method, nick, key, password);
}

/* chat_config.check_login (TLS mode with --users): IRC's PASS carries
 * the password of the nick being registered, as irssi and weechat send
 * it; the same check, log and brake as a password login. A client that
 * sent none is an anonymous one, which such a server refuses. */
static bool
check_login(void *ud, const char *host, const char *nick, const char *pass)
{
	return authorize(ud, host, pass ? HS_PASSWORD : HS_ANONYMOUS, nick,
			 NULL, pass) == 0;
}

static void
on_handshake(void *ud, double ms, const char *what)
{
	struct server *s = ud;

	if (s->verbose)
		fprintf(stderr, "%s: handshake in %.3f ms (%s)\n",
			s->progname, ms, what);
}

/* --tls: OpenSSL's TLS 1.3 with a certificate for the identity key. */
static void
setup_tls(struct server *s, struct chat_server_opts *opts,
	  const struct secure_cli *cli, struct tls_opts *tls)
{
	char suites[TLS_CLI_SUITES_LEN], err[KIT_ERRLEN];

	tls_cli_apply(cli, suites, &s->keylog);
	*tls = (struct tls_opts){ .server = true, .authorize = tls_authorize,
				  .on_handshake = on_handshake,
				  .keylog = s->keylog, .ud = s };
	if (tls_opts_init(tls, s->id, "secure-chat server", !s->authorized ?
			  TLS_CERT_NONE : s->users ? TLS_CERT_ASK :
			  TLS_CERT_REQUIRE, suites[0] ? suites : NULL, err) < 0)
		kit_die("%s", err);
	if (s->users) {
		opts->chat.check_login = check_login;
		opts->chat.check_login_ud = s;
	}
	if (opts->port == default_port)	/* no --port given */
		opts->port = TLS_CLI_PORT;
	opts->wrap = tls_transport_wrap;
	opts->wrap_ctx = tls;
	opts->refusal = tls_transport_refusal;
}

/* What a client that pins the certificate rather than the key wants
 * (weechat's tls_fingerprint, without the colons). */
static void
log_certificate(const struct server *s, const struct tls_opts *tls)
{
	char fp[TLS_CERT_FP_LEN];

	if (tls_cert_fingerprint(SSL_CTX_get0_certificate(tls->ctx), fp) == 0)
		fprintf(stderr, "%s: TLS certificate SHA-256 %s\n", s->progname,
			fp);
}

/* The kit's own protocol (docs/PROTOCOL.md). */
static void
setup_secure(struct server *s, struct chat_server_opts *opts,
	     const struct secure_cli *cli, struct secure_opts *sec,
	     uint8_t suites[static 2])
{
	secure_cli_apply(cli, sec, suites, &s->keylog);
	sec->hs.server = true;
	sec->hs.identity = s->pub;
	sec->hs.sign = sign;
	sec->hs.verify = keys_verify;
	sec->hs.authorize = authorize;
	sec->hs.keylog = s->keylog ? on_keylog : NULL;
	sec->hs.ud = s;
	sec->on_handshake = on_handshake;
	opts->wrap = secure_transport_wrap;
	opts->wrap_ctx = sec;
	opts->refusal = secure_transport_refusal;
}

/* --users: readable and well formed now, and not left open to others
 * (its scrypt hashes can be guessed at offline, a line added). */
static void
check_users_file(const char *path)
{
	char err[KIT_ERRLEN];
	struct stat st;
	int r = passwords_check_file(path, err);

	if (r == KIT_ESYS && errno == ENOENT)
		kit_die("--users %s: %s (secure-keys adduser %s NICK makes it)",
			path, strerror(errno), path);
	if (r < 0)
		kit_die("--users: %s", err);
	if (stat(path, &st) == 0)
		keys_warn_if_open("--users ", path, st.st_mode);
}

/* Public keys may be read by anyone; whoever may write the file may let
 * in any nick. */
static void
check_authorized_file(const char *path)
{
	struct stat st;

	if (stat(path, &st) == 0 && (st.st_mode & 0022))
		kit_warn("--authorized-keys %s can be written by others, who "
			 "could add a key for any nick: chmod go-w %s", path,
			 path);
}

static void
load_credentials(struct server *s, const char *key, const char *authorized)
{
	char err[KIT_ERRLEN];

	if (!key)
		kit_usage_error("--key NAME.key is required (make one with "
				"secure-keys gen NAME)");
	if (keys_load_private(key, &s->id, err) < 0)
		kit_die("%s", err);
	keys_public(s->id, s->pub);
	if (authorized && keys_authorized_load(authorized, &s->authorized,
					       err) < 0)
		kit_die("--authorized-keys: %s", err);
	if (authorized)
		check_authorized_file(authorized);
	/* Read at every password login, so that adduser takes effect at
	 * once; a file that cannot be read, or is malformed, now is a typo
	 * to report now. */
	if (s->users)
		check_users_file(s->users);
}

int
main(int argc, char **argv)
{
	static struct server s;
	struct chat_server_opts opts;
	struct secure_opts sec = { 0 };
	struct secure_cli cli = { 0 };
	struct tls_opts tls = { 0 };
	const char *key = NULL, *authorized = NULL, *tls_on = NULL;
	struct extra_opt extra[] = {
		{ "key", true, &key, "  --key NAME.key         the server's identity (secure-keys gen)\n" },
		{ "authorized-keys", true, &authorized, "  --authorized-keys FILE clients allowed by key: NICK kit-ed25519 BASE64\n" },
		{ "users", true, &s.users, "  --users FILE           clients allowed by password (secure-keys adduser)\n" },
		SECURE_CLI_OPTS(cli),
		{ "tls", false, &tls_on, TLS_CLI_HELP },
	};
	uint8_t suites[2];
	char err[KIT_ERRLEN], fp[KEYS_FP_LEN];

	kit_set_progname(argv[0]);
	server_opts_parse(&opts, argc, argv, default_port, extra,
			  sizeof(extra) / sizeof(extra[0]));
	s.progname = opts.progname;
	s.verbose = opts.verbose;
	brake_init(&s.brake, stderr, s.progname);
	load_credentials(&s, key, authorized);
	if (tls_on)
		setup_tls(&s, &opts, &cli, &tls);
	else
		setup_secure(&s, &opts, &cli, &sec, suites);
	if (keys_fingerprint(s.pub, fp, err) == 0)
		fprintf(stderr, "%s: identity %s\n", s.progname, fp);
	if (tls_on)
		log_certificate(&s, &tls);
	if (chat_server_run(&opts, err) < 0)
		kit_die("%s", err);
	server_opts_free(&opts);
	tls_opts_free(&tls);
	keys_authorized_free(s.authorized);
	keys_free(s.id);
	hs_wipe_thread_keys();
	if (s.keylog)
		fclose(s.keylog);
	return 0;
}
