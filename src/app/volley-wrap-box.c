/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "volley-wrap-box"

#include "config.h"

#include "volley-wrap-box.h"

/* Lays its children out in a row, as a horizontal GtkBox does, and wraps
 * them onto more rows when the row is too narrow: the builder's fields stay
 * on one line beside their type in a wide window and flow under it in a
 * narrow one (the window folds down to 360 pixels). A child that expands
 * takes the room left on its line; one that does not keeps its natural
 * width. libadwaita 1.2 has no breakpoints, and GtkFlowBox makes every child
 * a focusable, selectable item. */
struct _VolleyWrapBox
{
  GtkWidget parent_instance;

  int       spacing;
  int       row_spacing;
};

static void volley_wrap_box_buildable_init (GtkBuildableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VolleyWrapBox, volley_wrap_box, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_BUILDABLE,
                                                      volley_wrap_box_buildable_init))

enum {
  PROP_0,
  PROP_SPACING,
  PROP_ROW_SPACING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];
static GtkBuildableIface *parent_buildable_iface;

/* A child's place: its line, and its width once the line is shared out. */
typedef struct
{
  GtkWidget *child;
  int        minimum;
  int        natural;
  int        width;
  guint      line;
} Item;

GtkWidget *
volley_wrap_box_new (void)
{
  return g_object_new (VOLLEY_TYPE_WRAP_BOX, NULL);
}

void
volley_wrap_box_append (VolleyWrapBox *self,
                        GtkWidget     *child)
{
  g_return_if_fail (VOLLEY_IS_WRAP_BOX (self));
  g_return_if_fail (GTK_IS_WIDGET (child));
  g_return_if_fail (gtk_widget_get_parent (child) == NULL);

  gtk_widget_set_parent (child, GTK_WIDGET (self));
}

static GArray *
volley_wrap_box_measure_items (VolleyWrapBox *self)
{
  GArray *items = g_array_new (FALSE, TRUE, sizeof (Item));

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      Item item = { child, 0, 0, 0, 0 };

      if (!gtk_widget_should_layout (child))
        continue;

      gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1,
                          &item.minimum, &item.natural, NULL, NULL);
      g_array_append_val (items, item);
    }

  return items;
}

/* How wide a child wants to be on a shared line: an expanding child can
 * shrink to its minimum, the others keep their natural width. */
static int
item_wanted_width (const Item *item)
{
  if (gtk_widget_compute_expand (item->child, GTK_ORIENTATION_HORIZONTAL))
    return item->minimum;

  return item->natural;
}

static void
volley_wrap_box_share_line (VolleyWrapBox *self,
                            Item          *items,
                            guint          n_items,
                            int            width)
{
  g_autofree GtkRequestedSize *sizes = g_new0 (GtkRequestedSize, n_items);
  int extra = width - self->spacing * ((int) n_items - 1);
  guint n_expanding = 0;

  for (guint i = 0; i < n_items; i++)
    {
      sizes[i].minimum_size = items[i].minimum;
      sizes[i].natural_size = items[i].natural;
      extra -= items[i].minimum;
      if (gtk_widget_compute_expand (items[i].child, GTK_ORIENTATION_HORIZONTAL))
        n_expanding++;
    }

  if (extra > 0)
    extra = gtk_distribute_natural_allocation (extra, n_items, sizes);

  for (guint i = 0; i < n_items; i++)
    {
      items[i].width = sizes[i].minimum_size;
      if (extra > 0 && n_expanding > 0 &&
          gtk_widget_compute_expand (items[i].child, GTK_ORIENTATION_HORIZONTAL))
        {
          int share = extra / (int) n_expanding;

          items[i].width += share;
          extra -= share;
          n_expanding--;
        }
    }
}

/* Breaks @items into lines for @width and shares each line out. Returns the
 * number of lines. */
static guint
volley_wrap_box_arrange (VolleyWrapBox *self,
                         GArray        *items,
                         int            width)
{
  guint line_start = 0;
  guint line = 0;
  int used = 0;

  for (guint i = 0; i < items->len; i++)
    {
      Item *item = &g_array_index (items, Item, i);
      int wanted = item_wanted_width (item);

      if (i > line_start && used + self->spacing + wanted > width)
        {
          volley_wrap_box_share_line (self, &g_array_index (items, Item, line_start),
                                      i - line_start, width);
          line_start = i;
          line++;
          used = 0;
        }

      used += (i > line_start ? self->spacing : 0) + wanted;
      item->line = line;
    }

  if (items->len == 0)
    return 0;

  volley_wrap_box_share_line (self, &g_array_index (items, Item, line_start),
                              items->len - line_start, width);
  return line + 1;
}

/* The height of each line, the tallest of its children at their widths. */
static int *
volley_wrap_box_line_heights (GArray *items,
                              guint   n_lines)
{
  int *heights = g_new0 (int, MAX (n_lines, 1));

  for (guint i = 0; i < items->len; i++)
    {
      Item *item = &g_array_index (items, Item, i);
      int natural = 0;

      gtk_widget_measure (item->child, GTK_ORIENTATION_VERTICAL, item->width,
                          NULL, &natural, NULL, NULL);
      heights[item->line] = MAX (heights[item->line], natural);
    }

  return heights;
}

static GtkSizeRequestMode
volley_wrap_box_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
volley_wrap_box_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  VolleyWrapBox *self = VOLLEY_WRAP_BOX (widget);
  g_autoptr(GArray) items = volley_wrap_box_measure_items (self);
  g_autofree int *heights = NULL;
  int width = 0;
  guint n_lines;

  *minimum = *natural = 0;

  /* Anything may wrap: the narrowest is the widest child alone. */
  for (guint i = 0; i < items->len; i++)
    {
      Item *item = &g_array_index (items, Item, i);

      *minimum = MAX (*minimum, item->minimum);
      width += (i > 0 ? self->spacing : 0) + item->natural;
    }

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *natural = width;
      return;
    }

  n_lines = volley_wrap_box_arrange (self, items, for_size >= 0 ? MAX (for_size, *minimum) : width);
  heights = volley_wrap_box_line_heights (items, n_lines);
  *minimum = 0;
  for (guint line = 0; line < n_lines; line++)
    *minimum += (line > 0 ? self->row_spacing : 0) + heights[line];
  *natural = *minimum;
}

static void
volley_wrap_box_size_allocate (GtkWidget *widget,
                               int        width,
                               int        height,
                               int        baseline)
{
  VolleyWrapBox *self = VOLLEY_WRAP_BOX (widget);
  g_autoptr(GArray) items = volley_wrap_box_measure_items (self);
  gboolean rtl = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL;
  g_autofree int *heights = NULL;
  guint n_lines = volley_wrap_box_arrange (self, items, width);
  guint line = 0;
  int x = 0;
  int y = 0;

  heights = volley_wrap_box_line_heights (items, n_lines);

  for (guint i = 0; i < items->len; i++)
    {
      Item *item = &g_array_index (items, Item, i);

      for (; line < item->line; line++)
        {
          y += heights[line] + self->row_spacing;
          x = 0;
        }

      gtk_widget_size_allocate (item->child,
                                &(GtkAllocation) {
                                  rtl ? width - x - item->width : x, y,
                                  item->width, heights[line],
                                },
                                -1);
      x += item->width + self->spacing;
    }
}

int
volley_wrap_box_get_spacing (VolleyWrapBox *self)
{
  g_return_val_if_fail (VOLLEY_IS_WRAP_BOX (self), 0);

  return self->spacing;
}

/**
 * volley_wrap_box_set_spacing:
 * @self: a #VolleyWrapBox
 * @spacing: the space between children on a line, in pixels
 */
void
volley_wrap_box_set_spacing (VolleyWrapBox *self,
                             int            spacing)
{
  g_return_if_fail (VOLLEY_IS_WRAP_BOX (self));
  g_return_if_fail (spacing >= 0);

  if (self->spacing == spacing)
    return;

  self->spacing = spacing;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPACING]);
}

int
volley_wrap_box_get_row_spacing (VolleyWrapBox *self)
{
  g_return_val_if_fail (VOLLEY_IS_WRAP_BOX (self), 0);

  return self->row_spacing;
}

/**
 * volley_wrap_box_set_row_spacing:
 * @self: a #VolleyWrapBox
 * @row_spacing: the space between lines, in pixels
 */
void
volley_wrap_box_set_row_spacing (VolleyWrapBox *self,
                                 int            row_spacing)
{
  g_return_if_fail (VOLLEY_IS_WRAP_BOX (self));
  g_return_if_fail (row_spacing >= 0);

  if (self->row_spacing == row_spacing)
    return;

  self->row_spacing = row_spacing;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROW_SPACING]);
}

static void
volley_wrap_box_buildable_add_child (GtkBuildable *buildable,
                                     GtkBuilder   *builder,
                                     GObject      *child,
                                     const char   *type)
{
  if (GTK_IS_WIDGET (child))
    volley_wrap_box_append (VOLLEY_WRAP_BOX (buildable), GTK_WIDGET (child));
  else
    parent_buildable_iface->add_child (buildable, builder, child, type);
}

static void
volley_wrap_box_buildable_init (GtkBuildableIface *iface)
{
  parent_buildable_iface = g_type_interface_peek_parent (iface);
  iface->add_child = volley_wrap_box_buildable_add_child;
}

static void
volley_wrap_box_dispose (GObject *object)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (volley_wrap_box_parent_class)->dispose (object);
}

static void
volley_wrap_box_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  VolleyWrapBox *self = VOLLEY_WRAP_BOX (object);

  switch (prop_id)
    {
    case PROP_SPACING:
      g_value_set_int (value, self->spacing);
      break;

    case PROP_ROW_SPACING:
      g_value_set_int (value, self->row_spacing);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_wrap_box_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  VolleyWrapBox *self = VOLLEY_WRAP_BOX (object);

  switch (prop_id)
    {
    case PROP_SPACING:
      volley_wrap_box_set_spacing (self, g_value_get_int (value));
      break;

    case PROP_ROW_SPACING:
      volley_wrap_box_set_row_spacing (self, g_value_get_int (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
volley_wrap_box_class_init (VolleyWrapBoxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = volley_wrap_box_dispose;
  object_class->get_property = volley_wrap_box_get_property;
  object_class->set_property = volley_wrap_box_set_property;

  widget_class->get_request_mode = volley_wrap_box_get_request_mode;
  widget_class->measure = volley_wrap_box_measure;
  widget_class->size_allocate = volley_wrap_box_size_allocate;

  properties[PROP_SPACING] =
    g_param_spec_int ("spacing", NULL, NULL,
                      0, G_MAXINT, 0,
                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_ROW_SPACING] =
    g_param_spec_int ("row-spacing", NULL, NULL,
                      0, G_MAXINT, 0,
                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
volley_wrap_box_init (VolleyWrapBox *self)
{
}
