/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>

#include "volley-json-highlight.h"

/* The details pane's JSON colours: which characters get which tag, and the
 * tags' colours in the light and the dark style. */

#define PREFIX "Received: {not JSON}\n\n"

/* What json_to_string() writes, with a string that holds escaped quotes,
 * braces, a colon and a comma. */
static const char pretty[] =
  "{\n"
  "  \"user\" : \"ada \\\"the\\\" {first}: a, b\",\n"
  "  \"n\" : -12.5e3,\n"
  "  \"ok\" : true,\n"
  "  \"none\" : null,\n"
  "  \"off\" : false,\n"
  "  \"list\" : [\n"
  "    1,\n"
  "    \"x\"\n"
  "  ]\n"
  "}";

static GtkTextBuffer *
highlighted_buffer_new (void)
{
  GtkTextBuffer *buffer = gtk_text_buffer_new (NULL);
  GtkTextIter start, end;

  gtk_text_buffer_set_text (buffer, PREFIX, -1);
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_insert (buffer, &end, pretty, -1);

  gtk_text_buffer_get_iter_at_offset (buffer, &start, g_utf8_strlen (PREFIX, -1));
  gtk_text_buffer_get_end_iter (buffer, &end);
  volley_json_highlight_apply (buffer, &start, &end);

  return buffer;
}

static GtkTextTag *
get_tag (GtkTextBuffer *buffer,
         const char    *name)
{
  GtkTextTag *tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), name);

  g_assert_nonnull (tag);
  return tag;
}

/* The @nth match of @text in the buffer (from 0). */
static void
find (GtkTextBuffer *buffer,
      const char    *text,
      guint          nth,
      GtkTextIter   *match_start,
      GtkTextIter   *match_end)
{
  GtkTextIter from;

  gtk_text_buffer_get_start_iter (buffer, &from);
  for (guint i = 0; i <= nth; i++)
    {
      if (!gtk_text_iter_forward_search (&from, text, GTK_TEXT_SEARCH_TEXT_ONLY,
                                         match_start, match_end, NULL))
        g_error ("“%s” is not in the buffer %u times", text, nth + 1);
      from = *match_end;
    }
}

/* Whether every character of the @nth “@text” has @tag_name. */
static gboolean
all_tagged (GtkTextBuffer *buffer,
            const char    *text,
            guint          nth,
            const char    *tag_name)
{
  GtkTextTag *tag = get_tag (buffer, tag_name);
  GtkTextIter iter, end;

  find (buffer, text, nth, &iter, &end);
  for (; !gtk_text_iter_equal (&iter, &end); gtk_text_iter_forward_char (&iter))
    if (!gtk_text_iter_has_tag (&iter, tag))
      return FALSE;

  return TRUE;
}

/* Whether no character of the @nth “@text” has @tag_name. */
static gboolean
none_tagged (GtkTextBuffer *buffer,
             const char    *text,
             guint          nth,
             const char    *tag_name)
{
  GtkTextTag *tag = get_tag (buffer, tag_name);
  GtkTextIter iter, end;

  find (buffer, text, nth, &iter, &end);
  for (; !gtk_text_iter_equal (&iter, &end); gtk_text_iter_forward_char (&iter))
    if (gtk_text_iter_has_tag (&iter, tag))
      return FALSE;

  return TRUE;
}

static gboolean
untagged (GtkTextBuffer *buffer,
          const char    *text,
          guint          nth)
{
  return none_tagged (buffer, text, nth, VOLLEY_JSON_TAG_KEY) &&
         none_tagged (buffer, text, nth, VOLLEY_JSON_TAG_STRING) &&
         none_tagged (buffer, text, nth, VOLLEY_JSON_TAG_NUMBER) &&
         none_tagged (buffer, text, nth, VOLLEY_JSON_TAG_LITERAL) &&
         none_tagged (buffer, text, nth, VOLLEY_JSON_TAG_PUNCTUATION);
}

/* Counting matches from 0: PREFIX holds the first “{”, “}” and “:”; the
 * string value the second “{” and “}”, the third “:” and the first “,”. */
static void
test_tokens (void)
{
  g_autoptr(GtkTextBuffer) buffer = highlighted_buffer_new ();
  const char *value = "\"ada \\\"the\\\" {first}: a, b\"";

  /* Keys, and string values, quotes included. */
  g_assert_true (all_tagged (buffer, "\"user\"", 0, VOLLEY_JSON_TAG_KEY));
  g_assert_true (none_tagged (buffer, "\"user\"", 0, VOLLEY_JSON_TAG_STRING));
  g_assert_true (all_tagged (buffer, "\"list\"", 0, VOLLEY_JSON_TAG_KEY));
  g_assert_true (all_tagged (buffer, value, 0, VOLLEY_JSON_TAG_STRING));
  g_assert_true (none_tagged (buffer, value, 0, VOLLEY_JSON_TAG_KEY));
  g_assert_true (none_tagged (buffer, value, 0, VOLLEY_JSON_TAG_PUNCTUATION));
  g_assert_true (all_tagged (buffer, "\"x\"", 0, VOLLEY_JSON_TAG_STRING));

  /* Numbers and literals. */
  g_assert_true (all_tagged (buffer, "-12.5e3", 0, VOLLEY_JSON_TAG_NUMBER));
  g_assert_true (all_tagged (buffer, "1", 1, VOLLEY_JSON_TAG_NUMBER));
  g_assert_true (all_tagged (buffer, "true", 0, VOLLEY_JSON_TAG_LITERAL));
  g_assert_true (all_tagged (buffer, "null", 0, VOLLEY_JSON_TAG_LITERAL));
  g_assert_true (all_tagged (buffer, "false", 0, VOLLEY_JSON_TAG_LITERAL));

  /* Punctuation is dimmed, and neither key nor string. */
  g_assert_true (all_tagged (buffer, "{", 1, VOLLEY_JSON_TAG_PUNCTUATION));
  g_assert_true (all_tagged (buffer, "}", 2, VOLLEY_JSON_TAG_PUNCTUATION));
  g_assert_true (all_tagged (buffer, ":", 1, VOLLEY_JSON_TAG_PUNCTUATION));
  g_assert_true (all_tagged (buffer, ",", 1, VOLLEY_JSON_TAG_PUNCTUATION));
  g_assert_true (all_tagged (buffer, "[", 0, VOLLEY_JSON_TAG_PUNCTUATION));
  g_assert_true (all_tagged (buffer, "]", 0, VOLLEY_JSON_TAG_PUNCTUATION));
  g_assert_true (none_tagged (buffer, ":", 1, VOLLEY_JSON_TAG_KEY));
  g_assert_true (none_tagged (buffer, ",", 1, VOLLEY_JSON_TAG_STRING));

  /* Blanks between tokens have no tag: the indent, the spaces around the
   * first key's colon (after two in PREFIX and two of indent). */
  g_assert_true (untagged (buffer, "\n  ", 0));
  g_assert_true (untagged (buffer, " ", 4));
  g_assert_true (untagged (buffer, " ", 5));
  g_assert_true (untagged (buffer, "\n    ", 0));

  /* Nothing outside the range. */
  g_assert_true (untagged (buffer, PREFIX, 0));
}

/* Highlighting again replaces the tags of the range: a literal that was
 * tagged as a key is a literal only. */
static void
test_again (void)
{
  g_autoptr(GtkTextBuffer) buffer = highlighted_buffer_new ();
  GtkTextIter start, end;

  find (buffer, "true", 0, &start, &end);
  gtk_text_buffer_apply_tag_by_name (buffer, VOLLEY_JSON_TAG_KEY, &start, &end);
  g_assert_true (all_tagged (buffer, "true", 0, VOLLEY_JSON_TAG_KEY));

  gtk_text_buffer_get_iter_at_offset (buffer, &start, g_utf8_strlen (PREFIX, -1));
  gtk_text_buffer_get_end_iter (buffer, &end);
  volley_json_highlight_apply (buffer, &start, &end);

  g_assert_true (none_tagged (buffer, "true", 0, VOLLEY_JSON_TAG_KEY));
  g_assert_true (all_tagged (buffer, "true", 0, VOLLEY_JSON_TAG_LITERAL));
  g_assert_true (all_tagged (buffer, "\"user\"", 0, VOLLEY_JSON_TAG_KEY));
}

static void
key_color (GtkTextBuffer *buffer,
           GdkRGBA       *color)
{
  g_autoptr(GdkRGBA) rgba = NULL;

  g_object_get (get_tag (buffer, VOLLEY_JSON_TAG_KEY), "foreground-rgba", &rgba, NULL);
  g_assert_nonnull (rgba);
  *color = *rgba;
}

static void
assert_color (const GdkRGBA *color,
              const char    *expected)
{
  GdkRGBA parsed;

  g_assert_true (gdk_rgba_parse (&parsed, expected));
  if (!gdk_rgba_equal (color, &parsed))
    g_error ("the colour is %s, not %s", gdk_rgba_to_string (color), expected);
}

/* The colours follow the style: dark blue on light, light blue on dark. */
static void
test_dark (void)
{
  AdwStyleManager *manager = adw_style_manager_get_default ();
  g_autoptr(GtkTextBuffer) buffer = NULL;
  GdkRGBA color;

  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_LIGHT);
  buffer = highlighted_buffer_new ();
  key_color (buffer, &color);
  assert_color (&color, "#1a5fb4");

  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_DARK);
  g_assert_true (adw_style_manager_get_dark (manager));
  key_color (buffer, &color);
  assert_color (&color, "#99c1f1");

  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_LIGHT);
  key_color (buffer, &color);
  assert_color (&color, "#1a5fb4");

  /* A buffer made in the dark style starts dark. */
  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_DARK);
  g_clear_object (&buffer);
  buffer = highlighted_buffer_new ();
  key_color (buffer, &color);
  assert_color (&color, "#99c1f1");

  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_DEFAULT);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();

  g_test_add_func ("/volley/app/json-highlight/tokens", test_tokens);
  g_test_add_func ("/volley/app/json-highlight/again", test_again);
  g_test_add_func ("/volley/app/json-highlight/dark", test_dark);

  return g_test_run ();
}
