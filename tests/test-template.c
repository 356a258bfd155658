/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "volley-error.h"
#include "volley-key-value.h"
#include "volley-template.h"

#define UUID_PATTERN "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"

/* A scope as a VU would have it: its own generator, env and vars. */
typedef struct
{
  VolleyTemplateScope  scope;
  GRand               *rand;
  GHashTable          *vars;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->rand = g_rand_new_with_seed (42);
  fixture->vars = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  fixture->scope = (VolleyTemplateScope) {
    .vu = 3,
    .iter = 7,
    .seq = 11,
    .vars = fixture->vars,
    .rand = fixture->rand,
  };
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->vars, g_hash_table_unref);
  g_clear_pointer (&fixture->rand, g_rand_free);
}

static VolleyTemplate *
parse_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  VolleyTemplate *template = volley_template_parse (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (template);

  return template;
}

static char *
expand (const char                *text,
        const VolleyTemplateScope *scope)
{
  g_autoptr(VolleyTemplate) template = parse_ok (text);

  return volley_template_expand_to_string (template, scope);
}

static void
assert_expands (const VolleyTemplateScope *scope,
                const char                *text,
                const char                *expected)
{
  g_autofree char *result = expand (text, scope);

  g_assert_cmpstr (result, ==, expected);
}

static gint64
expand_int (const char                *text,
            const VolleyTemplateScope *scope)
{
  g_autofree char *result = expand (text, scope);
  gint64 value = 0;
  g_autoptr(GError) error = NULL;

  g_ascii_string_to_signed (result, 10, G_MININT64, G_MAXINT64, &value, &error);
  g_assert_no_error (error);

  return value;
}

static void
test_literal (Fixture       *fixture,
              gconstpointer  data)
{
  const char *texts[] = { "", "hello", "a } b }} c", "{\"a\":{\"b\":1}}", "{ {vu} }", "{x}}" };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(VolleyTemplate) template = parse_ok (texts[i]);
      g_autofree char *result = volley_template_expand_to_string (template, &fixture->scope);

      g_assert_true (volley_template_is_literal (template));
      g_assert_false (volley_template_uses_echo_url (template));
      g_assert_cmpstr (volley_template_get_source (template), ==, texts[i]);
      g_assert_cmpstr (result, ==, texts[i]);
    }
}

static void
test_not_literal (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(VolleyTemplate) template = parse_ok ("id {{vu}}");

  g_assert_false (volley_template_is_literal (template));
  g_assert_cmpstr (volley_template_get_source (template), ==, "id {{vu}}");
}

static void
test_vu (Fixture       *fixture,
         gconstpointer  data)
{
  assert_expands (&fixture->scope, "vu={{vu}}", "vu=3");
  fixture->scope.vu = G_MAXUINT;
  assert_expands (&fixture->scope, "{{vu}}", "4294967295");
}

static void
test_iter (Fixture       *fixture,
           gconstpointer  data)
{
  assert_expands (&fixture->scope, "{{iter}}.", "7.");
  fixture->scope.iter = 0;
  assert_expands (&fixture->scope, "{{iter}}", "0");
  fixture->scope.iter = G_MAXUINT64;
  assert_expands (&fixture->scope, "{{iter}}", "18446744073709551615");
}

static void
test_seq (Fixture       *fixture,
          gconstpointer  data)
{
  assert_expands (&fixture->scope, "#{{seq}}", "#11");
  fixture->scope.seq = 1234567890123;
  assert_expands (&fixture->scope, "#{{seq}}", "#1234567890123");
}

static void
test_time (Fixture       *fixture,
           gconstpointer  data)
{
  gint64 before = g_get_real_time () / 1000;
  gint64 value = expand_int ("{{time}}", &fixture->scope);
  gint64 after = g_get_real_time () / 1000;

  g_assert_cmpint (value, >=, before);
  g_assert_cmpint (value, <=, after);
}

static void
test_uuid (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(VolleyTemplate) template = parse_ok ("{{uuid}}");
  g_autofree char *first = volley_template_expand_to_string (template, &fixture->scope);
  g_autofree char *second = volley_template_expand_to_string (template, &fixture->scope);

  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *uuid = volley_template_expand_to_string (template, &fixture->scope);

      g_assert_true (g_regex_match_simple (UUID_PATTERN, uuid, 0, 0));
      g_assert_cmpint (uuid[14], ==, '4');
      g_assert_nonnull (strchr ("89ab", uuid[19]));
    }

  g_assert_cmpstr (first, !=, second);
}

static void
assert_random_range (Fixture    *fixture,
                     const char *text,
                     gint64      min,
                     gint64      max,
                     gboolean    expect_both_ends)
{
  g_autoptr(VolleyTemplate) template = parse_ok (text);
  g_autoptr(GString) out = g_string_new (NULL);
  gboolean saw_min = FALSE, saw_max = FALSE;

  for (guint i = 0; i < 10000; i++)
    {
      gint64 value = 0;

      g_string_truncate (out, 0);
      volley_template_expand (template, &fixture->scope, out);
      g_assert_true (g_ascii_string_to_signed (out->str, 10, min, max, &value, NULL));
      saw_min |= value == min;
      saw_max |= value == max;
    }

  if (expect_both_ends)
    {
      g_assert_true (saw_min);
      g_assert_true (saw_max);
    }
}

static void
test_random (Fixture       *fixture,
             gconstpointer  data)
{
  assert_random_range (fixture, "{{random 1 100}}", 1, 100, FALSE);
  assert_random_range (fixture, "{{random -3 3}}", -3, 3, TRUE);
  assert_random_range (fixture, "{{random 0 1}}", 0, 1, TRUE);
  assert_random_range (fixture, "{{random 7 7}}", 7, 7, TRUE);
  assert_random_range (fixture, "{{random -5 -5}}", -5, -5, TRUE);
}

static void
test_random_extremes (Fixture       *fixture,
                      gconstpointer  data)
{
  assert_random_range (fixture, "{{random 2147483646 2147483647}}",
                       G_MAXINT32 - 1, G_MAXINT32, TRUE);
  assert_random_range (fixture, "{{random -2147483648 -2147483647}}",
                       G_MININT32, G_MININT32 + 1, TRUE);
  assert_random_range (fixture, "{{random 2147483647 2147483647}}", G_MAXINT32, G_MAXINT32, TRUE);
  assert_random_range (fixture, "{{random -2147483648 2147483647}}", G_MININT32, G_MAXINT32, FALSE);
}

static void
test_env (Fixture       *fixture,
          gconstpointer  data)
{
  g_autofree char *set_name = g_strdup_printf ("VOLLEY_TEST_SET_%u", (guint) getpid ());
  g_autofree char *unset_name = g_strdup_printf ("VOLLEY_TEST_UNSET_%u", (guint) getpid ());
  g_autofree char *text = g_strdup_printf ("{{env.%s}}|{{env.%s}}|{{env.VOLLEY_TEST_MISSING}}|",
                                           set_name, unset_name);
  g_autoptr(GListStore) defaults = g_list_store_new (VOLLEY_TYPE_KEY_VALUE);
  g_autoptr(VolleyKeyValue) set_default = volley_key_value_new (set_name, "default");
  g_autoptr(VolleyKeyValue) unset_default = volley_key_value_new (unset_name, "fallback");
  g_autoptr(GHashTable) env = NULL;

  g_setenv (set_name, "from the process", TRUE);
  g_unsetenv (unset_name);
  g_list_store_append (defaults, set_default);
  g_list_store_append (defaults, unset_default);
  env = volley_template_build_env (G_LIST_MODEL (defaults));
  g_unsetenv (set_name);

  fixture->scope.env = env;
  assert_expands (&fixture->scope, text, "from the process|fallback||");

  fixture->scope.env = NULL;
  assert_expands (&fixture->scope, text, "|||");
}

static void
test_env_without_defaults (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GHashTable) env = volley_template_build_env (NULL);
  g_autoptr(GListStore) empty = g_list_store_new (VOLLEY_TYPE_KEY_VALUE);
  g_autoptr(GHashTable) env_from_empty = volley_template_build_env (G_LIST_MODEL (empty));

  /* Every process has a PATH; no default is needed to read it. */
  g_assert_nonnull (g_getenv ("PATH"));
  fixture->scope.env = env;
  assert_expands (&fixture->scope, "{{env.PATH}}", g_getenv ("PATH"));
  fixture->scope.env = env_from_empty;
  assert_expands (&fixture->scope, "{{ env.PATH }}", g_getenv ("PATH"));
}

static void
test_var (Fixture       *fixture,
          gconstpointer  data)
{
  g_hash_table_insert (fixture->vars, g_strdup ("token"), g_strdup ("abc123"));
  g_hash_table_insert (fixture->vars, g_strdup ("_n2"), g_strdup ("ü"));

  assert_expands (&fixture->scope, "{{var.token}}/{{var._n2}}/{{var.nope}}.", "abc123/ü/.");

  fixture->scope.vars = NULL;
  assert_expands (&fixture->scope, "{{var.token}}.", ".");
}

static void
test_echo_url (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(VolleyTemplate) template = parse_ok ("{{echo_url}}/chat");
  g_autofree char *without = NULL;
  g_autofree char *with = NULL;

  g_assert_true (volley_template_uses_echo_url (template));
  without = volley_template_expand_to_string (template, &fixture->scope);
  g_assert_cmpstr (without, ==, "/chat");

  fixture->scope.echo_url = "ws://127.0.0.1:40123";
  with = volley_template_expand_to_string (template, &fixture->scope);
  g_assert_cmpstr (with, ==, "ws://127.0.0.1:40123/chat");
}

static void
test_spaces (Fixture       *fixture,
             gconstpointer  data)
{
  assert_expands (&fixture->scope, "{{ vu }}|{{vu }}|{{\tvu}}|{{  iter  }}", "3|3|3|7");
  assert_expands (&fixture->scope, "{{ random  4   4 }}", "4");
  assert_expands (&fixture->scope, "{{ var.missing }}x", "x");
}

static void
test_adjacent (Fixture       *fixture,
               gconstpointer  data)
{
  assert_expands (&fixture->scope, "{{vu}}{{iter}}{{seq}}", "3711");
  assert_expands (&fixture->scope, "{\"vu\":{{vu}}}", "{\"vu\":3}");
  assert_expands (&fixture->scope, "{{{vu}}}", "{3}");
  assert_expands (&fixture->scope, "${{vu}}", "$3");
}

static void
test_utf8 (Fixture       *fixture,
           gconstpointer  data)
{
  assert_expands (&fixture->scope, "héllo {{vu}} — ✓ {{iter}}日本", "héllo 3 — ✓ 7日本");
}

static void
test_expand_appends (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(VolleyTemplate) template = parse_ok ("[{{vu}}]");
  g_autoptr(GString) out = g_string_new ("log: ");

  volley_template_expand (template, &fixture->scope, out);
  volley_template_expand (template, &fixture->scope, out);

  g_assert_cmpstr (out->str, ==, "log: [3][3]");
}

static void
assert_parse_error (const char *text,
                    const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VolleyTemplate) template = volley_template_parse (text, &error);

  g_assert_null (template);
  g_assert_error (error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, message);
}

#define EXPECTED "(expected vu, iter, seq, time, uuid, random A B, env.NAME, var.NAME or echo_url)"
#define TWO_INTEGERS "expected two integers, as in {{random 1 100}}"
#define BAD_NAME "is not a valid name (expected letters, digits and “_”, not starting with a digit)"

static void
test_errors (void)
{
  assert_parse_error ("hello {{foo}}", "unknown placeholder “{{foo}}” at column 7 " EXPECTED);
  assert_parse_error ("{{}}", "unknown placeholder “{{}}” at column 1 " EXPECTED);
  assert_parse_error ("{{ VU }}", "unknown placeholder “{{ VU }}” at column 1 " EXPECTED);
  assert_parse_error ("{{randomize}}", "unknown placeholder “{{randomize}}” at column 1 " EXPECTED);
  assert_parse_error ("{{ env }}", "unknown placeholder “{{ env }}” at column 1 " EXPECTED);
  assert_parse_error ("é€ {{x}}", "unknown placeholder “{{x}}” at column 4 " EXPECTED);
  assert_parse_error ("ab{{vu", "“{{” at column 3 is not closed by “}}”");
  assert_parse_error ("ab{{vu}", "“{{” at column 3 is not closed by “}}”");
  assert_parse_error ("{{vu}} {{ {{seq}}", "“{{” at column 8 is not closed by “}}”");
  assert_parse_error ("ü{{", "“{{” at column 2 is not closed by “}}”");
  assert_parse_error ("{{random 5 1}}",
                      "“{{random 5 1}}” at column 1: "
                      "the lower bound is greater than the upper bound");
  assert_parse_error ("x {{random}}", "“{{random}}” at column 3: " TWO_INTEGERS);
  assert_parse_error ("{{random 1}}", "“{{random 1}}” at column 1: " TWO_INTEGERS);
  assert_parse_error ("{{random 1 2 3}}", "“{{random 1 2 3}}” at column 1: " TWO_INTEGERS);
  assert_parse_error ("{{random a 5}}", "“{{random a 5}}” at column 1: " TWO_INTEGERS);
  assert_parse_error ("{{random 1.5 2}}", "“{{random 1.5 2}}” at column 1: " TWO_INTEGERS);
  assert_parse_error ("{{random 0 3000000000}}",
                      "“{{random 0 3000000000}}” at column 1: the bounds must be between "
                      "-2147483648 and 2147483647");
  assert_parse_error ("{{env.}}", "“{{env.}}” at column 1: “” " BAD_NAME);
  assert_parse_error ("{{env.1A}}", "“{{env.1A}}” at column 1: “1A” " BAD_NAME);
  assert_parse_error ("a{{var.a-b}}", "“{{var.a-b}}” at column 2: “a-b” " BAD_NAME);
  assert_parse_error ("{{env. HOME}}", "“{{env. HOME}}” at column 1: “ HOME” " BAD_NAME);
  assert_parse_error ("ab\xff", "invalid UTF-8 at column 3");
}

static void
assert_js (const char *text,
           const char *expected)
{
  g_autoptr(VolleyTemplate) template = parse_ok (text);
  g_autoptr(GString) out = g_string_new ("send(");

  volley_template_to_js (template, out);
  g_assert_cmpstr (out->str, ==, expected);
}

static void
test_to_js (void)
{
  assert_js ("", "send(``");
  assert_js ("hi", "send(`hi`");
  assert_js ("{{vu}}", "send(`${__VU}`");
  assert_js ("{{iter}}", "send(`${__ITER}`");
  assert_js ("{{seq}}", "send(`${seq}`");
  assert_js ("{{time}}", "send(`${Date.now()}`");
  assert_js ("{{uuid}}", "send(`${uuidv4()}`");
  assert_js ("{{random -5 10}}", "send(`${randomIntBetween(-5, 10)}`");
  assert_js ("{{env.API_KEY}}", "send(`${env('API_KEY')}`");
  assert_js ("{{var.token}}", "send(`${vars.token}`");
  assert_js ("{{echo_url}}/x", "send(`${__ENV.ECHO_URL}/x`");
  assert_js ("{\"vu\":{{ vu }},\"t\":\"ü\"}", "send(`{\"vu\":${__VU},\"t\":\"ü\"}`");
}

static void
test_to_js_escaping (void)
{
  assert_js ("a`b", "send(`a\\`b`");
  assert_js ("a\\b", "send(`a\\\\b`");
  assert_js ("${x}", "send(`\\${x}`");
  assert_js ("$x {x} $", "send(`$x {x} $`");
  assert_js ("${{vu}}", "send(`$${__VU}`");
  assert_js ("line 1\r\nline 2\n", "send(`line 1\\r\nline 2\n`");
}

static void
test_boxed (void)
{
  g_autoptr(VolleyTemplate) template = parse_ok ("{{vu}}");
  VolleyTemplate *copy = g_boxed_copy (VOLLEY_TYPE_TEMPLATE, template);

  g_assert_true (copy == template);
  g_boxed_free (VOLLEY_TYPE_TEMPLATE, copy);
  g_assert_cmpstr (volley_template_get_source (template), ==, "{{vu}}");
}

#define N_THREADS 8
#define N_EXPANSIONS 20000

typedef struct
{
  VolleyTemplate *template;
  guint           vu;
  guint           failures;
} ThreadData;

static gboolean
check_expansion (const char *text,
                 guint       vu,
                 guint64     seq)
{
  g_autofree char *prefix = g_strdup_printf ("{\"vu\":%u,\"seq\":%" G_GUINT64_FORMAT ",\"id\":\"",
                                             vu, seq);
  g_autofree char *suffix = g_strdup_printf ("\",\"who\":\"vu-%u\"}", vu);
  gsize length = strlen (text);
  g_autofree char *uuid = NULL;

  if (!g_str_has_prefix (text, prefix) || !g_str_has_suffix (text, suffix) ||
      length != strlen (prefix) + 36 + strlen (suffix))
    return FALSE;

  uuid = g_strndup (text + strlen (prefix), 36);
  return g_regex_match_simple (UUID_PATTERN, uuid, 0, 0);
}

static gpointer
expand_thread (gpointer user_data)
{
  ThreadData *data = user_data;
  g_autoptr(VolleyTemplate) template = volley_template_ref (data->template);
  g_autoptr(GHashTable) vars = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GString) out = g_string_new (NULL);
  GRand *rand = g_rand_new ();
  VolleyTemplateScope scope = { .vu = data->vu, .vars = vars, .rand = rand };

  g_hash_table_insert (vars, g_strdup ("who"), g_strdup_printf ("vu-%u", data->vu));

  for (scope.seq = 0; scope.seq < N_EXPANSIONS; scope.seq++)
    {
      g_string_truncate (out, 0);
      volley_template_expand (template, &scope, out);
      if (!check_expansion (out->str, data->vu, scope.seq))
        data->failures++;
    }

  g_rand_free (rand);

  return NULL;
}

static void
test_threads (void)
{
  VolleyTemplate *template = parse_ok ("{\"vu\":{{vu}},\"seq\":{{seq}},\"id\":\"{{uuid}}\","
                                       "\"who\":\"{{var.who}}\"}");
  ThreadData data[N_THREADS];
  GThread *threads[N_THREADS];

  for (guint i = 0; i < N_THREADS; i++)
    {
      data[i] = (ThreadData) { template, i + 1, 0 };
      threads[i] = g_thread_new ("vu", expand_thread, &data[i]);
    }

  /* The threads now hold the only other references. */
  for (guint i = 0; i < N_THREADS; i++)
    {
      g_thread_join (threads[i]);
      g_assert_cmpuint (data[i].failures, ==, 0);
    }

  volley_template_unref (template);
}

static void
add_fixture_test (const char *path,
                  void      (*test) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, NULL, fixture_set_up, test, fixture_tear_down);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  add_fixture_test ("/volley/engine/template/literal", test_literal);
  add_fixture_test ("/volley/engine/template/not-literal", test_not_literal);
  add_fixture_test ("/volley/engine/template/vu", test_vu);
  add_fixture_test ("/volley/engine/template/iter", test_iter);
  add_fixture_test ("/volley/engine/template/seq", test_seq);
  add_fixture_test ("/volley/engine/template/time", test_time);
  add_fixture_test ("/volley/engine/template/uuid", test_uuid);
  add_fixture_test ("/volley/engine/template/random", test_random);
  add_fixture_test ("/volley/engine/template/random-extremes", test_random_extremes);
  add_fixture_test ("/volley/engine/template/env", test_env);
  add_fixture_test ("/volley/engine/template/env-without-defaults", test_env_without_defaults);
  add_fixture_test ("/volley/engine/template/var", test_var);
  add_fixture_test ("/volley/engine/template/echo-url", test_echo_url);
  add_fixture_test ("/volley/engine/template/spaces", test_spaces);
  add_fixture_test ("/volley/engine/template/adjacent", test_adjacent);
  add_fixture_test ("/volley/engine/template/utf8", test_utf8);
  add_fixture_test ("/volley/engine/template/expand-appends", test_expand_appends);
  g_test_add_func ("/volley/engine/template/errors", test_errors);
  g_test_add_func ("/volley/engine/template/to-js", test_to_js);
  g_test_add_func ("/volley/engine/template/to-js-escaping", test_to_js_escaping);
  g_test_add_func ("/volley/engine/template/boxed", test_boxed);
  g_test_add_func ("/volley/engine/template/threads", test_threads);

  return g_test_run ();
}
