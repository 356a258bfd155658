/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "gui-test-utils.h"
#include "volley-application.h"
#include "volley-chart.h"
#include "volley-metrics-view.h"
#include "volley-window.h"

/* The charts and the summary page, as a user sees them: drawn in a real
 * window (GTest makes any warning fatal), the tooltip's words, and the
 * summary that a run against the embedded echo server leaves. */

#define CHART_WIDTH  400
#define CHART_HEIGHT 200

static VolleyApplication *test_app;

static gboolean
is_mapped (gpointer widget)
{
  return widget != NULL && gtk_widget_get_mapped (GTK_WIDGET (widget));
}

static GtkWidget *
show_in_window (GtkWidget *child)
{
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_default_size (GTK_WINDOW (window), CHART_WIDTH, CHART_HEIGHT);
  gtk_window_set_child (GTK_WINDOW (window), child);
  gtk_window_present (GTK_WINDOW (window));
  WAIT_FOR (is_mapped (child) && gtk_widget_get_width (child) > 0);

  return window;
}

/* The widget as it draws now, rendered by its window's renderer. */
static GdkTexture *
render (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);

  return gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
}

/* Pixels in a colour, not a grey: the series' lines and legend swatches. */
static guint
count_colored_pixels (GdkTexture *texture)
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  gsize stride = (gsize) width * 4;
  g_autofree guchar *data = g_malloc (stride * height);
  guint count = 0;

  gdk_texture_download (texture, data, stride);
  for (gsize i = 0; i < stride * height; i += 4)
    {
      int b = data[i];
      int g = data[i + 1];
      int r = data[i + 2];

      if (ABS (r - g) > 40 || ABS (g - b) > 40 || ABS (r - b) > 40)
        count++;
    }

  return count;
}

/* Draws @chart, returns its coloured pixels. */
static guint
draw (VolleyChart *chart)
{
  GtkWidget *window = show_in_window (GTK_WIDGET (chart));
  g_autoptr(GdkTexture) texture = render (GTK_WIDGET (chart));
  guint count;

  g_assert_cmpint (gdk_texture_get_width (texture), ==, gtk_widget_get_width (GTK_WIDGET (chart)));
  count = count_colored_pixels (texture);
  gtk_window_destroy (GTK_WINDOW (window));

  return count;
}

static guint
legend_only_pixels (guint n_series)
{
  VolleyChart *chart = VOLLEY_CHART (volley_chart_new ());

  for (guint i = 0; i < n_series; i++)
    volley_chart_add_series (chart, "Series");

  return draw (chart);
}

static void
test_draw_empty (void)
{
  VolleyChart *chart = VOLLEY_CHART (volley_chart_new ());
  guint bare;

  /* No series at all: axes only. */
  bare = draw (chart);
  g_assert_cmpuint (bare, ==, 0);

  /* Series without points: their legend. */
  g_assert_cmpuint (legend_only_pixels (2), >, 0);
}

static void
test_draw_one_point (void)
{
  VolleyChart *chart = VOLLEY_CHART (volley_chart_new ());
  guint legend = legend_only_pixels (1);

  volley_chart_add_series (chart, "Sent");
  volley_chart_append (chart, 0, 0, 42);
  g_assert_cmpuint (volley_chart_get_n_points (chart, 0), ==, 1);

  /* The lone point shows as a dot. */
  g_assert_cmpuint (draw (chart), >, legend + 5);
}

static void
test_draw_long (void)
{
  VolleyChart *chart = VOLLEY_CHART (volley_chart_new ());
  guint legend = legend_only_pixels (2);
  g_autofree char *last = NULL;

  volley_chart_add_series (chart, "Sent");
  volley_chart_add_series (chart, "Received");
  for (guint i = 0; i < 10000; i++)
    {
      volley_chart_append (chart, 0, i, i % 100);
      volley_chart_append (chart, 1, i, 50);
    }

  /* Averaged down, the shape kept: a constant stays itself. */
  g_assert_cmpuint (volley_chart_get_n_points (chart, 0), <=, VOLLEY_CHART_DEFAULT_MAX_POINTS);
  g_assert_cmpuint (volley_chart_get_n_points (chart, 0), >=, VOLLEY_CHART_DEFAULT_MAX_POINTS / 2);
  last = volley_chart_describe_at (chart, 10000);
  g_assert_true (g_str_has_suffix (last, "\nReceived: 50"));

  g_assert_cmpuint (draw (chart), >, legend + CHART_WIDTH / 2);
}

static void
test_max_points (void)
{
  VolleyChart *chart = VOLLEY_CHART (g_object_ref_sink (volley_chart_new ()));
  g_autofree char *text = NULL;

  volley_chart_add_series (chart, "VUs");
  for (guint i = 0; i < 8; i++)
    volley_chart_append (chart, 0, i, i);

  volley_chart_set_max_points (chart, 4);
  g_assert_cmpuint (volley_chart_get_n_points (chart, 0), ==, 4);
  /* Pairs averaged: (0.5, 0.5), (2.5, 2.5), … */
  text = volley_chart_describe_at (chart, 2.4);
  g_assert_cmpstr (text, ==, "At 2 s\nVUs: 2.50");

  volley_chart_clear (chart);
  g_assert_cmpuint (volley_chart_get_n_points (chart, 0), ==, 0);
  g_assert_null (volley_chart_describe_at (chart, 0));
  g_object_unref (chart);
}

static void
test_tooltip (void)
{
  VolleyChart *chart = VOLLEY_CHART (g_object_ref_sink (volley_chart_new ()));
  g_autofree char *at_one = NULL;
  g_autofree char *past_end = NULL;
  g_autofree char *partial = NULL;

  g_assert_null (volley_chart_describe_at (chart, 0));

  volley_chart_add_series (chart, "Sent");
  volley_chart_add_series (chart, "Received");
  volley_chart_append (chart, 0, 0, 0);
  volley_chart_append (chart, 0, 1, 10);
  volley_chart_append (chart, 0, 2, 1234.5);
  volley_chart_append (chart, 1, 0, 0);
  volley_chart_append (chart, 1, 1, 2.25);

  at_one = volley_chart_describe_at (chart, 1.2);
  g_assert_cmpstr (at_one, ==, "At 1 s\nSent: 10\nReceived: 2.25");
  past_end = volley_chart_describe_at (chart, 99);
  g_assert_cmpstr (past_end, ==, "At 2 s\nSent: 1234\nReceived: 2.25");

  volley_chart_clear (chart);
  volley_chart_append (chart, 1, 3, 7);
  partial = volley_chart_describe_at (chart, 0);
  g_assert_cmpstr (partial, ==, "At 3 s\nReceived: 7");
  g_object_unref (chart);
}

/* The summary after a run */

static gboolean
grid_shows (GtkWidget  *grid,
            const char *text)
{
  for (GtkWidget *child = gtk_widget_get_first_child (grid);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LABEL (child) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (child)), text) == 0)
      return TRUE;

  return FALSE;
}

/* Whether a mapped label under @widget shows @text. */
static gboolean
shows_text (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget)
      && gtk_widget_get_mapped (widget)
      && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (shows_text (child, text))
      return TRUE;

  return FALSE;
}

static GtkWidget *
find_copy_button (GtkWidget *widget)
{
  if (GTK_IS_BUTTON (widget) &&
      g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), "_Copy as Text") == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *button = find_copy_button (child);

      if (button != NULL)
        return button;
    }

  return NULL;
}

static void
read_text_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  char **text = user_data;
  g_autoptr(GError) error = NULL;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (*text);
}

static gboolean
run_is_finished (VolleyRun *run)
{
  return volley_run_get_state (run) == VOLLEY_RUN_STATE_FINISHED;
}

static void
test_summary_after_run (void)
{
  VolleyWindow *window = volley_window_new (test_app);
  g_autoptr(GFile) file = g_file_new_build_filename (g_getenv ("G_TEST_SRCDIR"), "..", "examples",
                                                     "echo.volley.json", NULL);
  VolleyMetricsView *view;
  GtkWidget *grid;
  AdwViewStack *stack;
  GdkClipboard *clipboard;
  g_autoptr(VolleyRun) run = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *copied = NULL;

  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_present (GTK_WINDOW (window));
  WAIT_FOR (is_mapped (window));
  view = VOLLEY_METRICS_VIEW (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                             VOLLEY_TYPE_WINDOW, "metrics_view"));
  grid = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (view), VOLLEY_TYPE_METRICS_VIEW,
                                                    "metrics_grid"));
  g_assert_false (volley_metrics_view_has_summary (view));
  g_assert_null (volley_metrics_view_dup_summary_text (view));
  g_assert_false (gtk_widget_is_sensitive (find_copy_button (GTK_WIDGET (view))));

  g_assert_true (volley_window_open (window, file));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL));
  run = g_object_ref (volley_window_get_run (window));
  g_assert_true (volley_metrics_view_get_run (view) == run);

  WAIT_FOR (run_is_finished (run));
  g_assert_true (volley_metrics_view_has_summary (view));
  g_assert_true (grid_shows (grid, "ws_sessions"));
  g_assert_true (grid_shows (grid, "iterations"));
  g_assert_true (grid_shows (grid, "counter"));
  g_assert_true (grid_shows (grid, "100.00%  ✓ 3  ✗ 0"));

  /* The toast says that the profile's threshold held. */
  WAIT_FOR (shows_text (GTK_WIDGET (window), "Run finished: 3 iterations · thresholds passed"));

  stack = ADW_VIEW_STACK (gtk_widget_get_template_child (GTK_WIDGET (window), VOLLEY_TYPE_WINDOW,
                                                         "results_stack"));
  adw_view_stack_set_visible_child_name (stack, "metrics");
  WAIT_FOR (is_mapped (view));
  g_assert_true (shows_text (GTK_WIDGET (view), "✓ checks"));
  g_assert_true (shows_text (GTK_WIDGET (view), "echoed"));

  g_assert_true (gtk_widget_is_sensitive (find_copy_button (GTK_WIDGET (view))));
  clipboard = gtk_widget_get_clipboard (GTK_WIDGET (view));
  gdk_clipboard_set_text (clipboard, "something else");
  g_signal_emit_by_name (find_copy_button (GTK_WIDGET (view)), "clicked");
  gdk_clipboard_read_text_async (clipboard, NULL, read_text_cb, &copied);
  WAIT_FOR (copied != NULL);
  expected = volley_metrics_view_dup_summary_text (view);
  g_assert_cmpstr (copied, ==, expected);
  g_assert_true (g_str_has_prefix (copied, "\n\n  █ THRESHOLDS \n\n    checks\n    ✓ 'rate==1'"));
  g_assert_nonnull (strstr (copied, "  █ TOTAL RESULTS \n"));
  g_assert_nonnull (strstr (copied, "ws_sessions"));

  gtk_window_destroy (GTK_WINDOW (window));
  WAIT_FOR (window == NULL);
}

/* Failed sessions in the errors chart: a handshake that fails emits an
 * error event and no metric sample that the snapshot would count. */

typedef enum
{
  REFUSE_CONNECTION,
  REFUSE_HANDSHAKE,
} Refusal;

/* A loopback port where nothing listens: bound, noted, closed. */
static guint
find_closed_port (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, &error);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_no_error (error);
  g_socket_bind (socket, any_port, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  g_socket_close (socket, &error);
  g_assert_no_error (error);

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
forbid_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  soup_server_message_set_status (msg, SOUP_STATUS_FORBIDDEN, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "go away", 7);
}

/* Answers every handshake with 403. It lives on the default context, which
 * the test iterates while it waits for the run. */
static SoupServer *
forbidding_server_new (guint *port)
{
  SoupServer *server = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  soup_server_add_handler (server, NULL, forbid_cb, NULL, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  *port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  return server;
}

static GFile *
write_failing_profile (guint port)
{
  g_autoptr(GFileIOStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  GFile *file = g_file_new_tmp ("volley-test-charts-XXXXXX.volley.json", &stream, &error);
  g_autofree char *json = g_strdup_printf ("{ \"volley\": 1, \"name\": \"Refused\","
                                           " \"url\": \"ws://127.0.0.1:%u/ws\","
                                           " \"handlers\": [],"
                                           " \"scenario\": { \"vus\": 2, \"duration\": \"1s\" } }",
                                           port);

  g_assert_no_error (error);
  g_file_replace_contents (file, json, strlen (json), NULL, FALSE, G_FILE_CREATE_NONE,
                           NULL, NULL, &error);
  g_assert_no_error (error);

  return file;
}

/* Errors per second times the seconds since the point before: the count. */
static double
count_charted (VolleyChart *chart,
               guint        series)
{
  double last_seconds = 0;
  double total = 0;

  for (guint i = 0; i < volley_chart_get_n_points (chart, series); i++)
    {
      double seconds, value;

      volley_chart_get_point (chart, series, i, &seconds, &value);
      total += value * MAX (seconds - last_seconds, 0);
      last_seconds = seconds;
    }

  return total;
}

/* The run's error events, as its journal has them. */
static guint
count_journal_errors (VolleyRun *run)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  guint n_errors = 0;

  g_file_load_contents (volley_run_get_journal_file (run), NULL, &contents, NULL, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], "\"kind\":\"error\"") != NULL)
      n_errors++;

  return n_errors;
}

static void
test_failed_handshakes (gconstpointer data)
{
  Refusal refusal = GPOINTER_TO_INT (data);
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(VolleyRun) run = NULL;
  VolleyWindow *window = volley_window_new (test_app);
  VolleyMetricsView *view;
  VolleyChart *errors_chart;
  guint n_errors;
  guint port;

  if (refusal == REFUSE_HANDSHAKE)
    server = forbidding_server_new (&port);
  else
    port = find_closed_port ();
  file = write_failing_profile (port);

  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_present (GTK_WINDOW (window));
  view = VOLLEY_METRICS_VIEW (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                             VOLLEY_TYPE_WINDOW, "metrics_view"));
  errors_chart = VOLLEY_CHART (gtk_widget_get_template_child (GTK_WIDGET (view),
                                                              VOLLEY_TYPE_METRICS_VIEW,
                                                              "errors_chart"));
  g_assert_true (volley_window_open (window, file));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL));
  run = g_object_ref (volley_window_get_run (window));
  WAIT_FOR (run_is_finished (run));

  /* Every failed handshake counted once, those of the last moments too. */
  n_errors = count_journal_errors (run);
  g_assert_cmpuint (n_errors, >, 0);
  g_assert_cmpfloat_with_epsilon (count_charted (errors_chart, 0), n_errors, 0.01);
  g_assert_cmpfloat (count_charted (errors_chart, 1), ==, 0);

  g_file_delete (file, NULL, NULL);
  gtk_window_destroy (GTK_WINDOW (window));
  WAIT_FOR (window == NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *home = NULL;
  int status;

  /* Run journals go under XDG folders: keep them out of the real ones. */
  home = volley_test_isolate_home ("charts");

  g_test_init (&argc, &argv, NULL);

  test_app = volley_test_application_new (G_APPLICATION_DEFAULT_FLAGS);

  g_test_add_func ("/volley/app/charts/draw-empty", test_draw_empty);
  g_test_add_func ("/volley/app/charts/draw-one-point", test_draw_one_point);
  g_test_add_func ("/volley/app/charts/draw-long", test_draw_long);
  g_test_add_func ("/volley/app/charts/max-points", test_max_points);
  g_test_add_func ("/volley/app/charts/tooltip", test_tooltip);
  g_test_add_func ("/volley/app/metrics-view/summary-after-run", test_summary_after_run);
  g_test_add_data_func ("/volley/app/metrics-view/errors/connection-refused",
                        GINT_TO_POINTER (REFUSE_CONNECTION), test_failed_handshakes);
  g_test_add_data_func ("/volley/app/metrics-view/errors/handshake-refused",
                        GINT_TO_POINTER (REFUSE_HANDSHAKE), test_failed_handshakes);

  status = g_test_run ();
  g_clear_object (&test_app);

  return status;
}
