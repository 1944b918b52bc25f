/*
 * policydir.c - policy.d/: one policy file per recipient domain over
 * default.conf over the built-in defaults; and the lookup of a recipient
 * domain's policy.
 *
 * Does: reads default.conf, then every DOMAIN.conf in name order, each over
 * a copy of the default; refuses a file name that is not a domain and two
 * files for one domain; sorts the policies for a binary search.
 * Never: logs; a problem is an error naming the file (and line).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "hostname.h"
#include "mailaddr.h"

static int policy_cmp(const void *a, const void *b)
{
	const struct dm_policy *const *pa = a, *const *pb = b;

	return strcmp((*pa)->name, (*pb)->name);
}

/* "example.com.conf" -> "example.com"; NULL if the name is not a domain. */
static char *domain_of_file(const char *fname)
{
	size_t len = strlen(fname);
	char d[DM_HOSTNAME_MAX + 1];

	if (len <= 5 || strcmp(fname + len - 5, ".conf") != 0 || fname[len - 6] == '.')
		return NULL;
	/* the recipients' normalization: a UTF-8 file name stands for its A-label */
	if (dm_domain_normalize(fname, len - 5, d, sizeof(d), NULL) < 0)
		return NULL;
	return strdup(d);
}

static struct dm_policy *load_policy(const struct dm_policy *base, const char *name, const char *path,
                                     struct dm_errors *errs)
{
	struct dm_policy *pol;
	size_t len;
	char *text = dm_read_file(path, &len, errs);

	if (text == NULL)
		return NULL;
	pol = dm_policy_copy(base, name, path);
	if (pol == NULL) {
		dm_errors_add(errs, path, 0, "out of memory");
	} else {
		dm_policy_parse(pol, text, len, path, errs);
		dm_policy_finish(pol, errs);
	}
	free(text);
	return pol;
}

static int skip_entry(const char *n)
{
	size_t len = strlen(n);

	return n[0] == '.' || len <= 5 || strcmp(n + len - 5, ".conf") != 0;
}

void dm_policydir_load(struct dm_config *cfg, struct dm_errors *errs)
{
	char path[PATH_MAX];
	struct dm_policy *builtin;
	struct dirent **ents = NULL;
	int n, i;

	builtin = dm_policy_builtin();
	if (builtin == NULL) {
		dm_errors_add(errs, cfg->policy_dir, 0, "out of memory");
		return;
	}
	snprintf(path, sizeof(path), "%s/default.conf", cfg->policy_dir);
	if (access(path, F_OK) == 0) {
		cfg->def = load_policy(builtin, "default", path, errs);
		dm_policy_free(builtin);
	} else {
		cfg->def = builtin;
		dm_policy_finish(builtin, errs);
	}
	if (cfg->def == NULL)
		return;
	n = scandir(cfg->policy_dir, &ents, NULL, alphasort);
	if (n < 0) {
		if (errno != ENOENT || cfg->policy_dir_explicit)
			dm_errors_add(errs, cfg->policy_dir, 0, "cannot read policy directory: %s", strerror(errno));
		return;
	}
	cfg->policies = calloc((size_t)n + 1, sizeof(*cfg->policies));
	for (i = 0; i < n; i++) {
		const char *fn = ents[i]->d_name;
		char *domain;
		struct dm_policy *pol;

		if (cfg->policies == NULL || skip_entry(fn) || strcmp(fn, "default.conf") == 0) {
			free(ents[i]);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", cfg->policy_dir, fn);
		domain = domain_of_file(fn);
		if (domain == NULL) {
			dm_errors_add(errs, path, 0, "policy file name must be DOMAIN.conf or default.conf");
		} else {
			pol = load_policy(cfg->def, domain, path, errs);
			if (pol != NULL)
				cfg->policies[cfg->npolicies++] = pol;
			free(domain);
		}
		free(ents[i]);
	}
	free(ents);
	if (cfg->policies == NULL)
		dm_errors_add(errs, cfg->policy_dir, 0, "out of memory");
	else
		qsort(cfg->policies, cfg->npolicies, sizeof(*cfg->policies), policy_cmp);
	for (i = 1; cfg->policies != NULL && (size_t)i < cfg->npolicies; i++)
		if (strcmp(cfg->policies[i - 1]->name, cfg->policies[i]->name) == 0)
			dm_errors_add(errs, cfg->policies[i]->file, 0, "a second policy for %s (also in %s): keep one",
			              cfg->policies[i]->name, cfg->policies[i - 1]->file);
}

const struct dm_policy *dm_policy_for_domain(const struct dm_config *cfg, const char *domain)
{
	char d[256];
	const char *p;
	size_t len;

	if (domain == NULL || cfg->npolicies == 0)
		return cfg->def;
	len = strnlen(domain, sizeof(d));
	if (len == 0 || len >= sizeof(d))
		return cfg->def;
	memcpy(d, domain, len + 1);
	dm_lower(d);
	if (d[len - 1] == '.')
		d[len - 1] = '\0';
	for (p = d; p != NULL && *p; p = strchr(p, '.') ? strchr(p, '.') + 1 : NULL) {
		size_t lo = 0, hi = cfg->npolicies;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			int c = strcmp(p, cfg->policies[mid]->name);
			if (c == 0)
				return cfg->policies[mid];
			if (c < 0)
				hi = mid;
			else
				lo = mid + 1;
		}
	}
	return cfg->def;
}
