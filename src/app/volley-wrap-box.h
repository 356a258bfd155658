/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define VOLLEY_TYPE_WRAP_BOX (volley_wrap_box_get_type ())

G_DECLARE_FINAL_TYPE (VolleyWrapBox, volley_wrap_box, VOLLEY, WRAP_BOX, GtkWidget)

GtkWidget *volley_wrap_box_new             (void);
void       volley_wrap_box_append          (VolleyWrapBox *self,
                                            GtkWidget     *child);
int        volley_wrap_box_get_spacing     (VolleyWrapBox *self);
void       volley_wrap_box_set_spacing     (VolleyWrapBox *self,
                                            int            spacing);
int        volley_wrap_box_get_row_spacing (VolleyWrapBox *self);
void       volley_wrap_box_set_row_spacing (VolleyWrapBox *self,
                                            int            row_spacing);

G_END_DECLS
