/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "volley-run-event.h"

G_BEGIN_DECLS

/* The run's log in memory: an append-only store of compact 32-byte records
 * (no GObject per event) whose payloads live in arena blocks. It keeps up
 * to a bound of events; past it, the oldest are dropped a segment at a time
 * and counted as "only on disk" (the run's journal has them). Single-
 * threaded: append and read on one thread (the UI's); an export snapshot may
 * then be written from any thread.
 *
 * Positions (0 = the oldest event still in memory) shift when a segment is
 * dropped; sequence numbers (0 = the run's first event) never do. */

#define VOLLEY_LOG_STORE_DEFAULT_MAX_EVENTS 1000000

/* One segment: what is dropped at once. Small, so that a full store drops
 * a few thousand rows at a time rather than tens of thousands. */
#define VOLLEY_LOG_STORE_SEGMENT_EVENTS 4096

/* An event as read back from the store (the store keeps it packed). */
typedef struct
{
  gint64       time;
  gint64       value;
  guint32      vu;
  guint32      iteration;
  guint32      code;
  guint32      length;
  guint16      kind;
  guint16      flags;
  const char  *payload; /* into the store's arena, NUL-terminated */
} VolleyLogRecord;

G_STATIC_ASSERT (sizeof (VolleyLogRecord) <= 48);

typedef enum
{
  VOLLEY_LOG_FORMAT_JSON_LINES,
  VOLLEY_LOG_FORMAT_CSV,
} VolleyLogFormat;

typedef struct _VolleyLogStore VolleyLogStore;
typedef struct _VolleyLogFilter VolleyLogFilter;
typedef struct _VolleyLogExport VolleyLogExport;

/* Every kind of VolleyRunEventKind. */
#define VOLLEY_LOG_KINDS_ALL ((1u << (VOLLEY_RUN_EVENT_VU_STOP + 1)) - 1)
#define VOLLEY_LOG_KIND_BIT(kind) (1u << (kind))

typedef void (*VolleyLogProgress) (guint64  done,
                                   guint64  total,
                                   gpointer user_data);

VolleyLogStore        *volley_log_store_new              (gint64           start_time,
                                                          guint            max_events);
VolleyLogStore        *volley_log_store_ref              (VolleyLogStore  *store);
void                   volley_log_store_unref            (VolleyLogStore  *store);
gint64                 volley_log_store_get_start_time   (VolleyLogStore  *store);
void                   volley_log_store_append_batch     (VolleyLogStore  *store,
                                                          VolleyEventBatch *batch);
void                   volley_log_store_append           (VolleyLogStore  *store,
                                                          const VolleyRunEvent *event);
guint                  volley_log_store_get_n_items      (VolleyLogStore  *store);
guint64                volley_log_store_get_n_dropped    (VolleyLogStore  *store);
guint64                volley_log_store_get_n_total      (VolleyLogStore  *store);
gboolean               volley_log_store_get              (VolleyLogStore  *store,
                                                          guint            position,
                                                          VolleyLogRecord *record);
gboolean               volley_log_store_get_by_seq       (VolleyLogStore  *store,
                                                          guint64          seq,
                                                          VolleyLogRecord *record);
gsize                  volley_log_store_get_memory_size  (VolleyLogStore  *store);

/* A filtered view: the sequence numbers of the records that match, kept up
 * to date incrementally by volley_log_filter_update(), which only tests the
 * records appended since its last call. With no criteria, it keeps no index
 * at all: its positions are the store's. */
VolleyLogFilter       *volley_log_filter_new             (VolleyLogStore  *store);
void                   volley_log_filter_free            (VolleyLogFilter *filter);
void                   volley_log_filter_set_kinds       (VolleyLogFilter *filter,
                                                          guint32          kinds);
guint32                volley_log_filter_get_kinds       (VolleyLogFilter *filter);
void                   volley_log_filter_set_vu          (VolleyLogFilter *filter,
                                                          gint64           vu);
gboolean               volley_log_filter_set_text        (VolleyLogFilter *filter,
                                                          const char      *text,
                                                          gboolean         regex,
                                                          GError         **error);
gboolean               volley_log_filter_is_identity     (VolleyLogFilter *filter);
void                   volley_log_filter_refilter        (VolleyLogFilter *filter);
void                   volley_log_filter_update          (VolleyLogFilter *filter,
                                                          guint           *removed,
                                                          guint           *added);
gboolean               volley_log_filter_matches         (VolleyLogFilter *filter,
                                                          const VolleyLogRecord *record);
guint                  volley_log_filter_get_n_items     (VolleyLogFilter *filter);
guint64                volley_log_filter_get_seq         (VolleyLogFilter *filter,
                                                          guint            position);
gsize                  volley_log_filter_get_memory_size (VolleyLogFilter *filter);

/* Export: a snapshot taken on the store's thread (of the whole store, or
 * of @filter's view when it is not NULL), written from any thread. */
VolleyLogExport       *volley_log_export_new             (VolleyLogStore  *store,
                                                          VolleyLogFilter *filter);
guint64                volley_log_export_get_n_items     (VolleyLogExport *export);
gboolean               volley_log_export_write           (VolleyLogExport *export,
                                                          VolleyLogFormat  format,
                                                          GOutputStream   *stream,
                                                          VolleyLogProgress progress,
                                                          gpointer         user_data,
                                                          GCancellable    *cancellable,
                                                          GError         **error);
void                   volley_log_export_free            (VolleyLogExport *export);

void                   volley_log_format_csv_line        (GString         *out,
                                                          const VolleyLogRecord *record,
                                                          gint64           start_time);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VolleyLogStore, volley_log_store_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VolleyLogFilter, volley_log_filter_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VolleyLogExport, volley_log_export_free)

G_END_DECLS
