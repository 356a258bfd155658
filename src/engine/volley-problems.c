/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-problems"

#include "config.h"

#include <string.h>

#include "volley-problems.h"

/* Longer words get no suggestion: no key or name is that long, and the
 * distance costs length × length. */
#define MAX_SUGGESTION_WORD 64
#define MAX_SUGGESTION_DISTANCE 2
/* Past this, a file is not worth reading on: the rest is counted. This also
 * keeps the bad locations few, as each check of them is linear. */
#define MAX_PROBLEMS 100

typedef struct
{
  VolleyError  code;
  char        *location;
  char        *message;
  guint        order;
  guint        sequence;
} Problem;

struct _VolleyProblems
{
  GPtrArray  *problems;
  GPtrArray  *bad_locations;
  GHashTable *visit_order;
  guint       n_visits;
  gboolean    dropped;
  gboolean    visiting;
};

static void
problem_free (gpointer data)
{
  Problem *problem = data;

  g_free (problem->location);
  g_free (problem->message);
  g_free (problem);
}

VolleyProblems *
volley_problems_new (void)
{
  VolleyProblems *self = g_new0 (VolleyProblems, 1);

  self->problems = g_ptr_array_new_with_free_func (problem_free);
  self->bad_locations = g_ptr_array_new_with_free_func (g_free);
  self->visit_order = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  return self;
}

void
volley_problems_free (VolleyProblems *self)
{
  if (self == NULL)
    return;

  g_ptr_array_unref (self->problems);
  g_ptr_array_unref (self->bad_locations);
  g_hash_table_unref (self->visit_order);
  g_free (self);
}

/* Records that the loader reached @location, in document order. Errors
 * added while visiting sort where the loader was when it found them. */
void
volley_problems_visit (VolleyProblems *self,
                       const char     *location)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (location != NULL);

  self->visiting = TRUE;
  if (g_hash_table_contains (self->visit_order, location))
    return;

  self->n_visits++;
  g_hash_table_insert (self->visit_order, g_strdup (location), GUINT_TO_POINTER (self->n_visits));
}

/* After this, errors sort by the visit order of their location, as the
 * validator's do. */
void
volley_problems_stop_visiting (VolleyProblems *self)
{
  g_return_if_fail (self != NULL);

  self->visiting = FALSE;
}

/* Whether @location is @ancestor or inside it: `a.b[2]` is inside `a.b`,
 * `a.bc` is not. */
static gboolean
location_is_within (const char *location,
                    const char *ancestor)
{
  gsize length = strlen (ancestor);

  if (strncmp (location, ancestor, length) != 0)
    return FALSE;

  return location[length] == '\0' || location[length] == '.' || location[length] == '[';
}

static gboolean
location_is_bad (VolleyProblems *self,
                 const char     *location)
{
  for (guint i = 0; i < self->bad_locations->len; i++)
    if (location_is_within (location, g_ptr_array_index (self->bad_locations, i)))
      return TRUE;

  return FALSE;
}

void
volley_problems_add (VolleyProblems *self,
                     VolleyError     code,
                     const char     *location,
                     const char     *format,
                     ...)
{
  g_autofree char *message = NULL;
  Problem *problem;
  va_list args;

  g_return_if_fail (self != NULL);
  g_return_if_fail (location != NULL);
  g_return_if_fail (format != NULL);

  if (location_is_bad (self, location))
    return;

  if (self->problems->len >= MAX_PROBLEMS)
    {
      self->dropped = TRUE;
      return;
    }

  problem = g_new0 (Problem, 1);
  problem->code = code;
  problem->location = g_utf8_make_valid (location, -1);
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  /* Messages of libraries may quote a user's text cut inside a character
   * (json-glib's JsonPath errors do). */
  problem->message = g_utf8_make_valid (message, -1);
  problem->order = self->visiting ? self->n_visits : 0;
  problem->sequence = self->problems->len;
  g_ptr_array_add (self->problems, problem);
}

void
volley_problems_mark_bad (VolleyProblems *self,
                          const char     *location)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (location != NULL);

  if (volley_problems_is_bad (self, location))
    return;

  g_ptr_array_add (self->bad_locations, g_strdup (location));
}

/* Whether @location is a bad location or inside one. Once the problems are
 * too many, everything is: no more are reported. */
gboolean
volley_problems_is_bad (VolleyProblems *self,
                        const char     *location)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (location != NULL, FALSE);

  return self->problems->len >= MAX_PROBLEMS || location_is_bad (self, location);
}

/* Whether @location or anything inside it is bad. */
gboolean
volley_problems_has_bad_within (VolleyProblems *self,
                                const char     *location)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (location != NULL, FALSE);

  if (self->problems->len >= MAX_PROBLEMS)
    return TRUE;

  for (guint i = 0; i < self->bad_locations->len; i++)
    if (location_is_within (g_ptr_array_index (self->bad_locations, i), location))
      return TRUE;

  return FALSE;
}

/* The visit order of @location, or of the nearest visited location that
 * contains it; last if none. */
static guint
lookup_order (VolleyProblems *self,
              const char     *location)
{
  g_autofree char *path = g_strdup (location);

  for (;;)
    {
      gpointer order = g_hash_table_lookup (self->visit_order, path);
      char *cut;

      if (order != NULL)
        return GPOINTER_TO_UINT (order);

      cut = MAX (strrchr (path, '.'), strrchr (path, '['));
      if (cut == NULL)
        return G_MAXUINT;
      *cut = '\0';
    }
}

static int
compare_problems (gconstpointer a,
                  gconstpointer b)
{
  const Problem *problem_a = *(const Problem * const *) a;
  const Problem *problem_b = *(const Problem * const *) b;

  if (problem_a->order != problem_b->order)
    return problem_a->order < problem_b->order ? -1 : 1;

  return problem_a->sequence < problem_b->sequence ? -1 : problem_a->sequence > problem_b->sequence;
}

/* Keeps a problem on one line whatever the user's text holds: a key with a
 * line break in it must not look like two problems. */
static void
append_one_line (GString    *out,
                 const char *text)
{
  for (const char *c = text; *c != '\0'; c++)
    {
      if (*c == '\n')
        g_string_append (out, "\\n");
      else if (*c == '\r')
        g_string_append (out, "\\r");
      else if ((guchar) *c < 0x20 || *c == 0x7f)
        g_string_append_printf (out, "\\u%04X", (guint) *c);
      else
        g_string_append_c (out, *c);
    }
}

/* Sets @error to every problem, one a line, in document order, with the
 * code of the first. Returns FALSE if there were any. */
gboolean
volley_problems_to_error (VolleyProblems  *self,
                          GError         **error)
{
  g_autoptr(GString) message = g_string_new (NULL);
  const Problem *first;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->problems->len == 0)
    return TRUE;

  for (guint i = 0; i < self->problems->len; i++)
    {
      Problem *problem = g_ptr_array_index (self->problems, i);

      if (problem->order == 0)
        problem->order = lookup_order (self, problem->location);
    }
  g_ptr_array_sort (self->problems, compare_problems);

  for (guint i = 0; i < self->problems->len; i++)
    {
      const Problem *problem = g_ptr_array_index (self->problems, i);

      if (i > 0)
        g_string_append_c (message, '\n');
      if (problem->location[0] != '\0')
        {
          append_one_line (message, problem->location);
          g_string_append (message, ": ");
        }
      append_one_line (message, problem->message);
    }

  /* Not a count: past the limit, what one mistake hides is no longer known. */
  if (self->dropped)
    g_string_append_printf (message, "\n… and more: only the first %d problems are shown",
                            MAX_PROBLEMS);

  first = g_ptr_array_index (self->problems, 0);
  g_set_error_literal (error, VOLLEY_ERROR, first->code, message->str);

  return FALSE;
}

char *
volley_location_child (const char *location,
                       const char *key)
{
  g_return_val_if_fail (location != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  if (location[0] == '\0')
    return g_strdup (key);

  return g_strconcat (location, ".", key, NULL);
}

char *
volley_location_index (const char *location,
                       guint       index)
{
  g_return_val_if_fail (location != NULL, NULL);

  return g_strdup_printf ("%s[%u]", location, index);
}

/* Levenshtein distance of two short strings. */
static guint
edit_distance (const char *a,
               const char *b)
{
  gsize length_a = strlen (a);
  gsize length_b = strlen (b);
  guint row[MAX_SUGGESTION_WORD + 1];

  g_assert (length_b <= MAX_SUGGESTION_WORD);

  for (gsize j = 0; j <= length_b; j++)
    row[j] = j;

  for (gsize i = 1; i <= length_a; i++)
    {
      guint diagonal = row[0];

      row[0] = i;
      for (gsize j = 1; j <= length_b; j++)
        {
          guint above = row[j];
          guint cost = a[i - 1] == b[j - 1] ? 0 : 1;

          row[j] = MIN (MIN (row[j] + 1, row[j - 1] + 1), diagonal + cost);
          diagonal = above;
        }
    }

  return row[length_b];
}

/* The candidate that @word is most likely a typo of: one that differs only
 * in case, else the closest within two edits (and fewer edits than @word
 * has characters, so that "x" does not suggest "ms"). NULL if none is. */
const char *
volley_did_you_mean (const char         *word,
                     const char * const *candidates,
                     gssize              n_candidates)
{
  const char *best = NULL;
  guint best_distance = MAX_SUGGESTION_DISTANCE + 1;
  gsize length;

  g_return_val_if_fail (word != NULL, NULL);
  g_return_val_if_fail (candidates != NULL || n_candidates == 0, NULL);

  length = strlen (word);
  if (length > MAX_SUGGESTION_WORD)
    return NULL;

  for (gsize i = 0; n_candidates < 0 ? candidates[i] != NULL : i < (gsize) n_candidates; i++)
    if (g_ascii_strcasecmp (word, candidates[i]) == 0)
      return candidates[i];

  for (gsize i = 0; n_candidates < 0 ? candidates[i] != NULL : i < (gsize) n_candidates; i++)
    {
      guint distance;

      if (strlen (candidates[i]) > MAX_SUGGESTION_WORD)
        continue;

      distance = edit_distance (word, candidates[i]);
      if (distance < best_distance && distance < length)
        {
          best = candidates[i];
          best_distance = distance;
        }
    }

  return best;
}
