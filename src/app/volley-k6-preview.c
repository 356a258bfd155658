/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-k6-preview"

#include "config.h"

#include "volley-k6-export.h"
#include "volley-k6-preview.h"

/* Edits come in bursts (typing); the script follows once a burst pauses,
 * at most four times a second. */
#define REFRESH_DELAY_MS 250

/* The k6 script that the profile exports to, read-only, or, while the
 * profile is invalid, what is wrong with it. Each refresh also emits
 * ::validated, so that the editor shows the same problems by their fields
 * without validating twice. */
struct _VolleyK6Preview
{
  AdwBin          parent_instance;

  /* Template widgets */
  GtkLabel       *problems_label;
  GtkStack       *stack;
  GtkTextView    *text_view;

  /* Owned */
  VolleyProfile  *profile;
  gulong          changed_id;
  guint           refresh_source;
  char           *script;
};

G_DEFINE_FINAL_TYPE (VolleyK6Preview, volley_k6_preview, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_PROFILE,
  N_PROPS
};

enum {
  VALIDATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

GtkWidget *
volley_k6_preview_new (void)
{
  return g_object_new (VOLLEY_TYPE_K6_PREVIEW, NULL);
}

/* A new script keeps the reader's place: replacing the text would scroll
 * back to the top at every keystroke elsewhere. */
static void
volley_k6_preview_show_script (VolleyK6Preview *self,
                               const char      *script)
{
  GtkAdjustment *vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->text_view));
  double position = gtk_adjustment_get_value (vadjustment);

  if (g_strcmp0 (self->script, script) != 0)
    {
      g_free (self->script);
      self->script = g_strdup (script);
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), script, -1);
      gtk_adjustment_set_value (vadjustment, position);
    }

  gtk_stack_set_visible_child_name (self->stack, "script");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preview.copy", TRUE);
}

static void
volley_k6_preview_show_problems (VolleyK6Preview *self,
                                 const char      *problems)
{
  gtk_label_set_text (self->problems_label, problems);
  gtk_stack_set_visible_child_name (self->stack, "problems");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preview.copy", FALSE);
}

static void
volley_k6_preview_refresh (VolleyK6Preview *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *script = NULL;

  g_clear_handle_id (&self->refresh_source, g_source_remove);

  if (self->profile == NULL)
    {
      volley_k6_preview_show_script (self, "");
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "preview.copy", FALSE);
      return;
    }

  if (volley_profile_validate (self->profile, &error))
    script = volley_k6_export (self->profile, &error);

  if (script != NULL)
    volley_k6_preview_show_script (self, script);
  else
    volley_k6_preview_show_problems (self, error->message);

  g_signal_emit (self, signals[VALIDATED], 0, error);
}

static gboolean
volley_k6_preview_refresh_cb (gpointer user_data)
{
  VolleyK6Preview *self = user_data;

  self->refresh_source = 0;
  volley_k6_preview_refresh (self);

  return G_SOURCE_REMOVE;
}

static void
profile_changed_cb (VolleyK6Preview *self)
{
  g_clear_handle_id (&self->refresh_source, g_source_remove);
  self->refresh_source = g_timeout_add (REFRESH_DELAY_MS, volley_k6_preview_refresh_cb, self);
}

VolleyProfile *
volley_k6_preview_get_profile (VolleyK6Preview *self)
{
  g_return_val_if_fail (VOLLEY_IS_K6_PREVIEW (self), NULL);

  return self->profile;
}

/**
 * volley_k6_preview_set_profile:
 * @self: a #VolleyK6Preview
 * @profile: (nullable): the profile to export
 *
 * Shows @profile's script at once, then follows its changes.
 */
void
volley_k6_preview_set_profile (VolleyK6Preview *self,
                               VolleyProfile   *profile)
{
  g_return_if_fail (VOLLEY_IS_K6_PREVIEW (self));
  g_return_if_fail (profile == NULL || VOLLEY_IS_PROFILE (profile));

  if (self->profile == profile)
    return;

  g_clear_signal_handler (&self->changed_id, self->profile);
  g_set_object (&self->profile, profile);
  if (profile != NULL)
    self->changed_id = g_signal_connect_object (profile, "changed",
                                                G_CALLBACK (profile_changed_cb), self,
                                                G_CONNECT_SWAPPED);
  volley_k6_preview_refresh (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROFILE]);
}

static void
volley_k6_preview_copy_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  VolleyK6Preview *self = VOLLEY_K6_PREVIEW (widget);

  g_return_if_fail (self->script != NULL);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->script);
}

static void
volley_k6_preview_dispose (GObject *object)
{
  VolleyK6Preview *self = VOLLEY_K6_PREVIEW (object);

  g_clear_handle_id (&self->refresh_source, g_source_remove);
  g_clear_signal_handler (&self->changed_id, self->profile);
  gtk_widget_dispose_template (GTK_WIDGET (self), VOLLEY_TYPE_K6_PREVIEW);
  g_clear_object (&self->profile);

  G_OBJECT_CLASS (volley_k6_preview_parent_class)->dispose (object);
}

static void
volley_k6_preview_finalize (GObject *object)
{
  VolleyK6Preview *self = VOLLEY_K6_PREVIEW (object);

  g_clear_pointer (&self->script, g_free);

  G_OBJECT_CLASS (volley_k6_preview_parent_class)->finalize (object);
}

static void
volley_k6_preview_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  VolleyK6Preview *self = VOLLEY_K6_PREVIEW (object);

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
volley_k6_preview_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  VolleyK6Preview *self = VOLLEY_K6_PREVIEW (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      volley_k6_preview_set_profile (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_k6_preview_class_init (VolleyK6PreviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = volley_k6_preview_dispose;
  object_class->finalize = volley_k6_preview_finalize;
  object_class->get_property = volley_k6_preview_get_property;
  object_class->set_property = volley_k6_preview_set_property;

  properties[PROP_PROFILE] =
    g_param_spec_object ("profile", NULL, NULL,
                         VOLLEY_TYPE_PROFILE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * VolleyK6Preview::validated:
   * @self: a #VolleyK6Preview
   * @error: (nullable): every problem of the profile, one a line, each
   *   starting with its location, as volley_profile_validate() gives them;
   *   %NULL when the profile is valid
   *
   * Emitted after each refresh of the script.
   */
  signals[VALIDATED] =
    g_signal_new ("validated",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/volley-k6-preview.ui");
  gtk_widget_class_bind_template_child (widget_class, VolleyK6Preview, problems_label);
  gtk_widget_class_bind_template_child (widget_class, VolleyK6Preview, stack);
  gtk_widget_class_bind_template_child (widget_class, VolleyK6Preview, text_view);

  gtk_widget_class_install_action (widget_class, "preview.copy", NULL,
                                   volley_k6_preview_copy_action);
}

static void
volley_k6_preview_init (VolleyK6Preview *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preview.copy", FALSE);
}
