/*
 * check_mta_lint.c - filters/config/mta_lint.c and filters/config/perms.c: a row is what
 * postconf (or sendmail.cf) says, doorman's socket, and the warnings it
 * must give, in order; a perms row is a file's owner, group and mode and
 * whether a user may write it.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mta_lint.h"
#include "perms.h"

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

#define STOCK_MASTER "smtp       inet  n       -       y       -       -       smtpd\n" \
	"pickup     unix  n       -       y       60      1       pickup\n"
#define NOCHROOT_MASTER "smtp       inet  n       -       n       -       -       smtpd\n"
#define MAIN(milters, action, proto) "queue_directory = /var/spool/postfix\nsmtpd_milters = " milters "\n" \
	"milter_default_action = " action "\nmilter_protocol = " proto "\nmail_owner = postfix\n"
#define SPOOL_SOCK "unix:/var/spool/postfix/doorman/doorman.sock"

struct pf_row {
	const char *name, *master, *main_cf, *sock;
	int can_write;
	const char *want[3];              /* substrings of the warnings, in order; NULL: fewer */
};

static const struct pf_row pf_rows[] = {
	{ "stock Debian, README's lines: nothing to say", STOCK_MASTER,
	  MAIN("unix:/doorman/doorman.sock", "tempfail", "6"), SPOOL_SOCK, 1, { NULL } },
	{ "the relative form is fine too", STOCK_MASTER, MAIN("unix:doorman/doorman.sock", "tempfail", "6"),
	  SPOOL_SOCK, 1, { NULL } },
	{ "grouped with settings (Postfix 3)", STOCK_MASTER,
	  MAIN("{ unix:/doorman/doorman.sock, default_action = tempfail }", "tempfail", "6"), SPOOL_SOCK, 1, { NULL } },
	{ "issue 18: chrooted smtpd, socket under /run", STOCK_MASTER,
	  MAIN("unix:/run/doorman/doorman.sock", "tempfail", "6"), "unix:/run/doorman/doorman.sock", -1,
	  { "Postfix runs smtpd chrooted in /var/spool/postfix (master.cf: smtp inet n - y - - smtpd), where the "
	    "socket unix:/run/doorman/doorman.sock is out of sight", NULL } },
	{ "the fix the warning names", STOCK_MASTER, MAIN("", "tempfail", "6"), SPOOL_SOCK, -1,
	  { "smtpd_milters is empty: no mail reaches doorman; set smtpd_milters = unix:/doorman/doorman.sock", NULL } },
	{ "no chroot: the full path", NOCHROOT_MASTER, MAIN("unix:/run/doorman/doorman.sock", "tempfail", "6"),
	  "unix:/run/doorman/doorman.sock", 1, { NULL } },
	{ "no chroot, another milter only", NOCHROOT_MASTER, MAIN("inet:localhost:8891", "tempfail", "6"),
	  "unix:/run/doorman/doorman.sock", 1,
	  { "smtpd_milters = inet:localhost:8891 does not name doorman's socket: set smtpd_milters = "
	    "inet:localhost:8891, unix:/run/doorman/doorman.sock", NULL } },
	{ "inet socket: Postfix's own syntax", STOCK_MASTER, MAIN("inet:127.0.0.1:8898", "tempfail", "6"),
	  "inet:8898@127.0.0.1", -1, { NULL } },
	{ "inet socket named libmilter's way", STOCK_MASTER, MAIN("inet:8898@127.0.0.1", "tempfail", "6"),
	  "inet:8898@127.0.0.1", -1, { "set smtpd_milters = inet:8898@127.0.0.1, inet:127.0.0.1:8898", NULL } },
	{ "a socket Postfix cannot write", STOCK_MASTER, MAIN("unix:/doorman/doorman.sock", "tempfail", "6"),
	  SPOOL_SOCK, 0, { "Postfix's user postfix cannot connect to " SPOOL_SOCK " (why)", NULL } },
	{ "fail-open", STOCK_MASTER, MAIN("unix:/doorman/doorman.sock", "accept", "6"), SPOOL_SOCK, 1,
	  { "milter_default_action = accept: when doorman is down or too slow, mail passes unchecked (fail-open); "
	    "set milter_default_action = tempfail", NULL } },
	{ "an old protocol", STOCK_MASTER, MAIN("unix:/doorman/doorman.sock", "tempfail", "2"), SPOOL_SOCK, 1,
	  { "milter_protocol = 2: doorman speaks 6", NULL } },
	{ "everything at once", STOCK_MASTER, MAIN("", "accept", "4"), "unix:/run/doorman/doorman.sock", 0,
	  { "chrooted", "cannot connect", "fail-open" } },
};

static char said[4][1600];
static int nsaid;

static void collect(void *user, const char *text)
{
	(void)user;
	if (nsaid < 4)
		snprintf(said[nsaid], sizeof(said[nsaid]), "%s", text);
	nsaid++;
}

static int expected(const char *const *want, int max)
{
	int i = 0;

	while (i < max && want[i] != NULL)
		i++;
	return i;
}

START_TEST(test_postfix)
{
	const struct pf_row *r = &pf_rows[_i];
	struct dm_postfix pf;
	int n, i, want = expected(r->want, 3);

	memset(&pf, 0, sizeof(pf));
	dm_postfix_parse_master(r->master, &pf);
	dm_postfix_parse_main(r->main_cf, &pf);
	nsaid = 0;
	n = dm_postfix_lint(&pf, r->sock, r->can_write, "why", collect, NULL);
	ck_assert_msg(n == nsaid, "%s: returned %d, said %d", r->name, n, nsaid);
	ck_assert_msg(n >= want && (want == 3 || n == want), "%s: %d warnings, want %d (first: %s)", r->name, n, want,
	              n > 0 ? said[0] : "-");
	for (i = 0; i < want; i++)
		ck_assert_msg(strstr(said[i], r->want[i]) != NULL, "%s: '%s' lacks '%s'", r->name, said[i], r->want[i]);
}
END_TEST

START_TEST(test_postfix_parse)
{
	struct dm_postfix pf;

	memset(&pf, 0, sizeof(pf));
	dm_postfix_parse_master("# comment y smtpd\nsubmission inet n - y - - smtpd -o smtpd_tls_security_level=encrypt\n",
	                        &pf);
	ck_assert_int_eq(pf.chrooted, 1);
	ck_assert_str_eq(pf.chroot_service, "submission inet n - y - - smtpd -o smtpd_tls_security_level=encrypt");
	dm_postfix_parse_main("mail_owner = mailer \nmilter_protocol = 6\nsmtpd_milters =\n", &pf);
	ck_assert_str_eq(pf.mail_owner, "mailer");
	ck_assert_int_eq(pf.protocol, 6);
	ck_assert_str_eq(pf.smtpd_milters, "");
	memset(&pf, 0, sizeof(pf));
	dm_postfix_parse_master("smtp inet n - - - - smtpd\npostscreen-like inet n - y - 1 postscreen\n", &pf);
	ck_assert_int_eq(pf.chrooted, 0);
}
END_TEST

struct sm_row {
	const char *name, *cf, *sock, *want;   /* want NULL: no warning */
};

static const struct sm_row sm_rows[] = {
	{ "F=T", "O QueueDirectory=/q\nXdoorman, S=unix:/run/doorman/doorman.sock, F=T, T=S:10s;R:60s\n",
	  "unix:/run/doorman/doorman.sock", NULL },
	{ "F=R, local:", "Xdoorman, S=local:/run/d.sock, F=R\n", "unix:/run/d.sock", NULL },
	{ "no F=: fail-open", "Xdoorman, S=unix:/run/d.sock, T=S:10s\n", "unix:/run/d.sock",
	  "sendmail.cf: Xdoorman, S=unix:/run/d.sock, T=S:10s: no F=T" },
	{ "another filter only", "Xother, S=inet:8891@localhost, F=T\n", "unix:/run/d.sock",
	  "sendmail.cf names no filter on unix:/run/d.sock: no mail reaches doorman; add "
	  "INPUT_MAIL_FILTER(`doorman', `S=unix:/run/d.sock, F=T')" },
	{ "not an X line", "# Xdoorman, S=unix:/run/d.sock, F=T\n", "unix:/run/d.sock", "names no filter" },
};

START_TEST(test_sendmail)
{
	const struct sm_row *r = &sm_rows[_i];
	int n;

	nsaid = 0;
	n = dm_sendmail_lint(r->cf, r->sock, collect, NULL);
	ck_assert_msg(n == (r->want != NULL) && nsaid == n, "%s: %d warnings", r->name, n);
	if (r->want != NULL)
		ck_assert_msg(strstr(said[0], r->want) != NULL, "%s: '%s' lacks '%s'", r->name, said[0], r->want);
}
END_TEST

struct perm_row {
	const char *name;
	unsigned mode;
	uid_t owner;
	gid_t group, ugroups[2];
	uid_t uid;
	unsigned want;
	int allowed;
};

static const struct perm_row perm_rows[] = {
	{ "owner writes", 0644, 100, 100, { 100, 100 }, 100, 2, 1 },
	{ "another user cannot", 0644, 0, 0, { 100, 100 }, 100, 2, 0 },
	{ "group-writable, user in the group", 0664, 0, 7, { 100, 7 }, 100, 2, 1 },
	{ "group-writable, user not in it", 0664, 0, 7, { 100, 100 }, 100, 2, 0 },
	{ "anybody", 0666, 0, 0, { 100, 100 }, 100, 2, 1 },
	{ "owner without the bit, others with it: no", 0466, 100, 0, { 100, 100 }, 100, 2, 0 },
	{ "root may", 0400, 5, 5, { 0, 0 }, 0, 2, 1 },
	{ "socket 0660 of doorman:postfix, postfix's primary group", 0660, 101, 102, { 102, 102 }, 102, 2, 1 },
	{ "socket 0660 of doorman:doorman, postfix without the group", 0660, 101, 101, { 102, 102 }, 102, 2, 0 },
	{ "directory 0750, search by the group", 02750, 101, 102, { 102, 102 }, 102, 1, 1 },
	{ "directory 0750, no search for others", 0750, 101, 101, { 102, 102 }, 102, 1, 0 },
};

START_TEST(test_perms)
{
	const struct perm_row *r = &perm_rows[_i];

	ck_assert_msg(dm_perm_allows(r->mode, r->owner, r->group, r->uid, r->ugroups, 2, r->want) == r->allowed,
	              "%s", r->name);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("mta_lint");
	TCase *tp = tcase_create("postfix"), *tm = tcase_create("sendmail"), *tr = tcase_create("perms");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tp, test_postfix, 0, NROWS(pf_rows));
	tcase_add_test(tp, test_postfix_parse);
	tcase_add_loop_test(tm, test_sendmail, 0, NROWS(sm_rows));
	tcase_add_loop_test(tr, test_perms, 0, NROWS(perm_rows));
	suite_add_tcase(s, tp);
	suite_add_tcase(s, tm);
	suite_add_tcase(s, tr);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
