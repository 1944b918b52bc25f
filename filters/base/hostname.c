/*
 * hostname.c - is this a host name? (see hostname.h for the rules)
 *
 * Does: one pass over the bytes, one over the labels; reports the first
 * problem and where it is.
 * Never: allocates, depends on the locale, or reads past len.
 */
#include "hostname.h"

static const char *const reasons[] = {
	[DM_HN_OK] = "",
	[DM_HN_EMPTY] = "empty name",
	[DM_HN_TOO_LONG] = "name longer than 255 characters",
	[DM_HN_NUL] = "NUL byte in name",
	[DM_HN_CONTROL] = "control character in name",
	[DM_HN_8BIT] = "non-ASCII byte in name",
	[DM_HN_CHAR] = "invalid character in name",
	[DM_HN_EMPTY_LABEL] = "empty label",
	[DM_HN_LONG_LABEL] = "label longer than 63 characters",
	[DM_HN_HYPHEN] = "label begins or ends with a hyphen",
	[DM_HN_NUMERIC_TLD] = "numeric TLD",
};

const char *dm_hostname_reason(enum dm_hostname_error e)
{
	return (unsigned)e < sizeof(reasons) / sizeof(reasons[0]) ? reasons[e] : "?";
}

static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

static enum dm_hostname_error byte_class(unsigned char c)
{
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
		return DM_HN_OK;
	if (is_digit(c) || c == '-' || c == '.' || c == '_')
		return DM_HN_OK;
	if (c == 0)
		return DM_HN_NUL;
	if (c < 0x20 || c == 0x7f)
		return DM_HN_CONTROL;
	return c >= 0x80 ? DM_HN_8BIT : DM_HN_CHAR;
}

static enum dm_hostname_error fail(enum dm_hostname_error e, size_t where, size_t *at)
{
	if (at != NULL)
		*at = where;
	return e;
}

enum dm_hostname_error dm_hostname_check(const char *s, size_t len, struct dm_hostname *h, size_t *at)
{
	size_t i, n, start = 0, last = 0, count = 0;
	enum dm_hostname_error e;

	if (len > DM_HOSTNAME_MAX)
		return fail(DM_HN_TOO_LONG, DM_HOSTNAME_MAX, at);
	for (i = 0; i < len; i++)
		if ((e = byte_class((unsigned char)s[i])) != DM_HN_OK)
			return fail(e, i, at);
	if (len == 0)
		return fail(DM_HN_EMPTY, 0, at);
	n = s[len - 1] == '.' ? len - 1 : len;        /* a lone dot: one empty label */
	for (i = 0; i <= n; i++) {
		if (i < n && s[i] != '.')
			continue;
		if (i == start)
			return fail(DM_HN_EMPTY_LABEL, i, at);
		if (i - start > DM_LABEL_MAX)
			return fail(DM_HN_LONG_LABEL, start, at);
		if (s[start] == '-' || s[i - 1] == '-')
			return fail(DM_HN_HYPHEN, start, at);
		last = start;
		count++;
		start = i + 1;
	}
	for (i = last; i < n && is_digit((unsigned char)s[i]); i++)
		;
	if (i == n)
		return fail(DM_HN_NUMERIC_TLD, last, at);
	if (h != NULL) {
		h->len = n;
		h->tld = last;
		h->nlabels = count;
	}
	return DM_HN_OK;
}
