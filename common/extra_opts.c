/* Extra long options merged into the shared command lines. */
#include <getopt.h>
#include <string.h>

#include "extra_opts.h"

bool
extra_opts_merge(const struct option *base, size_t nbase,
		 const struct extra_opt *extra, size_t nextra,
		 struct option *out)
{
	size_t i;

	if (nextra > EXTRA_OPT_MAX)
		return false;
	memcpy(out, base, nbase * sizeof(*base));
	for (i = 0; i < nextra; i++)
		out[nbase + i] = (struct option){
			extra[i].name,
			extra[i].has_arg ? required_argument : no_argument,
			NULL, EXTRA_OPT_BASE + (int)i,
		};
	out[nbase + nextra] = (struct option){ NULL, 0, NULL, 0 };
	return true;
}

bool
extra_opts_take(int ch, const struct extra_opt *extra, size_t nextra,
		const char *arg)
{
	size_t i = (size_t)(ch - EXTRA_OPT_BASE);

	if (ch < EXTRA_OPT_BASE || i >= nextra)
		return false;
	*extra[i].value = extra[i].has_arg ? arg : "1";
	return true;
}

void
extra_opts_usage(FILE *f, const struct extra_opt *extra, size_t nextra)
{
	size_t i;

	for (i = 0; i < nextra; i++)
		fputs(extra[i].help, f);
}
