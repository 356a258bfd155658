/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "volley-application.h"
#include "volley-console.h"
#include "volley-window.h"

/* Takes the screenshots in docs/screenshots/: a real window, driven as a
 * user would drive it, rendered by its own renderer (so no window manager
 * frame or shadow ends up in the picture). tools/take-screenshots runs it
 * under Xvfb; run it by hand only with a throwaway GSettings backend.
 *
 *   volley-screenshot EXAMPLES_DIR OUTPUT_DIR
 *
 * EXAMPLES_DIR holds chat.volley.json and echo.volley.json. */

#define WINDOW_WIDTH      1400
#define WINDOW_HEIGHT     900
#define WAIT_TIMEOUT_USEC (30 * G_USEC_PER_SEC)
/* Long enough for the k6 preview and the lists to fill in. */
#define SETTLE_USEC       (G_USEC_PER_SEC / 2)

typedef gboolean (*Condition) (gpointer data);

static gboolean
keep_waking_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main loop until @condition holds; a screenshot that never
 * comes is an error, not a hang. */
static void
wait_for (Condition   condition,
          gpointer    data,
          const char *what)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_TIMEOUT_USEC;
  guint wake = g_timeout_add (10, keep_waking_cb, NULL);

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for %s", what);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (wake);
}

static gboolean
time_has_come (gpointer data)
{
  return g_get_monotonic_time () >= *(gint64 *) data;
}

static gboolean
has_painted (gpointer data)
{
  return *(guint *) data > 0;
}

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       user_data)
{
  (*(guint *) user_data)++;
}

/* Lets pending work land, then has the window paint twice (a frame clock
 * paints only when asked), so that the render node we take is the window
 * as it now looks. */
static void
settle (GtkWidget *window)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);
  gint64 until = g_get_monotonic_time () + SETTLE_USEC;
  guint paints = 0;
  gulong handler;

  wait_for (time_has_come, &until, "the window to settle");
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &paints);
  for (guint i = 0; i < 2; i++)
    {
      paints = 0;
      gtk_widget_queue_draw (window);
      wait_for (has_painted, &paints, "a frame");
    }
  g_signal_handler_disconnect (clock, handler);
}

static gboolean
has_screenshot_size (gpointer data)
{
  return gtk_widget_get_width (data) == WINDOW_WIDTH &&
         gtk_widget_get_height (data) == WINDOW_HEIGHT;
}

/* Without a compositor GTK draws a frame around the window (the solid-csd
 * padding), and a window's default size counts it. The screenshots leave
 * it out, so the window grows by it. */
static void
fit_window (GtkWidget *window)
{
  graphene_rect_t frame;

  if (!gtk_widget_compute_bounds (window, window, &frame))
    g_error ("The window has no size");
  gtk_window_set_default_size (GTK_WINDOW (window),
                               WINDOW_WIDTH + frame.size.width - gtk_widget_get_width (window),
                               WINDOW_HEIGHT + frame.size.height - gtk_widget_get_height (window));
  wait_for (has_screenshot_size, window, "the window to resize");
}

static void
save_screenshot (GtkWidget  *window,
                 const char *output_dir,
                 const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (window);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *filename = g_strconcat (name, ".png", NULL);
  g_autofree char *path = g_build_filename (output_dir, filename, NULL);
  graphene_rect_t frame;

  settle (window);
  /* The paintable draws the window with its frame at 0, 0. */
  if (!gtk_widget_compute_bounds (window, window, &frame))
    g_error ("The window has no size");
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), frame.size.width, frame.size.height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    g_error ("The window drew nothing for %s", name);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (-frame.origin.x, -frame.origin.y,
                                                              gtk_widget_get_width (window),
                                                              gtk_widget_get_height (window)));
  if (!gdk_texture_save_to_png (texture, path))
    g_error ("Could not write %s", path);
  g_print ("%s (%d×%d)\n", path, gdk_texture_get_width (texture), gdk_texture_get_height (texture));
}

static void
show_pages (VolleyWindow *window,
            const char   *editor_page,
            const char   *results_page)
{
  GObject *editor_stack = gtk_widget_get_template_child (GTK_WIDGET (window), VOLLEY_TYPE_WINDOW,
                                                         "editor_stack");
  GObject *results_stack = gtk_widget_get_template_child (GTK_WIDGET (window), VOLLEY_TYPE_WINDOW,
                                                          "results_stack");

  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (editor_stack), editor_page);
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (results_stack), results_page);
}

static void
open_example (VolleyWindow *window,
              const char   *examples_dir,
              const char   *name)
{
  g_autofree char *path = g_build_filename (examples_dir, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);

  if (!volley_window_open (window, file))
    g_error ("Could not open %s", path);
}

/* The console */

static VolleyConsoleSession *
get_session (VolleyWindow *window)
{
  GObject *console = gtk_widget_get_template_child (GTK_WIDGET (window), VOLLEY_TYPE_WINDOW,
                                                    "console");

  return volley_console_get_session (VOLLEY_CONSOLE (console));
}

static gboolean
is_open (gpointer data)
{
  return volley_console_session_get_state (data) == VOLLEY_CONSOLE_STATE_OPEN;
}

static gboolean
is_disconnected (gpointer data)
{
  return volley_console_session_get_state (data) == VOLLEY_CONSOLE_STATE_DISCONNECTED;
}

static void
connected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!volley_console_session_connect_finish (VOLLEY_CONSOLE_SESSION (object), result, &error))
    g_error ("The console could not connect: %s", error->message);
}

typedef struct
{
  VolleyConsoleSession   *session;
  VolleyConsoleEntryKind  kind;
  guint                   count;
} Received;

static gboolean
has_received (gpointer data)
{
  Received *wanted = data;
  GListModel *entries = volley_console_session_get_entries (wanted->session);
  guint count = 0;

  for (guint i = 0; i < g_list_model_get_n_items (entries); i++)
    {
      g_autoptr(VolleyConsoleEntry) entry = g_list_model_get_item (entries, i);

      if (volley_console_entry_get_direction (entry) == VOLLEY_CONSOLE_DIRECTION_RECEIVED &&
          volley_console_entry_get_kind (entry) == wanted->kind)
        count++;
    }

  return count >= wanted->count;
}

static void
send_and_wait (VolleyConsoleSession *session,
               const char           *text)
{
  g_autoptr(GError) error = NULL;
  Received echoes = { session, VOLLEY_CONSOLE_ENTRY_TEXT, 0 };

  while (has_received (&echoes))
    echoes.count++;
  if (!volley_console_session_send_text (session, text, &error))
    g_error ("The console could not send: %s", error->message);
  wait_for (has_received, &echoes, "the echo");
}

/* The chat example's saved messages, and a ping, to the built-in echo
 * server. */
static void
fill_console (VolleyWindow *window)
{
  VolleyConsoleSession *session = get_session (window);
  VolleyProfile *profile = volley_window_get_profile (window);
  g_autoptr(GError) error = NULL;
  Received pong = { session, VOLLEY_CONSOLE_ENTRY_PONG, 1 };

  volley_console_session_connect_async (session, profile, NULL, connected_cb, NULL);
  wait_for (is_open, session, "the console to connect");

  send_and_wait (session, "{\"type\":\"join\",\"user\":\"console\"}");
  if (!volley_console_session_ping (session, &error))
    g_error ("The console could not ping: %s", error->message);
  wait_for (has_received, &pong, "the pong");
  send_and_wait (session, "{\"type\":\"say\",\"from\":\"console\",\"text\":\"hello\"}");
}

static void
empty_console (VolleyWindow *window)
{
  VolleyConsoleSession *session = get_session (window);

  volley_console_session_disconnect (session);
  wait_for (is_disconnected, session, "the console to disconnect");
  volley_console_session_clear (session);
}

/* A run */

static gboolean
run_is_over (gpointer data)
{
  return volley_window_get_run (data) == NULL;
}

static void
run_to_the_end (VolleyWindow *window)
{
  g_autoptr(VolleyRun) run = NULL;

  if (!gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL))
    g_error ("Could not start the run");
  run = g_object_ref (volley_window_get_run (window));
  /* The window lets go of the run once it has shown its end. */
  wait_for (run_is_over, window, "the run to finish");
  if (volley_run_get_state (run) != VOLLEY_RUN_STATE_FINISHED)
    g_error ("The run did not finish");
}

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(VolleyApplication) app = NULL;
  g_autoptr(GError) error = NULL;
  AdwStyleManager *style_manager;
  VolleyWindow *window;
  const char *examples_dir;
  const char *output_dir;

  if (argc != 3)
    {
      g_printerr ("Usage: %s EXAMPLES_DIR OUTPUT_DIR\n", g_get_prgname ());
      return 2;
    }
  examples_dir = argv[1];
  output_dir = argv[2];
  if (g_mkdir_with_parents (output_dir, 0755) != 0)
    g_error ("Could not create %s", output_dir);

  /* The recent files ask for it; g_application_run () would set it. */
  g_set_application_name (PACKAGE_NAME);

  /* Non-unique: there is no session bus under xvfb-run. */
  app = g_object_new (VOLLEY_TYPE_APPLICATION,
                      "application-id", APPLICATION_ID,
                      "flags", G_APPLICATION_NON_UNIQUE,
                      NULL);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("Could not start Volley: %s", error->message);

  /* No transition is ever caught half-way. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  style_manager = adw_style_manager_get_default ();
  adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_FORCE_LIGHT);

  window = volley_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), WINDOW_WIDTH, WINDOW_HEIGHT);
  open_example (window, examples_dir, "chat.volley.json");
  gtk_window_present (GTK_WINDOW (window));
  wait_for (is_mapped, window, "the window");
  fit_window (GTK_WIDGET (window));

  show_pages (window, "connection", "console");
  save_screenshot (GTK_WIDGET (window), output_dir, "editor");
  show_pages (window, "handlers", "console");
  save_screenshot (GTK_WIDGET (window), output_dir, "builder");
  show_pages (window, "scenario", "console");
  save_screenshot (GTK_WIDGET (window), output_dir, "scenario");

  show_pages (window, "connection", "console");
  fill_console (window);
  save_screenshot (GTK_WIDGET (window), output_dir, "console");

  show_pages (window, "handlers", "console");
  adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_FORCE_DARK);
  save_screenshot (GTK_WIDGET (window), output_dir, "window-dark");
  adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_FORCE_LIGHT);
  empty_console (window);

  open_example (window, examples_dir, "echo.volley.json");
  show_pages (window, "connection", "console");
  run_to_the_end (window);
  save_screenshot (GTK_WIDGET (window), output_dir, "run");

  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
