/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "volley-application.h"

G_BEGIN_DECLS

/* What the GUI tests share, as libsoup's tests share test-utils.c. */

#define VOLLEY_TEST_WAIT_USEC (20 * G_USEC_PER_SEC)

/* Runs the default main context until @condition holds; a condition that
 * never comes true fails the test, naming what it waited for. A timer keeps
 * the loop waking for conditions that no source announces. */
#define WAIT_FOR(condition)                                              \
  G_STMT_START {                                                         \
    gint64 deadline_ = g_get_monotonic_time () + VOLLEY_TEST_WAIT_USEC;  \
    guint wake_ = g_timeout_add (10, volley_test_keep_waking_cb, NULL);  \
    while (!(condition))                                                 \
      {                                                                  \
        if (g_get_monotonic_time () > deadline_)                         \
          g_error ("Timed out waiting for %s", #condition);              \
        g_main_context_iteration (NULL, TRUE);                           \
      }                                                                  \
    g_source_remove (wake_);                                             \
  } G_STMT_END

gboolean           volley_test_keep_waking_cb        (gpointer           user_data);
char              *volley_test_isolate_home          (const char        *name);
VolleyApplication *volley_test_application_new       (GApplicationFlags  flags);
GtkWindow         *volley_test_find_file_chooser     (void);
gboolean           volley_test_file_chooser_has_file (GtkWindow         *chooser,
                                                      GFile             *file);

G_END_DECLS
