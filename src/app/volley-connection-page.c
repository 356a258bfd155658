/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-connection-page"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "volley-connection-page.h"
#include "volley-enum-types.h"
#include "volley-form.h"
#include "volley-key-value-row.h"
#include "volley-problems.h"

/* The Connection page of the editor: the URL and k6's connect params, bound
 * to the profile's model so that every edit lands in it at once. The fields
 * show what the profile's validation says of them, refreshed after each
 * change to the profile. */

struct _VolleyConnectionPage
{
  AdwBin         parent_instance;

  /* Template widgets */
  GtkSwitch     *compression_switch;
  GtkListBox    *cookies_list;
  GtkSpinButton *handshake_timeout_spin;
  GtkListBox    *headers_list;
  GtkImage      *origin_problem_icon;
  AdwEntryRow   *origin_row;
  GtkImage      *skip_tls_icon;
  AdwActionRow  *skip_tls_row;
  GtkSwitch     *skip_tls_switch;
  GtkImage      *subprotocols_problem_icon;
  AdwEntryRow   *subprotocols_row;
  GtkListBox    *tags_list;
  GtkLabel      *url_hint_label;
  GtkImage      *url_problem_icon;
  AdwEntryRow   *url_row;
  GtkImage      *user_agent_problem_icon;
  AdwEntryRow   *user_agent_row;

  /* Owned */
  VolleyProfile *profile;
  GBindingGroup *profile_bindings;
  GBindingGroup *params_bindings;
  GSignalGroup  *profile_signals;
  guint          validate_source;
};

G_DEFINE_FINAL_TYPE (VolleyConnectionPage, volley_connection_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_PROFILE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GtkWidget *
volley_connection_page_new (void)
{
  return g_object_new (VOLLEY_TYPE_CONNECTION_PAGE, NULL);
}

/* Validation */

static void
volley_connection_page_show_url_problem (VolleyConnectionPage *self,
                                         const char           *problem)
{
  g_autofree char *sentence = problem != NULL ? volley_form_problem_sentence (problem) : NULL;

  volley_form_show_problem (GTK_WIDGET (self->url_row), GTK_WIDGET (self->url_problem_icon), problem);

  /* The hint makes way for the reason, in the same place. */
  if (sentence != NULL)
    {
      gtk_label_set_text (self->url_hint_label, sentence);
      gtk_widget_remove_css_class (GTK_WIDGET (self->url_hint_label), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (self->url_hint_label), "error");
    }
  else
    {
      gtk_label_set_text (self->url_hint_label,
                          _("A ws:// or wss:// address; placeholders such as {{echo_url}} or "
                            "{{vu}} are filled in for each connection."));
      gtk_widget_remove_css_class (GTK_WIDGET (self->url_hint_label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->url_hint_label), "dim-label");
    }
}

/* Tags are an object in the file, so their problems are located by name:
 * `params.tags.NAME` for a name given twice (the second one is the
 * problem), `params.tags` for an empty name. */
static void
volley_connection_page_show_tag_problems (VolleyConnectionPage *self,
                                          const char * const   *problems)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GtkListBoxRow *row;

  for (guint i = 0; (row = gtk_list_box_get_row_at_index (self->tags_list, i)) != NULL; i++)
    {
      VolleyKeyValue *tag = volley_key_value_row_get_pair (VOLLEY_KEY_VALUE_ROW (row));
      const char *name = volley_key_value_get_name (tag);
      g_autofree char *location = volley_location_child ("params.tags", name);
      const char *problem = NULL;

      if (name[0] == '\0')
        problem = volley_form_problems_find (problems, "params.tags");
      else if (!g_hash_table_add (seen, (gpointer) name))
        problem = volley_form_problems_find (problems, location);

      volley_key_value_row_set_problems (VOLLEY_KEY_VALUE_ROW (row), problem, NULL);
    }
}

/* Headers and cookies are arrays: `params.headers[2].name`. */
static void
volley_connection_page_show_list_problems (GtkListBox         *list,
                                           const char         *location,
                                           const char * const *problems)
{
  GtkListBoxRow *row;

  for (guint i = 0; (row = gtk_list_box_get_row_at_index (list, i)) != NULL; i++)
    {
      g_autofree char *item = volley_location_index (location, i);
      g_autofree char *name = volley_location_child (item, "name");
      g_autofree char *value = volley_location_child (item, "value");

      volley_key_value_row_set_problems (VOLLEY_KEY_VALUE_ROW (row),
                                         volley_form_problems_find (problems, name),
                                         volley_form_problems_find (problems, value));
    }
}

static void
volley_connection_page_show_problems (VolleyConnectionPage *self,
                                      const char * const   *problems)
{
  volley_connection_page_show_url_problem (self, volley_form_problems_find (problems, "url"));
  volley_form_show_problem (GTK_WIDGET (self->subprotocols_row),
                            GTK_WIDGET (self->subprotocols_problem_icon),
                            volley_form_problems_find_within (problems, "params.subprotocols"));
  volley_form_show_problem (GTK_WIDGET (self->origin_row),
                            GTK_WIDGET (self->origin_problem_icon),
                            volley_form_problems_find (problems, "params.origin"));
  volley_form_show_problem (GTK_WIDGET (self->user_agent_row),
                            GTK_WIDGET (self->user_agent_problem_icon),
                            volley_form_problems_find (problems, "params.userAgent"));
  volley_connection_page_show_list_problems (self->headers_list, "params.headers", problems);
  volley_connection_page_show_list_problems (self->cookies_list, "params.cookies", problems);
  volley_connection_page_show_tag_problems (self, problems);
}

static gboolean
volley_connection_page_validate_cb (gpointer user_data)
{
  VolleyConnectionPage *self = VOLLEY_CONNECTION_PAGE (user_data);
  g_auto(GStrv) problems = NULL;

  self->validate_source = 0;

  if (self->profile != NULL)
    problems = volley_form_problems_collect (self->profile);
  volley_connection_page_show_problems (self, (const char * const *) problems);

  return G_SOURCE_REMOVE;
}

/* Once the change is complete: a list's rows are created after the
 * profile hears of the new item, and typing changes it at every key. Before
 * the next frame is drawn, though, so that it shows with the change. */
static void
volley_connection_page_queue_validate (VolleyConnectionPage *self)
{
  if (self->validate_source == 0)
    self->validate_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE,
                                             volley_connection_page_validate_cb,
                                             self, NULL);
}

/* Bindings */

/* "echo, chat.v2" ↔ ["echo", "chat.v2"]. Each part is trimmed and empty
 * parts are dropped, so that a half-typed list ("echo, ") is already
 * meaningful; the text stays as typed, since a binding does not write back
 * into the field that changed. */
static gboolean
subprotocols_to_text (GBinding     *binding,
                      const GValue *from_value,
                      GValue       *to_value,
                      gpointer      user_data)
{
  char **subprotocols = g_value_get_boxed (from_value);

  g_value_take_string (to_value, g_strjoinv (", ", subprotocols != NULL ? subprotocols : (char *[]) { NULL }));

  return TRUE;
}

static gboolean
text_to_subprotocols (GBinding     *binding,
                      const GValue *from_value,
                      GValue       *to_value,
                      gpointer      user_data)
{
  g_auto(GStrv) parts = g_strsplit (g_value_get_string (from_value), ",", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_strstrip (parts[i]);
      if (parts[i][0] != '\0')
        g_strv_builder_add (builder, parts[i]);
    }

  g_value_take_boxed (to_value, g_strv_builder_end (builder));

  return TRUE;
}

static gboolean
compression_to_active (GBinding     *binding,
                       const GValue *from_value,
                       GValue       *to_value,
                       gpointer      user_data)
{
  g_value_set_boolean (to_value, g_value_get_enum (from_value) == VOLLEY_COMPRESSION_DEFLATE);

  return TRUE;
}

static gboolean
active_to_compression (GBinding     *binding,
                       const GValue *from_value,
                       GValue       *to_value,
                       gpointer      user_data)
{
  g_value_set_enum (to_value, g_value_get_boolean (from_value) ? VOLLEY_COMPRESSION_DEFLATE
                                                               : VOLLEY_COMPRESSION_NONE);

  return TRUE;
}

/* The model counts milliseconds; the field shows seconds. */
static gboolean
timeout_to_seconds (GBinding     *binding,
                    const GValue *from_value,
                    GValue       *to_value,
                    gpointer      user_data)
{
  g_value_set_double (to_value, g_value_get_uint (from_value) / 1000.0);

  return TRUE;
}

static gboolean
seconds_to_timeout (GBinding     *binding,
                    const GValue *from_value,
                    GValue       *to_value,
                    gpointer      user_data)
{
  g_value_set_uint (to_value, (guint) (g_value_get_double (from_value) * 1000.0 + 0.5));

  return TRUE;
}

/* "60" rather than "60.000": the decimals are there for milliseconds, not
 * to be looked at. */
static gboolean
handshake_timeout_output_cb (GtkSpinButton *spin,
                             gpointer       user_data)
{
  g_autofree char *text = g_strdup_printf ("%.3f", gtk_spin_button_get_value (spin));
  char *end = text + strlen (text) - 1;

  while (*end == '0')
    *end-- = '\0';
  if (*end == '.')
    *end = '\0';

  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (spin)), text) != 0)
    gtk_editable_set_text (GTK_EDITABLE (spin), text);

  return TRUE;
}

static void
skip_tls_changed_cb (VolleyConnectionPage *self)
{
  gboolean skip = gtk_switch_get_active (self->skip_tls_switch);

  gtk_widget_set_visible (GTK_WIDGET (self->skip_tls_icon), skip);
  if (skip)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->skip_tls_row), "warning");
      adw_action_row_set_subtitle (self->skip_tls_row,
                                   _("Any certificate is accepted, including forged ones"));
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->skip_tls_row), "warning");
      adw_action_row_set_subtitle (self->skip_tls_row,
                                   _("Accept any certificate of a wss:// server"));
    }
}

static GtkWidget *
create_row (gpointer               item,
            GListModel            *list,
            VolleyKeyValueRowKind  kind)
{
  return volley_key_value_row_new (VOLLEY_KEY_VALUE (item), G_LIST_STORE (list), kind);
}

static GtkWidget *
create_header_row_cb (gpointer item,
                      gpointer user_data)
{
  VolleyConnectionPage *self = VOLLEY_CONNECTION_PAGE (user_data);

  return create_row (item, volley_connect_params_get_headers (volley_profile_get_params (self->profile)),
                     VOLLEY_KEY_VALUE_ROW_HEADER);
}

static GtkWidget *
create_tag_row_cb (gpointer item,
                   gpointer user_data)
{
  VolleyConnectionPage *self = VOLLEY_CONNECTION_PAGE (user_data);

  return create_row (item, volley_connect_params_get_tags (volley_profile_get_params (self->profile)),
                     VOLLEY_KEY_VALUE_ROW_TAG);
}

static GtkWidget *
create_cookie_row_cb (gpointer item,
                      gpointer user_data)
{
  VolleyConnectionPage *self = VOLLEY_CONNECTION_PAGE (user_data);

  return create_row (item, volley_connect_params_get_cookies (volley_profile_get_params (self->profile)),
                     VOLLEY_KEY_VALUE_ROW_COOKIE);
}

static void
volley_connection_page_bind_lists (VolleyConnectionPage *self)
{
  VolleyConnectParams *params = self->profile != NULL ? volley_profile_get_params (self->profile) : NULL;

  if (params == NULL)
    {
      gtk_list_box_bind_model (self->headers_list, NULL, NULL, NULL, NULL);
      gtk_list_box_bind_model (self->tags_list, NULL, NULL, NULL, NULL);
      gtk_list_box_bind_model (self->cookies_list, NULL, NULL, NULL, NULL);
      return;
    }

  gtk_list_box_bind_model (self->headers_list, volley_connect_params_get_headers (params),
                           create_header_row_cb, self, NULL);
  gtk_list_box_bind_model (self->tags_list, volley_connect_params_get_tags (params),
                           create_tag_row_cb, self, NULL);
  gtk_list_box_bind_model (self->cookies_list, volley_connect_params_get_cookies (params),
                           create_cookie_row_cb, self, NULL);
}

VolleyProfile *
volley_connection_page_get_profile (VolleyConnectionPage *self)
{
  g_return_val_if_fail (VOLLEY_IS_CONNECTION_PAGE (self), NULL);

  return self->profile;
}

/**
 * volley_connection_page_set_profile:
 * @self: a #VolleyConnectionPage
 * @profile: (nullable): the profile to edit
 *
 * Shows @profile in every field and edits it from then on.
 */
void
volley_connection_page_set_profile (VolleyConnectionPage *self,
                                    VolleyProfile        *profile)
{
  g_return_if_fail (VOLLEY_IS_CONNECTION_PAGE (self));
  g_return_if_fail (profile == NULL || VOLLEY_IS_PROFILE (profile));

  if (!g_set_object (&self->profile, profile))
    return;

  g_binding_group_set_source (self->profile_bindings, profile);
  g_binding_group_set_source (self->params_bindings,
                              profile != NULL ? volley_profile_get_params (profile) : NULL);
  g_signal_group_set_target (self->profile_signals, profile);
  volley_connection_page_bind_lists (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self), profile != NULL);

  g_clear_handle_id (&self->validate_source, g_source_remove);
  volley_connection_page_validate_cb (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROFILE]);
}

/* Actions */

static void
volley_connection_page_add (VolleyConnectionPage *self,
                            GListModel           *list,
                            GtkListBox           *list_box)
{
  g_autoptr(VolleyKeyValue) pair = volley_key_value_new ("", "");
  GtkListBoxRow *row;

  g_list_store_append (G_LIST_STORE (list), pair);

  row = gtk_list_box_get_row_at_index (list_box, g_list_model_get_n_items (list) - 1);
  if (row != NULL)
    volley_key_value_row_start_editing (VOLLEY_KEY_VALUE_ROW (row));
}

static void
volley_connection_page_add_header_action (GtkWidget  *widget,
                                          const char *action_name,
                                          GVariant   *parameter)
{
  VolleyConnectionPage *self = VOLLEY_CONNECTION_PAGE (widget);

  g_return_if_fail (self->profile != NULL);

  volley_connection_page_add (self,
                              volley_connect_params_get_headers (volley_profile_get_params (self->profile)),
                              self->headers_list);
}

static void
volley_connection_page_add_tag_action (GtkWidget  *widget,
                                       const char *action_name,
                                       GVariant   *parameter)
{
  VolleyConnectionPage *self = VOLLEY_CONNECTION_PAGE (widget);

  g_return_if_fail (self->profile != NULL);

  volley_connection_page_add (self,
                              volley_connect_params_get_tags (volley_profile_get_params (self->profile)),
                              self->tags_list);
}

static void
volley_connection_page_add_cookie_action (GtkWidget  *widget,
                                          const char *action_name,
                                          GVariant   *parameter)
{
  VolleyConnectionPage *self = VOLLEY_CONNECTION_PAGE (widget);

  g_return_if_fail (self->profile != NULL);

  volley_connection_page_add (self,
                              volley_connect_params_get_cookies (volley_profile_get_params (self->profile)),
                              self->cookies_list);
}

/* GObject */

static void
volley_connection_page_dispose (GObject *object)
{
  VolleyConnectionPage *self = VOLLEY_CONNECTION_PAGE (object);

  g_clear_handle_id (&self->validate_source, g_source_remove);
  g_binding_group_set_source (self->profile_bindings, NULL);
  g_binding_group_set_source (self->params_bindings, NULL);
  g_signal_group_set_target (self->profile_signals, NULL);
  gtk_list_box_bind_model (self->headers_list, NULL, NULL, NULL, NULL);
  gtk_list_box_bind_model (self->tags_list, NULL, NULL, NULL, NULL);
  gtk_list_box_bind_model (self->cookies_list, NULL, NULL, NULL, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), VOLLEY_TYPE_CONNECTION_PAGE);

  g_clear_object (&self->profile_bindings);
  g_clear_object (&self->params_bindings);
  g_clear_object (&self->profile_signals);
  g_clear_object (&self->profile);

  G_OBJECT_CLASS (volley_connection_page_parent_class)->dispose (object);
}

static void
volley_connection_page_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  VolleyConnectionPage *self = VOLLEY_CONNECTION_PAGE (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      g_value_set_object (value, self->profile);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_connection_page_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  VolleyConnectionPage *self = VOLLEY_CONNECTION_PAGE (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      volley_connection_page_set_profile (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_connection_page_class_init (VolleyConnectionPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = volley_connection_page_dispose;
  object_class->get_property = volley_connection_page_get_property;
  object_class->set_property = volley_connection_page_set_property;

  properties[PROP_PROFILE] =
    g_param_spec_object ("profile", NULL, NULL,
                         VOLLEY_TYPE_PROFILE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/volley-connection-page.ui");
  gtk_widget_class_bind_template_child (widget_class, VolleyConnectionPage, compression_switch);
  gtk_widget_class_bind_template_child (widget_class, VolleyConnectionPage, cookies_list);
  gtk_widget_class_bind_template_child (widget_class, VolleyConnectionPage, handshake_timeout_spin);
  gtk_widget_class_bind_template_child (widget_class, VolleyConnectionPage, headers_list);
  gtk_widget_class_bind_template_child (widget_class, VolleyConnectionPage, origin_problem_icon);
  gtk_widget_class_bind_template_child (widget_class, VolleyConnectionPage, origin_row);
  gtk_widget_class_bind_template_child (widget_class, VolleyConnectionPage, skip_tls_icon);
  gtk_widget_class_bind_template_child (widget_class, VolleyConnectionPage, skip_tls_row);
  gtk_widget_class_bind_template_child (widget_class, VolleyConnectionPage, skip_tls_switch);
  gtk_widget_class_bind_template_child (widget_class, VolleyConnectionPage, subprotocols_problem_icon);
  gtk_widget_class_bind_template_child (widget_class, VolleyConnectionPage, subprotocols_row);
  gtk_widget_class_bind_template_child (widget_class, VolleyConnectionPage, tags_list);
  gtk_widget_class_bind_template_child (widget_class, VolleyConnectionPage, url_hint_label);
  gtk_widget_class_bind_template_child (widget_class, VolleyConnectionPage, url_problem_icon);
  gtk_widget_class_bind_template_child (widget_class, VolleyConnectionPage, url_row);
  gtk_widget_class_bind_template_child (widget_class, VolleyConnectionPage, user_agent_problem_icon);
  gtk_widget_class_bind_template_child (widget_class, VolleyConnectionPage, user_agent_row);
  gtk_widget_class_bind_template_callback (widget_class, handshake_timeout_output_cb);
  gtk_widget_class_bind_template_callback (widget_class, skip_tls_changed_cb);

  gtk_widget_class_install_action (widget_class, "connection.add-header", NULL,
                                   volley_connection_page_add_header_action);
  gtk_widget_class_install_action (widget_class, "connection.add-tag", NULL,
                                   volley_connection_page_add_tag_action);
  gtk_widget_class_install_action (widget_class, "connection.add-cookie", NULL,
                                   volley_connection_page_add_cookie_action);
}

static void
volley_connection_page_bind_fields (VolleyConnectionPage *self)
{
  GBindingFlags flags = G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE;

  g_binding_group_bind (self->profile_bindings, "url", self->url_row, "text", flags);

  g_binding_group_bind_full (self->params_bindings, "subprotocols", self->subprotocols_row, "text", flags,
                             subprotocols_to_text, text_to_subprotocols, NULL, NULL);
  g_binding_group_bind_full (self->params_bindings, "compression", self->compression_switch, "active", flags,
                             compression_to_active, active_to_compression, NULL, NULL);
  g_binding_group_bind (self->params_bindings, "origin", self->origin_row, "text", flags);
  g_binding_group_bind (self->params_bindings, "user-agent", self->user_agent_row, "text", flags);
  g_binding_group_bind_full (self->params_bindings, "handshake-timeout", self->handshake_timeout_spin, "value", flags,
                             timeout_to_seconds, seconds_to_timeout, NULL, NULL);
  g_binding_group_bind (self->params_bindings, "skip-tls-verify", self->skip_tls_switch, "active", flags);
}

static void
volley_connection_page_init (VolleyConnectionPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->profile_bindings = g_binding_group_new ();
  self->params_bindings = g_binding_group_new ();
  volley_connection_page_bind_fields (self);

  self->profile_signals = g_signal_group_new (VOLLEY_TYPE_PROFILE);
  g_signal_group_connect_swapped (self->profile_signals, "changed",
                                  G_CALLBACK (volley_connection_page_queue_validate), self);

  skip_tls_changed_cb (self);
  volley_connection_page_show_url_problem (self, NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self), FALSE);
}
