/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-form"

#include "config.h"

#include <string.h>

#include "volley-form.h"

/**
 * volley_form_problems_collect:
 * @profile: the profile being edited
 *
 * Returns: (transfer full): every problem of @profile, one a string, each
 *   starting with its location; empty when @profile is valid
 */
GStrv
volley_form_problems_collect (VolleyProfile *profile)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (VOLLEY_IS_PROFILE (profile), NULL);

  if (volley_profile_validate (profile, &error))
    return g_new0 (char *, 1);

  return g_strsplit (error->message, "\n", -1);
}

/* The message of a problem at @location exactly, or inside it (a deeper
 * location, such as `scenario.stages[0].duration` in `scenario.stages`). */
static const char *
find_problem (const char * const *problems,
              const char         *location,
              gboolean            within)
{
  gsize length = strlen (location);

  for (guint i = 0; problems != NULL && problems[i] != NULL; i++)
    {
      const char *problem = problems[i];
      char next;

      if (strncmp (problem, location, length) != 0)
        continue;

      next = problem[length];
      if (next == ':' && problem[length + 1] == ' ')
        return problem + length + 2;
      if (within && (next == '.' || next == '['))
        {
          const char *message = strstr (problem + length, ": ");

          if (message != NULL)
            return message + 2;
        }
    }

  return NULL;
}

/**
 * volley_form_problems_find:
 * @problems: (nullable): what volley_form_problems_collect() returned
 * @location: a location in the profile, such as `url`
 *
 * Returns: (nullable): the message of the first problem at @location
 */
const char *
volley_form_problems_find (const char * const *problems,
                           const char         *location)
{
  g_return_val_if_fail (location != NULL, NULL);

  return find_problem (problems, location, FALSE);
}

/**
 * volley_form_problems_find_within:
 * @problems: (nullable): what volley_form_problems_collect() returned
 * @location: a location in the profile, such as `params.subprotocols`
 *
 * Returns: (nullable): the message of the first problem at @location or
 *   anywhere inside it
 */
const char *
volley_form_problems_find_within (const char * const *problems,
                                  const char         *location)
{
  g_return_val_if_fail (location != NULL, NULL);

  return find_problem (problems, location, TRUE);
}

/**
 * volley_form_problem_sentence:
 * @message: an engine message, which starts in lower case because it
 *   follows a location in the command line's output
 *
 * Returns: (transfer full): @message as a sentence to show on its own
 */
char *
volley_form_problem_sentence (const char *message)
{
  g_return_val_if_fail (message != NULL, NULL);

  if (!g_ascii_islower (message[0]))
    return g_strdup (message);

  return g_strdup_printf ("%c%s", g_ascii_toupper (message[0]), message + 1);
}

/**
 * volley_form_show_problem:
 * @widget: the field (an entry, an entry row)
 * @indicator: (nullable): an icon next to the field that carries the
 *   message as its tooltip, shown only while there is a problem
 * @message: (nullable): the problem, or %NULL when the field is fine
 *
 * Marks @widget as invalid, for the eye (the error style) and for screen
 * readers (the invalid state, the message as its description).
 */
void
volley_form_show_problem (GtkWidget  *widget,
                          GtkWidget  *indicator,
                          const char *message)
{
  g_autofree char *sentence = NULL;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (indicator == NULL || GTK_IS_WIDGET (indicator));

  if (message == NULL)
    {
      gtk_widget_remove_css_class (widget, "error");
      gtk_accessible_reset_state (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_STATE_INVALID);
      gtk_accessible_reset_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
      if (indicator != NULL)
        gtk_widget_set_visible (indicator, FALSE);
      return;
    }

  sentence = volley_form_problem_sentence (message);
  gtk_widget_add_css_class (widget, "error");
  gtk_accessible_update_state (GTK_ACCESSIBLE (widget),
                               GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE,
                               -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, sentence,
                                  -1);
  if (indicator != NULL)
    {
      gtk_widget_set_tooltip_text (indicator, sentence);
      gtk_widget_set_visible (indicator, TRUE);
    }
}

/**
 * volley_form_duration_to_text:
 *
 * A #GBindingTransformFunc from a duration in milliseconds (a #guint64
 * property) to its k6 spelling, for the text of an editable.
 */
gboolean
volley_form_duration_to_text (GBinding     *binding,
                              const GValue *from_value,
                              GValue       *to_value,
                              gpointer      user_data)
{
  g_value_take_string (to_value, volley_duration_format (g_value_get_uint64 (from_value)));

  return TRUE;
}

/**
 * volley_form_text_to_duration:
 *
 * The reverse of volley_form_duration_to_text(): text that is not a
 * duration does not reach the model.
 */
gboolean
volley_form_text_to_duration (GBinding     *binding,
                              const GValue *from_value,
                              GValue       *to_value,
                              gpointer      user_data)
{
  const char *text = g_value_get_string (from_value);
  guint64 ms;

  if (text == NULL || !volley_duration_parse (text, &ms, NULL))
    return FALSE;

  g_value_set_uint64 (to_value, ms);

  return TRUE;
}

/**
 * volley_form_check_duration:
 * @editable: a duration field
 *
 * Returns: (transfer full) (nullable): why the text of @editable is not a
 *   duration, or %NULL if it is one
 */
char *
volley_form_check_duration (GtkEditable *editable)
{
  g_autoptr(GError) error = NULL;
  guint64 ms;

  g_return_val_if_fail (GTK_IS_EDITABLE (editable), NULL);

  if (volley_duration_parse (gtk_editable_get_text (editable), &ms, &error))
    return NULL;

  return g_strdup (error->message);
}
