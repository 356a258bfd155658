/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-json-highlight"

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "volley-json-highlight.h"

/* Each tag toggles the buffer's B-tree: 1 MiB of pretty JSON takes 0.4 s
 * to tag, which would freeze the pane. Past this, the text stays plain;
 * the start, which the pane shows first, is coloured. */
#define MAX_HIGHLIGHT_BYTES (128 * 1024)

typedef enum
{
  TOKEN_KEY,
  TOKEN_STRING,
  TOKEN_NUMBER,
  TOKEN_LITERAL,
  TOKEN_PUNCTUATION,
  N_TOKENS,
  TOKEN_NONE = N_TOKENS,
} TokenKind;

/* The GNOME palette: the darkest shades on light backgrounds, the lightest
 * on dark ones. Punctuation takes libadwaita's text colour at its
 * dim-label opacity (0.55): black at 0.8 on light, white on dark. */
static const struct
{
  const char *tag;
  const char *light;
  const char *dark;
} token_styles[N_TOKENS] = {
  [TOKEN_KEY] = { VOLLEY_JSON_TAG_KEY, "#1a5fb4", "#99c1f1" },          /* blue 5, 1 */
  [TOKEN_STRING] = { VOLLEY_JSON_TAG_STRING, "#26a269", "#8ff0a4" },    /* green 5, 1 */
  [TOKEN_NUMBER] = { VOLLEY_JSON_TAG_NUMBER, "#c64600", "#ffbe6f" },    /* orange 5, 1 */
  [TOKEN_LITERAL] = { VOLLEY_JSON_TAG_LITERAL, "#813d9c", "#dc8add" },  /* purple 4, 1 */
  [TOKEN_PUNCTUATION] = { VOLLEY_JSON_TAG_PUNCTUATION,
                          "rgba(0,0,0,0.44)", "rgba(255,255,255,0.55)" },
};

/* Walks the text and the buffer together, so that each tag costs only the
 * characters between two tokens. */
typedef struct
{
  GtkTextBuffer   *buffer;
  GtkTextTagTable *table;
  const char      *at_text;
  GtkTextIter      at;
} Walk;

/* Tags */

static void
update_colors (GtkTextTagTable *table)
{
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());

  for (guint i = 0; i < N_TOKENS; i++)
    {
      GtkTextTag *tag = gtk_text_tag_table_lookup (table, token_styles[i].tag);
      GdkRGBA color;

      gdk_rgba_parse (&color, dark ? token_styles[i].dark : token_styles[i].light);
      g_object_set (tag, "foreground-rgba", &color, NULL);
    }
}

static void
dark_changed_cb (GtkTextTagTable *table)
{
  update_colors (table);
}

static void
ensure_tags (GtkTextBuffer *buffer)
{
  GtkTextTagTable *table = gtk_text_buffer_get_tag_table (buffer);

  if (gtk_text_tag_table_lookup (table, VOLLEY_JSON_TAG_KEY) != NULL)
    return;

  for (guint i = 0; i < N_TOKENS; i++)
    gtk_text_buffer_create_tag (buffer, token_styles[i].tag, NULL);
  update_colors (table);

  /* Disconnected when the table goes: a closed pane leaves no handler. */
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (dark_changed_cb), table, G_CONNECT_SWAPPED);
}

static void
remove_tags (GtkTextBuffer     *buffer,
             const GtkTextIter *start,
             const GtkTextIter *end)
{
  GtkTextTagTable *table = gtk_text_buffer_get_tag_table (buffer);

  for (guint i = 0; i < N_TOKENS; i++)
    gtk_text_buffer_remove_tag (buffer, gtk_text_tag_table_lookup (table, token_styles[i].tag),
                                start, end);
}

/* Tokens */

static const char *
skip_blanks (const char *p,
             const char *end)
{
  while (p < end && g_ascii_isspace (*p))
    p++;

  return p;
}

/* From the opening quote to past the closing one (or the end). */
static const char *
scan_string (const char *p,
             const char *end)
{
  for (p++; p < end && *p != '"'; p++)
    if (*p == '\\' && p + 1 < end)
      p++;

  return p < end ? p + 1 : end;
}

static const char *
scan_number (const char *p,
             const char *end)
{
  while (p < end && (g_ascii_isdigit (*p) || strchr ("+-.eE", *p) != NULL))
    p++;

  return p;
}

static const char *
scan_word (const char *p,
           const char *end)
{
  while (p < end && g_ascii_isalnum (*p))
    p++;

  return p;
}

/* A string is a key when a colon follows it. */
static TokenKind
string_kind (const char *string_end,
             const char *end)
{
  const char *next = skip_blanks (string_end, end);

  return next < end && *next == ':' ? TOKEN_KEY : TOKEN_STRING;
}

static gboolean
is_literal (const char *p,
            gsize       length)
{
  return (length == 4 && (strncmp (p, "true", 4) == 0 || strncmp (p, "null", 4) == 0)) ||
         (length == 5 && strncmp (p, "false", 5) == 0);
}

/* The token that starts at @p (before @end, not a blank), and in
 * @token_end where it ends, past @p; TOKEN_NONE for what is not JSON. */
static TokenKind
scan_token (const char  *p,
            const char  *end,
            const char **token_end)
{
  *token_end = p + 1;

  if (*p == '"')
    {
      *token_end = scan_string (p, end);
      return string_kind (*token_end, end);
    }
  if (strchr ("{}[],:", *p) != NULL)
    return TOKEN_PUNCTUATION;
  if (*p == '-' || g_ascii_isdigit (*p))
    {
      *token_end = scan_number (p, end);
      return TOKEN_NUMBER;
    }
  if (g_ascii_isalpha (*p))
    {
      *token_end = scan_word (p, end);
      return is_literal (p, *token_end - p) ? TOKEN_LITERAL : TOKEN_NONE;
    }

  return TOKEN_NONE;
}

static void
walk_to (Walk       *walk,
         const char *text)
{
  gtk_text_iter_forward_chars (&walk->at, g_utf8_strlen (walk->at_text, text - walk->at_text));
  walk->at_text = text;
}

static void
walk_tag (Walk       *walk,
          TokenKind   kind,
          const char *start,
          const char *end)
{
  GtkTextTag *tag = gtk_text_tag_table_lookup (walk->table, token_styles[kind].tag);
  GtkTextIter token_start;

  walk_to (walk, start);
  token_start = walk->at;
  walk_to (walk, end);
  gtk_text_buffer_apply_tag (walk->buffer, tag, &token_start, &walk->at);
}

/**
 * volley_json_highlight_apply:
 * @buffer: a text buffer
 * @start: where the JSON starts in @buffer
 * @end: where it ends
 *
 * Tags the tokens of the JSON between @start and @end, replacing the tags
 * of an earlier call there. Meant for valid JSON, such as json_to_string()
 * writes; in other text, what looks like JSON is tagged and the rest left
 * alone. The tokens that start past the first 128 KiB stay plain.
 */
void
volley_json_highlight_apply (GtkTextBuffer     *buffer,
                             const GtkTextIter *start,
                             const GtkTextIter *end)
{
  g_autofree char *text = NULL;
  const char *text_end;
  const char *p;
  Walk walk;

  g_return_if_fail (GTK_IS_TEXT_BUFFER (buffer));
  g_return_if_fail (start != NULL);
  g_return_if_fail (end != NULL);
  g_return_if_fail (gtk_text_iter_get_buffer (start) == buffer);
  g_return_if_fail (gtk_text_iter_get_buffer (end) == buffer);

  ensure_tags (buffer);
  remove_tags (buffer, start, end);

  /* A slice keeps a character for each embedded object: offsets match. */
  text = gtk_text_iter_get_slice (start, end);
  walk = (Walk) { buffer, gtk_text_buffer_get_tag_table (buffer), text, *start };

  text_end = text + strlen (text);
  for (p = skip_blanks (text, text_end);
       p < text_end && p - text < MAX_HIGHLIGHT_BYTES;
       p = skip_blanks (p, text_end))
    {
      const char *token_end;
      TokenKind kind = scan_token (p, text_end, &token_end);

      if (kind != TOKEN_NONE)
        walk_tag (&walk, kind, p, token_end);
      p = token_end;
    }
}
