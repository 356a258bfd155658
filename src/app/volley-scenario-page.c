/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-scenario-page"

#include "config.h"

#include <glib/gi18n.h>

#include "volley-form.h"
#include "volley-metric-catalog.h"
#include "volley-problems.h"
#include "volley-scenario-page.h"
#include "volley-stage-row.h"
#include "volley-stage.h"
#include "volley-threshold-row.h"

/* The Scenario page of the editor: k6's execution options (VUs and one of
 * iterations, duration or stages; graceful stop; Volley's pause) and the
 * thresholds, bound to the profile's model. Fields show what the profile's
 * validation says of them, refreshed after each change to the profile. */

#define DEFAULT_STAGE_MS 30000
#define DEFAULT_DURATION_MS 30000
#define DEFAULT_THRESHOLD_METRIC "ws_connecting"
#define DEFAULT_THRESHOLD_EXPRESSION "p(95)<500"

struct _VolleyScenarioPage
{
  AdwBin               parent_instance;

  /* Template widgets */
  GtkImage            *duration_problem_icon;
  AdwEntryRow         *duration_row;
  GtkImage            *graceful_stop_problem_icon;
  AdwEntryRow         *graceful_stop_row;
  AdwActionRow        *iterations_row;
  GtkSpinButton       *iterations_spin;
  AdwComboRow         *mode_row;
  GtkImage            *pause_problem_icon;
  AdwEntryRow         *pause_row;
  AdwPreferencesGroup *stages_group;
  GtkListBox          *stages_list;
  GtkLabel            *stages_problem_label;
  GtkListBox          *thresholds_list;
  GtkSizeGroup        *threshold_metric_column;
  AdwActionRow        *vus_row;
  GtkSpinButton       *vus_spin;

  /* Owned */
  VolleyProfile       *profile;
  GBindingGroup       *scenario_bindings;
  GSignalGroup        *scenario_signals;
  GSignalGroup        *profile_signals;
  GStrv                problems;
  GStrv                metric_names;
  guint                validate_source;
};

G_DEFINE_FINAL_TYPE (VolleyScenarioPage, volley_scenario_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_PROFILE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GtkWidget *
volley_scenario_page_new (void)
{
  return g_object_new (VOLLEY_TYPE_SCENARIO_PAGE, NULL);
}

static VolleyScenario *
volley_scenario_page_get_scenario (VolleyScenarioPage *self)
{
  return self->profile != NULL ? volley_profile_get_scenario (self->profile) : NULL;
}

/* Metric names */

static void
collect_await_metrics (GListModel *actions,
                       GPtrArray  *names)
{
  guint n_items = g_list_model_get_n_items (actions);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(VolleyAction) action = g_list_model_get_item (actions, i);
      const char *metric = volley_action_get_metric (action);

      if (volley_action_get_kind (action) == VOLLEY_ACTION_SEND_AND_AWAIT &&
          metric[0] != '\0' &&
          !g_ptr_array_find_with_equal_func (names, metric, g_str_equal, NULL))
        g_ptr_array_add (names, g_strdup (metric));

      collect_await_metrics (volley_action_get_actions (action), names);
    }
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The built-in metrics, in the catalogue's order, then the Trends that the
 * profile's sendAndAwait actions record, at any depth, by name. */
static GStrv
volley_scenario_page_list_metric_names (VolleyScenarioPage *self)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) custom = g_ptr_array_new_with_free_func (g_free);
  GListModel *handlers = volley_profile_get_handlers (self->profile);
  const VolleyMetricInfo *builtin;
  guint n_builtin;

  builtin = volley_metric_catalog_get_builtin (&n_builtin);
  for (guint i = 0; i < n_builtin; i++)
    g_ptr_array_add (names, g_strdup (builtin[i].name));

  for (guint i = 0; i < g_list_model_get_n_items (handlers); i++)
    {
      g_autoptr(VolleyHandler) handler = g_list_model_get_item (handlers, i);

      collect_await_metrics (volley_handler_get_actions (handler), custom);
    }
  g_ptr_array_sort (custom, compare_names);

  for (guint i = 0; i < custom->len; i++)
    if (volley_metric_catalog_lookup (g_ptr_array_index (custom, i)) == NULL)
      g_ptr_array_add (names, g_strdup (g_ptr_array_index (custom, i)));
  g_ptr_array_add (names, NULL);

  return (GStrv) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

static void
volley_scenario_page_update_metric_names (VolleyScenarioPage *self)
{
  g_auto(GStrv) names = volley_scenario_page_list_metric_names (self);
  GtkListBoxRow *row;

  if (self->metric_names != NULL &&
      g_strv_equal ((const char * const *) self->metric_names, (const char * const *) names))
    return;

  g_strfreev (self->metric_names);
  self->metric_names = g_steal_pointer (&names);

  for (guint i = 0; (row = gtk_list_box_get_row_at_index (self->thresholds_list, i)) != NULL; i++)
    volley_threshold_row_set_metric_names (VOLLEY_THRESHOLD_ROW (row),
                                           (const char * const *) self->metric_names);
}

/* Validation */

/* Text that is not a duration says so first; then what the profile's
 * validation found in the value the model holds. */
static void
show_duration_problem (VolleyScenarioPage *self,
                       AdwEntryRow        *row,
                       GtkImage           *icon,
                       const char         *location)
{
  g_autofree char *local = volley_form_check_duration (GTK_EDITABLE (row));
  const char *problem = local;

  if (problem == NULL)
    problem = volley_form_problems_find ((const char * const *) self->problems, location);

  volley_form_show_problem (GTK_WIDGET (row), GTK_WIDGET (icon), problem);
}

static void
volley_scenario_page_show_duration_problems (VolleyScenarioPage *self)
{
  show_duration_problem (self, self->duration_row, self->duration_problem_icon, "scenario.duration");
  show_duration_problem (self, self->graceful_stop_row, self->graceful_stop_problem_icon,
                         "scenario.gracefulStop");
  show_duration_problem (self, self->pause_row, self->pause_problem_icon, "scenario.pause");
}

static void
duration_field_changed_cb (VolleyScenarioPage *self)
{
  volley_scenario_page_show_duration_problems (self);
}

static void
volley_scenario_page_show_stage_problems (VolleyScenarioPage *self)
{
  const char * const *problems = (const char * const *) self->problems;
  const char *problem = volley_form_problems_find (problems, "scenario.stages");
  g_autofree char *sentence = problem != NULL ? volley_form_problem_sentence (problem) : NULL;
  GtkListBoxRow *row;

  gtk_label_set_text (self->stages_problem_label, sentence != NULL ? sentence : "");
  gtk_widget_set_visible (GTK_WIDGET (self->stages_problem_label), sentence != NULL);

  for (guint i = 0; (row = gtk_list_box_get_row_at_index (self->stages_list, i)) != NULL; i++)
    {
      g_autofree char *location = volley_location_index ("scenario.stages", i);

      volley_stage_row_set_problem (VOLLEY_STAGE_ROW (row),
                                    volley_form_problems_find_within (problems, location));
    }
}

/* A threshold's expression is checked by its row as it is typed; what the
 * profile adds is whether the metric exists. */
static void
volley_scenario_page_show_threshold_problems (VolleyScenarioPage *self)
{
  GtkListBoxRow *row;

  for (guint i = 0; (row = gtk_list_box_get_row_at_index (self->thresholds_list, i)) != NULL; i++)
    {
      VolleyThreshold *threshold = volley_threshold_row_get_threshold (VOLLEY_THRESHOLD_ROW (row));
      g_autofree char *location = volley_location_child ("thresholds", volley_threshold_get_metric (threshold));

      volley_threshold_row_set_metric_problem (VOLLEY_THRESHOLD_ROW (row),
                                               volley_form_problems_find ((const char * const *) self->problems,
                                                                          location));
    }
}

static gboolean
volley_scenario_page_validate_cb (gpointer user_data)
{
  VolleyScenarioPage *self = VOLLEY_SCENARIO_PAGE (user_data);

  self->validate_source = 0;

  g_clear_pointer (&self->problems, g_strfreev);
  if (self->profile != NULL)
    {
      self->problems = volley_form_problems_collect (self->profile);
      volley_scenario_page_update_metric_names (self);
    }

  volley_scenario_page_show_duration_problems (self);
  volley_scenario_page_show_stage_problems (self);
  volley_scenario_page_show_threshold_problems (self);

  return G_SOURCE_REMOVE;
}

/* Once the change is complete: a list's rows are created after the
 * profile hears of the new item, and typing changes it at every key. Before
 * the next frame is drawn, though, so that it shows with the change. */
static void
volley_scenario_page_queue_validate (VolleyScenarioPage *self)
{
  if (self->validate_source == 0)
    self->validate_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE,
                                             volley_scenario_page_validate_cb,
                                             self, NULL);
}

/* The mode */

static void
volley_scenario_page_show_mode (VolleyScenarioPage *self)
{
  VolleyScenario *scenario = volley_scenario_page_get_scenario (self);
  VolleyScenarioMode mode = scenario != NULL ? volley_scenario_get_mode (scenario)
                                             : VOLLEY_SCENARIO_ITERATIONS;

  adw_combo_row_set_selected (self->mode_row, mode);
  gtk_widget_set_visible (GTK_WIDGET (self->iterations_row), mode == VOLLEY_SCENARIO_ITERATIONS);
  gtk_widget_set_visible (GTK_WIDGET (self->duration_row), mode == VOLLEY_SCENARIO_DURATION);
  gtk_widget_set_visible (GTK_WIDGET (self->stages_group), mode == VOLLEY_SCENARIO_STAGES);
  adw_action_row_set_subtitle (self->vus_row,
                               mode == VOLLEY_SCENARIO_STAGES ? _("At the start of the first stage")
                                                              : _("Each holds one connection at a time"));
}

static void
scenario_mode_changed_cb (VolleyScenarioPage *self)
{
  volley_scenario_page_show_mode (self);
}

/* A mode chosen for the first time starts from something that runs,
 * rather than from an error: a duration of 30s, or one stage that holds
 * the VUs for as long. */
static void
mode_selected_cb (VolleyScenarioPage *self)
{
  VolleyScenario *scenario = volley_scenario_page_get_scenario (self);
  VolleyScenarioMode mode = adw_combo_row_get_selected (self->mode_row);
  GListModel *stages;

  if (scenario == NULL || mode > VOLLEY_SCENARIO_STAGES || mode == volley_scenario_get_mode (scenario))
    return;

  stages = volley_scenario_get_stages (scenario);
  if (mode == VOLLEY_SCENARIO_DURATION && volley_scenario_get_duration (scenario) == 0)
    volley_scenario_set_duration (scenario, DEFAULT_DURATION_MS);
  else if (mode == VOLLEY_SCENARIO_STAGES && g_list_model_get_n_items (stages) == 0)
    {
      g_autoptr(VolleyStage) stage = volley_stage_new (DEFAULT_STAGE_MS, volley_scenario_get_vus (scenario));

      g_list_store_append (G_LIST_STORE (stages), stage);
    }

  volley_scenario_set_mode (scenario, mode);
}

/* Bindings */

static gboolean
uint_to_double (GBinding     *binding,
                const GValue *from_value,
                GValue       *to_value,
                gpointer      user_data)
{
  g_value_set_double (to_value, g_value_get_uint (from_value));

  return TRUE;
}

static gboolean
double_to_uint (GBinding     *binding,
                const GValue *from_value,
                GValue       *to_value,
                gpointer      user_data)
{
  g_value_set_uint (to_value, (guint) g_value_get_double (from_value));

  return TRUE;
}

static gboolean
uint64_to_double (GBinding     *binding,
                  const GValue *from_value,
                  GValue       *to_value,
                  gpointer      user_data)
{
  g_value_set_double (to_value, (double) g_value_get_uint64 (from_value));

  return TRUE;
}

static gboolean
double_to_uint64 (GBinding     *binding,
                  const GValue *from_value,
                  GValue       *to_value,
                  gpointer      user_data)
{
  g_value_set_uint64 (to_value, (guint64) g_value_get_double (from_value));

  return TRUE;
}

static GtkWidget *
create_stage_row_cb (gpointer item,
                     gpointer user_data)
{
  VolleyScenarioPage *self = VOLLEY_SCENARIO_PAGE (user_data);
  GListModel *stages = volley_scenario_get_stages (volley_scenario_page_get_scenario (self));

  return volley_stage_row_new (VOLLEY_STAGE (item), G_LIST_STORE (stages));
}

static GtkWidget *
create_threshold_row_cb (gpointer item,
                         gpointer user_data)
{
  VolleyScenarioPage *self = VOLLEY_SCENARIO_PAGE (user_data);
  GListModel *thresholds = volley_profile_get_thresholds (self->profile);
  GtkWidget *row = volley_threshold_row_new (VOLLEY_THRESHOLD (item), G_LIST_STORE (thresholds));

  volley_threshold_row_align_metric (VOLLEY_THRESHOLD_ROW (row), self->threshold_metric_column);
  if (self->metric_names != NULL)
    volley_threshold_row_set_metric_names (VOLLEY_THRESHOLD_ROW (row),
                                           (const char * const *) self->metric_names);

  return row;
}

static void
volley_scenario_page_bind_lists (VolleyScenarioPage *self)
{
  VolleyScenario *scenario = volley_scenario_page_get_scenario (self);

  if (scenario == NULL)
    {
      gtk_list_box_bind_model (self->stages_list, NULL, NULL, NULL, NULL);
      gtk_list_box_bind_model (self->thresholds_list, NULL, NULL, NULL, NULL);
      return;
    }

  gtk_list_box_bind_model (self->stages_list, volley_scenario_get_stages (scenario),
                           create_stage_row_cb, self, NULL);
  gtk_list_box_bind_model (self->thresholds_list, volley_profile_get_thresholds (self->profile),
                           create_threshold_row_cb, self, NULL);
}

VolleyProfile *
volley_scenario_page_get_profile (VolleyScenarioPage *self)
{
  g_return_val_if_fail (VOLLEY_IS_SCENARIO_PAGE (self), NULL);

  return self->profile;
}

/**
 * volley_scenario_page_set_profile:
 * @self: a #VolleyScenarioPage
 * @profile: (nullable): the profile to edit
 *
 * Shows @profile in every field and edits it from then on.
 */
void
volley_scenario_page_set_profile (VolleyScenarioPage *self,
                                  VolleyProfile      *profile)
{
  VolleyScenario *scenario;

  g_return_if_fail (VOLLEY_IS_SCENARIO_PAGE (self));
  g_return_if_fail (profile == NULL || VOLLEY_IS_PROFILE (profile));

  if (!g_set_object (&self->profile, profile))
    return;

  scenario = volley_scenario_page_get_scenario (self);
  g_clear_pointer (&self->metric_names, g_strfreev);
  if (profile != NULL)
    self->metric_names = volley_scenario_page_list_metric_names (self);

  g_binding_group_set_source (self->scenario_bindings, scenario);
  g_signal_group_set_target (self->scenario_signals, scenario);
  g_signal_group_set_target (self->profile_signals, profile);
  volley_scenario_page_show_mode (self);
  volley_scenario_page_bind_lists (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self), profile != NULL);

  g_clear_handle_id (&self->validate_source, g_source_remove);
  volley_scenario_page_validate_cb (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROFILE]);
}

/* Actions */

/* A new stage continues from the last target, so that it holds the load
 * until the user changes it. */
static void
volley_scenario_page_add_stage_action (GtkWidget  *widget,
                                       const char *action_name,
                                       GVariant   *parameter)
{
  VolleyScenarioPage *self = VOLLEY_SCENARIO_PAGE (widget);
  VolleyScenario *scenario = volley_scenario_page_get_scenario (self);
  g_autoptr(VolleyStage) last = NULL;
  g_autoptr(VolleyStage) stage = NULL;
  GListModel *stages;
  GtkListBoxRow *row;
  guint n_stages;

  g_return_if_fail (scenario != NULL);

  stages = volley_scenario_get_stages (scenario);
  n_stages = g_list_model_get_n_items (stages);
  if (n_stages > 0)
    last = g_list_model_get_item (stages, n_stages - 1);

  stage = volley_stage_new (DEFAULT_STAGE_MS,
                            last != NULL ? volley_stage_get_target (last) : volley_scenario_get_vus (scenario));
  g_list_store_append (G_LIST_STORE (stages), stage);

  row = gtk_list_box_get_row_at_index (self->stages_list, n_stages);
  if (row != NULL)
    volley_stage_row_start_editing (VOLLEY_STAGE_ROW (row));
}

/* A new threshold is k6's usual first one, ready to be changed. */
static void
volley_scenario_page_add_threshold_action (GtkWidget  *widget,
                                           const char *action_name,
                                           GVariant   *parameter)
{
  VolleyScenarioPage *self = VOLLEY_SCENARIO_PAGE (widget);
  g_autoptr(VolleyThreshold) threshold = NULL;
  GListModel *thresholds;
  GtkListBoxRow *row;

  g_return_if_fail (self->profile != NULL);

  thresholds = volley_profile_get_thresholds (self->profile);
  threshold = volley_threshold_new (DEFAULT_THRESHOLD_METRIC, DEFAULT_THRESHOLD_EXPRESSION);
  g_list_store_append (G_LIST_STORE (thresholds), threshold);

  row = gtk_list_box_get_row_at_index (self->thresholds_list, g_list_model_get_n_items (thresholds) - 1);
  if (row != NULL)
    volley_threshold_row_start_editing (VOLLEY_THRESHOLD_ROW (row));
}

/* GObject */

static void
volley_scenario_page_dispose (GObject *object)
{
  VolleyScenarioPage *self = VOLLEY_SCENARIO_PAGE (object);

  g_clear_handle_id (&self->validate_source, g_source_remove);
  g_binding_group_set_source (self->scenario_bindings, NULL);
  g_signal_group_set_target (self->scenario_signals, NULL);
  g_signal_group_set_target (self->profile_signals, NULL);
  gtk_list_box_bind_model (self->stages_list, NULL, NULL, NULL, NULL);
  gtk_list_box_bind_model (self->thresholds_list, NULL, NULL, NULL, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), VOLLEY_TYPE_SCENARIO_PAGE);

  g_clear_object (&self->scenario_bindings);
  g_clear_object (&self->scenario_signals);
  g_clear_object (&self->profile_signals);
  g_clear_object (&self->profile);

  G_OBJECT_CLASS (volley_scenario_page_parent_class)->dispose (object);
}

static void
volley_scenario_page_finalize (GObject *object)
{
  VolleyScenarioPage *self = VOLLEY_SCENARIO_PAGE (object);

  g_clear_pointer (&self->problems, g_strfreev);
  g_clear_pointer (&self->metric_names, g_strfreev);

  G_OBJECT_CLASS (volley_scenario_page_parent_class)->finalize (object);
}

static void
volley_scenario_page_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  VolleyScenarioPage *self = VOLLEY_SCENARIO_PAGE (object);

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
volley_scenario_page_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  VolleyScenarioPage *self = VOLLEY_SCENARIO_PAGE (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      volley_scenario_page_set_profile (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_scenario_page_class_init (VolleyScenarioPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = volley_scenario_page_dispose;
  object_class->finalize = volley_scenario_page_finalize;
  object_class->get_property = volley_scenario_page_get_property;
  object_class->set_property = volley_scenario_page_set_property;

  properties[PROP_PROFILE] =
    g_param_spec_object ("profile", NULL, NULL,
                         VOLLEY_TYPE_PROFILE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/volley-scenario-page.ui");
  gtk_widget_class_bind_template_child (widget_class, VolleyScenarioPage, duration_problem_icon);
  gtk_widget_class_bind_template_child (widget_class, VolleyScenarioPage, duration_row);
  gtk_widget_class_bind_template_child (widget_class, VolleyScenarioPage, graceful_stop_problem_icon);
  gtk_widget_class_bind_template_child (widget_class, VolleyScenarioPage, graceful_stop_row);
  gtk_widget_class_bind_template_child (widget_class, VolleyScenarioPage, iterations_row);
  gtk_widget_class_bind_template_child (widget_class, VolleyScenarioPage, iterations_spin);
  gtk_widget_class_bind_template_child (widget_class, VolleyScenarioPage, mode_row);
  gtk_widget_class_bind_template_child (widget_class, VolleyScenarioPage, pause_problem_icon);
  gtk_widget_class_bind_template_child (widget_class, VolleyScenarioPage, pause_row);
  gtk_widget_class_bind_template_child (widget_class, VolleyScenarioPage, stages_group);
  gtk_widget_class_bind_template_child (widget_class, VolleyScenarioPage, stages_list);
  gtk_widget_class_bind_template_child (widget_class, VolleyScenarioPage, stages_problem_label);
  gtk_widget_class_bind_template_child (widget_class, VolleyScenarioPage, threshold_metric_column);
  gtk_widget_class_bind_template_child (widget_class, VolleyScenarioPage, thresholds_list);
  gtk_widget_class_bind_template_child (widget_class, VolleyScenarioPage, vus_row);
  gtk_widget_class_bind_template_child (widget_class, VolleyScenarioPage, vus_spin);
  gtk_widget_class_bind_template_callback (widget_class, duration_field_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, mode_selected_cb);

  gtk_widget_class_install_action (widget_class, "scenario.add-stage", NULL,
                                   volley_scenario_page_add_stage_action);
  gtk_widget_class_install_action (widget_class, "scenario.add-threshold", NULL,
                                   volley_scenario_page_add_threshold_action);
}

static void
volley_scenario_page_bind_fields (VolleyScenarioPage *self)
{
  GBindingFlags flags = G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE;

  g_binding_group_bind_full (self->scenario_bindings, "vus", self->vus_spin, "value", flags,
                             uint_to_double, double_to_uint, NULL, NULL);
  g_binding_group_bind_full (self->scenario_bindings, "iterations", self->iterations_spin, "value", flags,
                             uint64_to_double, double_to_uint64, NULL, NULL);
  g_binding_group_bind_full (self->scenario_bindings, "duration", self->duration_row, "text", flags,
                             volley_form_duration_to_text, volley_form_text_to_duration, NULL, NULL);
  g_binding_group_bind_full (self->scenario_bindings, "graceful-stop", self->graceful_stop_row, "text", flags,
                             volley_form_duration_to_text, volley_form_text_to_duration, NULL, NULL);
  g_binding_group_bind_full (self->scenario_bindings, "pause", self->pause_row, "text", flags,
                             volley_form_duration_to_text, volley_form_text_to_duration, NULL, NULL);
}

static void
volley_scenario_page_init (VolleyScenarioPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->scenario_bindings = g_binding_group_new ();
  volley_scenario_page_bind_fields (self);

  /* The mode is not bound: choosing one may also fill in its first values. */
  self->scenario_signals = g_signal_group_new (VOLLEY_TYPE_SCENARIO);
  g_signal_group_connect_swapped (self->scenario_signals, "notify::mode",
                                  G_CALLBACK (scenario_mode_changed_cb), self);

  self->profile_signals = g_signal_group_new (VOLLEY_TYPE_PROFILE);
  g_signal_group_connect_swapped (self->profile_signals, "changed",
                                  G_CALLBACK (volley_scenario_page_queue_validate), self);

  volley_scenario_page_show_mode (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self), FALSE);
}
