/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-stage-row"

#include "config.h"

#include <glib/gi18n.h>

#include "volley-form.h"
#include "volley-stage-row.h"

/* One of the scenario's stages: ramp to a target over a duration. */

struct _VolleyStageRow
{
  GtkListBoxRow  parent_instance;

  /* Template widgets */
  GtkLabel      *caption_label;
  GtkEntry      *duration_entry;
  GtkSpinButton *target_spin;

  /* Owned */
  VolleyStage   *stage;
  GListStore    *list;
  char          *problem;
};

G_DEFINE_FINAL_TYPE (VolleyStageRow, volley_stage_row, GTK_TYPE_LIST_BOX_ROW)

enum {
  PROP_0,
  PROP_STAGE,
  PROP_LIST,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GtkWidget *
volley_stage_row_new (VolleyStage *stage,
                      GListStore  *list)
{
  g_return_val_if_fail (VOLLEY_IS_STAGE (stage), NULL);
  g_return_val_if_fail (G_IS_LIST_STORE (list), NULL);

  return g_object_new (VOLLEY_TYPE_STAGE_ROW,
                       "stage", stage,
                       "list", list,
                       NULL);
}

/* Text that is not a duration says so first; then what the profile's
 * validation found in the value the model holds. */
static void
volley_stage_row_update_problem (VolleyStageRow *self)
{
  g_autofree char *local = volley_form_check_duration (GTK_EDITABLE (self->duration_entry));
  const char *problem = local != NULL ? local : self->problem;
  g_autofree char *sentence = problem != NULL ? volley_form_problem_sentence (problem) : NULL;

  volley_form_show_problem (GTK_WIDGET (self->duration_entry), NULL, problem);
  gtk_label_set_text (self->caption_label, sentence != NULL ? sentence : "");
  gtk_widget_set_visible (GTK_WIDGET (self->caption_label), sentence != NULL);
}

static void
duration_changed_cb (VolleyStageRow *self)
{
  volley_stage_row_update_problem (self);
}

/**
 * volley_stage_row_set_problem:
 * @self: a stage's row
 * @problem: (nullable): what the profile's validation says of the stage
 */
void
volley_stage_row_set_problem (VolleyStageRow *self,
                              const char     *problem)
{
  g_return_if_fail (VOLLEY_IS_STAGE_ROW (self));

  if (g_strcmp0 (self->problem, problem) == 0)
    return;

  g_free (self->problem);
  self->problem = g_strdup (problem);
  volley_stage_row_update_problem (self);
}

void
volley_stage_row_start_editing (VolleyStageRow *self)
{
  g_return_if_fail (VOLLEY_IS_STAGE_ROW (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->duration_entry));
}

VolleyStage *
volley_stage_row_get_stage (VolleyStageRow *self)
{
  g_return_val_if_fail (VOLLEY_IS_STAGE_ROW (self), NULL);

  return self->stage;
}

static void
volley_stage_row_remove_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  VolleyStageRow *self = VOLLEY_STAGE_ROW (widget);
  guint position;

  if (g_list_store_find (self->list, self->stage, &position))
    g_list_store_remove (self->list, position);
}

static gboolean
target_to_value (GBinding     *binding,
                 const GValue *from_value,
                 GValue       *to_value,
                 gpointer      user_data)
{
  g_value_set_double (to_value, g_value_get_uint (from_value));

  return TRUE;
}

static gboolean
value_to_target (GBinding     *binding,
                 const GValue *from_value,
                 GValue       *to_value,
                 gpointer      user_data)
{
  g_value_set_uint (to_value, (guint) g_value_get_double (from_value));

  return TRUE;
}

static void
volley_stage_row_constructed (GObject *object)
{
  VolleyStageRow *self = VOLLEY_STAGE_ROW (object);

  G_OBJECT_CLASS (volley_stage_row_parent_class)->constructed (object);

  g_assert (VOLLEY_IS_STAGE (self->stage));
  g_assert (G_IS_LIST_STORE (self->list));

  g_object_bind_property_full (self->stage, "duration", self->duration_entry, "text",
                               G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE,
                               volley_form_duration_to_text, volley_form_text_to_duration,
                               NULL, NULL);
  g_object_bind_property_full (self->stage, "target", self->target_spin, "value",
                               G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE,
                               target_to_value, value_to_target,
                               NULL, NULL);
}

static void
volley_stage_row_dispose (GObject *object)
{
  VolleyStageRow *self = VOLLEY_STAGE_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), VOLLEY_TYPE_STAGE_ROW);
  g_clear_object (&self->stage);
  g_clear_object (&self->list);

  G_OBJECT_CLASS (volley_stage_row_parent_class)->dispose (object);
}

static void
volley_stage_row_finalize (GObject *object)
{
  VolleyStageRow *self = VOLLEY_STAGE_ROW (object);

  g_clear_pointer (&self->problem, g_free);

  G_OBJECT_CLASS (volley_stage_row_parent_class)->finalize (object);
}

static void
volley_stage_row_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  VolleyStageRow *self = VOLLEY_STAGE_ROW (object);

  switch (prop_id)
    {
    case PROP_STAGE:
      g_value_set_object (value, self->stage);
      break;

    case PROP_LIST:
      g_value_set_object (value, self->list);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_stage_row_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  VolleyStageRow *self = VOLLEY_STAGE_ROW (object);

  switch (prop_id)
    {
    case PROP_STAGE:
      self->stage = g_value_dup_object (value);
      break;

    case PROP_LIST:
      self->list = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_stage_row_class_init (VolleyStageRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = volley_stage_row_constructed;
  object_class->dispose = volley_stage_row_dispose;
  object_class->finalize = volley_stage_row_finalize;
  object_class->get_property = volley_stage_row_get_property;
  object_class->set_property = volley_stage_row_set_property;

  properties[PROP_STAGE] =
    g_param_spec_object ("stage", NULL, NULL,
                         VOLLEY_TYPE_STAGE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /* The scenario's stages, which "Remove" takes the stage out of. */
  properties[PROP_LIST] =
    g_param_spec_object ("list", NULL, NULL,
                         G_TYPE_LIST_STORE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/volley-stage-row.ui");
  gtk_widget_class_bind_template_child (widget_class, VolleyStageRow, caption_label);
  gtk_widget_class_bind_template_child (widget_class, VolleyStageRow, duration_entry);
  gtk_widget_class_bind_template_child (widget_class, VolleyStageRow, target_spin);
  gtk_widget_class_bind_template_callback (widget_class, duration_changed_cb);

  gtk_widget_class_install_action (widget_class, "stage-row.remove", NULL,
                                   volley_stage_row_remove_action);
}

static void
volley_stage_row_init (VolleyStageRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->duration_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Stage duration"),
                                  -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->target_spin),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Target VUs"),
                                  -1);
}
