/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-bench"

#include "config.h"

#include <stdlib.h>

#include "volley-template.h"

/* How long expanding a typical message template takes, the work a VU does
 * for every message it sends: run by hand, `bench/template-expand [N]`. */

#define MESSAGE \
  "{\"type\":\"say\",\"vu\":{{vu}},\"seq\":{{seq}},\"id\":\"{{uuid}}\",\"at\":{{time}}}"

static double
ns_per_expansion (VolleyTemplate      *template,
                  VolleyTemplateScope *scope,
                  guint64              n,
                  gsize               *total_length)
{
  g_autoptr(GString) out = g_string_sized_new (256);
  gint64 start = g_get_monotonic_time ();

  for (scope->seq = 0; scope->seq < n; scope->seq++)
    {
      g_string_truncate (out, 0);
      volley_template_expand (template, scope, out);
      *total_length += out->len;
    }

  return (g_get_monotonic_time () - start) * 1000.0 / n;
}

static double
ns_per_parse (guint64 n)
{
  gint64 start = g_get_monotonic_time ();

  for (guint64 i = 0; i < n; i++)
    volley_template_unref (volley_template_parse (MESSAGE, NULL));

  return (g_get_monotonic_time () - start) * 1000.0 / n;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(VolleyTemplate) template = volley_template_parse (MESSAGE, NULL);
  g_autoptr(GRand) rand = g_rand_new ();
  VolleyTemplateScope scope = { .vu = 17, .iter = 3, .rand = rand };
  guint64 n = argc > 1 ? g_ascii_strtoull (argv[1], NULL, 10) : 2000000;
  gsize total_length = 0;
  double expand_ns;

  if (n == 0)
    {
      g_printerr ("usage: %s [EXPANSIONS]\n", argv[0]);
      return EXIT_FAILURE;
    }

  ns_per_expansion (template, &scope, n / 10 + 1, &total_length);  /* warm up */
  expand_ns = ns_per_expansion (template, &scope, n, &total_length);

  g_print ("template: %s\n", MESSAGE);
  g_print ("expand:   %.1f ns per expansion (%" G_GUINT64_FORMAT " expansions, "
           "%.1f bytes on average)\n",
           expand_ns, n, (double) total_length / (n + n / 10 + 1));
  g_print ("parse:    %.1f ns per parse\n", ns_per_parse (n / 10 + 1));

  return EXIT_SUCCESS;
}
