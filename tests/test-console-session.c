/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "volley-console-session.h"
#include "volley-echo-server.h"
#include "volley-error.h"

/* The interactive console's session against the embedded echo server, on
 * this thread's default main context as the UI thread would use it. Every
 * test asserts the entries a user would see in the console's list. Every
 * wait is bounded. */

#define WAIT_SECONDS 10

#define WAIT_UNTIL(condition)                                                   \
  G_STMT_START {                                                                \
    gint64 wait_end_ = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC; \
    while (!(condition) && g_get_monotonic_time () < wait_end_)                 \
      g_main_context_iteration (NULL, FALSE);                                   \
    if (!(condition))                                                           \
      g_error ("Timed out waiting for %s", #condition);                         \
  } G_STMT_END

typedef struct
{
  VolleyConsoleSession *session;
  char                 *echo_url;
  gboolean              connect_done;
  gboolean              connected;
  GError               *connect_error;
} Fixture;

static VolleyProfile *
profile_new (const char *json,
             const char *url)
{
  g_autoptr(GString) data = g_string_new (json);
  g_autoptr(GError) error = NULL;
  VolleyProfile *profile;

  /* Profiles are written with ' for ", and @URL@ for the server. */
  g_strdelimit (data->str, "'", '"');
  g_string_replace (data, "@URL@", url, 0);

  profile = volley_profile_new_from_data (data->str, (gssize) data->len, &error);
  g_assert_no_error (error);

  return profile;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  VolleyEchoServer *server = volley_echo_server_get_default (&error);

  g_assert_no_error (error);
  fixture->echo_url = volley_echo_server_dup_url (server);
  fixture->session = volley_console_session_new ();
  g_object_add_weak_pointer (G_OBJECT (fixture->session), (gpointer *) &fixture->session);
}

/* Nothing may keep the session alive once the test lets it go. */
static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (volley_console_session_get_state (fixture->session) == VOLLEY_CONSOLE_STATE_OPEN)
    volley_console_session_disconnect (fixture->session);
  WAIT_UNTIL (volley_console_session_get_state (fixture->session) ==
              VOLLEY_CONSOLE_STATE_DISCONNECTED);

  g_object_unref (fixture->session);
  g_assert_null (fixture->session);
  g_clear_error (&fixture->connect_error);
  g_free (fixture->echo_url);
}

static void
connect_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Fixture *fixture = user_data;

  fixture->connected = volley_console_session_connect_finish (VOLLEY_CONSOLE_SESSION (source),
                                                              result, &fixture->connect_error);
  fixture->connect_done = TRUE;
}

static gboolean
fixture_connect (Fixture    *fixture,
                 const char *json,
                 const char *url)
{
  g_autoptr(VolleyProfile) profile = profile_new (json, url);

  fixture->connect_done = FALSE;
  g_clear_error (&fixture->connect_error);
  volley_console_session_connect_async (fixture->session, profile, NULL, connect_cb, fixture);
  WAIT_UNTIL (fixture->connect_done);

  return fixture->connected;
}

static void
fixture_connect_echo (Fixture *fixture)
{
  g_assert_true (fixture_connect (fixture, "{'volley': 1, 'url': '@URL@'}", fixture->echo_url));
  g_assert_no_error (fixture->connect_error);
  g_assert_cmpint (volley_console_session_get_state (fixture->session), ==,
                   VOLLEY_CONSOLE_STATE_OPEN);
}

static guint
count_entries (Fixture *fixture)
{
  return g_list_model_get_n_items (volley_console_session_get_entries (fixture->session));
}

/* The last entry that went @direction and is of @kind, or NULL. */
static VolleyConsoleEntry *
find_entry (Fixture                *fixture,
            VolleyConsoleDirection  direction,
            VolleyConsoleEntryKind  kind)
{
  GListModel *entries = volley_console_session_get_entries (fixture->session);

  for (guint i = g_list_model_get_n_items (entries); i > 0; i--)
    {
      g_autoptr(VolleyConsoleEntry) entry = g_list_model_get_item (entries, i - 1);

      if (volley_console_entry_get_direction (entry) == direction &&
          volley_console_entry_get_kind (entry) == kind)
        return entry;
    }

  return NULL;
}

static gboolean
received_text (Fixture    *fixture,
               const char *text)
{
  VolleyConsoleEntry *entry = find_entry (fixture, VOLLEY_CONSOLE_DIRECTION_RECEIVED,
                                          VOLLEY_CONSOLE_ENTRY_TEXT);

  return entry != NULL && g_strcmp0 (volley_console_entry_get_text (entry), text) == 0;
}

static VolleyConsoleEntry *
get_entry (Fixture *fixture,
           guint    position)
{
  g_autoptr(VolleyConsoleEntry) entry = NULL;

  entry = g_list_model_get_item (volley_console_session_get_entries (fixture->session), position);
  g_assert_nonnull (entry);

  return entry;
}

static void
test_connect (Fixture       *fixture,
              gconstpointer  data)
{
  VolleyConsoleEntry *entry;

  g_assert_cmpint (volley_console_session_get_state (fixture->session), ==,
                   VOLLEY_CONSOLE_STATE_DISCONNECTED);
  fixture_connect_echo (fixture);

  g_assert_cmpstr (volley_console_session_get_url (fixture->session), ==, fixture->echo_url);
  g_assert_null (volley_console_session_get_protocol (fixture->session));
  g_assert_cmpuint (count_entries (fixture), ==, 2);

  entry = get_entry (fixture, 0);
  g_assert_cmpint (volley_console_entry_get_kind (entry), ==, VOLLEY_CONSOLE_ENTRY_CONNECTING);
  g_assert_cmpstr (volley_console_entry_get_text (entry), ==, fixture->echo_url);
  g_assert_true (g_str_has_suffix (volley_console_entry_get_preview (entry), fixture->echo_url));

  entry = get_entry (fixture, 1);
  g_assert_cmpint (volley_console_entry_get_direction (entry), ==, VOLLEY_CONSOLE_DIRECTION_INFO);
  g_assert_cmpint (volley_console_entry_get_kind (entry), ==, VOLLEY_CONSOLE_ENTRY_OPEN);
  g_assert_true (g_str_has_prefix (volley_console_entry_get_text (entry), "Connected in "));
}

/* The params shape the handshake: the server picks the "echo" subprotocol
 * when offered, and templates expand as for VU 1. */
static void
test_connect_params (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *expected = g_strconcat (fixture->echo_url, "?vu=1&iter=0", NULL);

  g_assert_true (fixture_connect (fixture,
                                  "{'volley': 1, 'url': '@URL@?vu={{vu}}&iter={{iter}}',"
                                  " 'params': {'subprotocols': ['echo']}}",
                                  fixture->echo_url));
  g_assert_cmpstr (volley_console_session_get_url (fixture->session), ==, expected);
  g_assert_cmpstr (volley_console_session_get_protocol (fixture->session), ==, "echo");
  g_assert_nonnull (strstr (volley_console_entry_get_text (get_entry (fixture, 1)), "“echo”"));
}

static void
test_connect_twice (Fixture       *fixture,
                    gconstpointer  data)
{
  fixture_connect_echo (fixture);

  g_assert_false (fixture_connect (fixture, "{'volley': 1, 'url': '@URL@'}", fixture->echo_url));
  g_assert_error (fixture->connect_error, VOLLEY_ERROR, VOLLEY_ERROR_FAILED);
  g_assert_cmpint (volley_console_session_get_state (fixture->session), ==,
                   VOLLEY_CONSOLE_STATE_OPEN);
}

static void
test_send_text (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  VolleyConsoleEntry *sent;
  VolleyConsoleEntry *received;

  fixture_connect_echo (fixture);

  g_assert_true (volley_console_session_send_text (fixture->session, "hello", &error));
  g_assert_no_error (error);

  sent = find_entry (fixture, VOLLEY_CONSOLE_DIRECTION_SENT, VOLLEY_CONSOLE_ENTRY_TEXT);
  g_assert_nonnull (sent);
  g_assert_cmpstr (volley_console_entry_get_text (sent), ==, "hello");
  g_assert_cmpuint (volley_console_entry_get_size (sent), ==, 5);

  WAIT_UNTIL (received_text (fixture, "hello"));
  received = find_entry (fixture, VOLLEY_CONSOLE_DIRECTION_RECEIVED, VOLLEY_CONSOLE_ENTRY_TEXT);
  g_assert_cmpuint (volley_console_entry_get_size (received), ==, 5);
  g_assert_cmpstr (volley_console_entry_get_preview (received), ==, "hello");
  g_assert_nonnull (volley_console_entry_get_time (received));
}

/* An empty message is a message too. */
static void
test_send_empty (Fixture       *fixture,
                 gconstpointer  data)
{
  VolleyConsoleEntry *entry;

  fixture_connect_echo (fixture);

  g_assert_true (volley_console_session_send_text (fixture->session, "", NULL));
  WAIT_UNTIL (received_text (fixture, ""));
  entry = find_entry (fixture, VOLLEY_CONSOLE_DIRECTION_RECEIVED, VOLLEY_CONSOLE_ENTRY_TEXT);
  g_assert_cmpuint (volley_console_entry_get_size (entry), ==, 0);
  g_assert_cmpstr (volley_console_entry_get_preview (entry), ==, "(empty)");
}

/* A pretty-printed message previews on one line. */
static void
test_send_multiline (Fixture       *fixture,
                     gconstpointer  data)
{
  const char *json = "{\n  \"a\" : 1,\n  \"b\" : [\n    2\n  ]\n}";
  VolleyConsoleEntry *received;

  fixture_connect_echo (fixture);

  g_assert_true (volley_console_session_send_text (fixture->session, json, NULL));
  WAIT_UNTIL (received_text (fixture, json));

  received = find_entry (fixture, VOLLEY_CONSOLE_DIRECTION_RECEIVED, VOLLEY_CONSOLE_ENTRY_TEXT);
  g_assert_cmpstr (volley_console_entry_get_preview (received), ==, "{ \"a\" : 1, \"b\" : [ 2 ] }");
}

static gboolean
received_bytes (Fixture *fixture,
                GBytes  *bytes)
{
  VolleyConsoleEntry *entry = find_entry (fixture, VOLLEY_CONSOLE_DIRECTION_RECEIVED,
                                          VOLLEY_CONSOLE_ENTRY_BINARY);

  return entry != NULL && g_bytes_equal (volley_console_entry_get_bytes (entry), bytes);
}

static void
test_send_binary (Fixture       *fixture,
                  gconstpointer  data)
{
  static const guint8 payload[] = { 0x00, 0x01, 0x7f, 0xff };
  g_autoptr(GBytes) bytes = g_bytes_new_static (payload, sizeof payload);
  g_autoptr(GError) error = NULL;
  VolleyConsoleEntry *received;

  fixture_connect_echo (fixture);

  g_assert_true (volley_console_session_send_binary (fixture->session, bytes, &error));
  g_assert_no_error (error);
  WAIT_UNTIL (received_bytes (fixture, bytes));

  received = find_entry (fixture, VOLLEY_CONSOLE_DIRECTION_RECEIVED, VOLLEY_CONSOLE_ENTRY_BINARY);
  g_assert_null (volley_console_entry_get_text (received));
  g_assert_cmpuint (volley_console_entry_get_size (received), ==, 4);
  g_assert_cmpstr (volley_console_entry_get_preview (received), ==, "00 01 7f ff");
}

static gboolean
has_pong (Fixture    *fixture,
          const char *payload)
{
  VolleyConsoleEntry *entry = find_entry (fixture, VOLLEY_CONSOLE_DIRECTION_RECEIVED,
                                          VOLLEY_CONSOLE_ENTRY_PONG);
  g_autoptr(GBytes) expected = g_bytes_new (payload, strlen (payload));

  return entry != NULL && g_bytes_equal (volley_console_entry_get_bytes (entry), expected);
}

static void
test_ping (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  VolleyConsoleEntry *pong;

  fixture_connect_echo (fixture);

  g_assert_true (volley_console_session_ping (fixture->session, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (volley_console_entry_get_preview (find_entry (fixture, VOLLEY_CONSOLE_DIRECTION_SENT,
                                                                 VOLLEY_CONSOLE_ENTRY_PING)),
                   ==, "Ping “0”");
  WAIT_UNTIL (has_pong (fixture, "0"));

  /* The payload counts up; the pong gives the round trip. */
  g_assert_true (volley_console_session_ping (fixture->session, NULL));
  WAIT_UNTIL (has_pong (fixture, "1"));
  pong = find_entry (fixture, VOLLEY_CONSOLE_DIRECTION_RECEIVED, VOLLEY_CONSOLE_ENTRY_PONG);
  g_assert_true (g_str_has_suffix (volley_console_entry_get_text (pong), " ms"));
  g_assert_true (g_str_has_prefix (volley_console_entry_get_preview (pong), "Pong “1” after "));
}

static void
test_close_code (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  VolleyConsoleEntry *entry;

  fixture_connect_echo (fixture);

  g_assert_true (volley_console_session_close (fixture->session, 4000, "bye", &error));
  g_assert_no_error (error);
  g_assert_cmpint (volley_console_session_get_state (fixture->session), ==,
                   VOLLEY_CONSOLE_STATE_CLOSING);
  entry = find_entry (fixture, VOLLEY_CONSOLE_DIRECTION_SENT, VOLLEY_CONSOLE_ENTRY_CLOSE);
  g_assert_cmpuint (volley_console_entry_get_code (entry), ==, 4000);
  g_assert_cmpstr (volley_console_entry_get_preview (entry), ==, "Close 4000 “bye”");

  WAIT_UNTIL (volley_console_session_get_state (fixture->session) ==
              VOLLEY_CONSOLE_STATE_DISCONNECTED);
  g_assert_cmpuint (volley_console_session_get_close_code (fixture->session), ==, 4000);
  g_assert_cmpstr (volley_console_session_get_close_reason (fixture->session), ==, "bye");

  entry = get_entry (fixture, count_entries (fixture) - 1);
  g_assert_cmpint (volley_console_entry_get_direction (entry), ==, VOLLEY_CONSOLE_DIRECTION_INFO);
  g_assert_cmpint (volley_console_entry_get_kind (entry), ==, VOLLEY_CONSOLE_ENTRY_CLOSE);
  g_assert_cmpuint (volley_console_entry_get_code (entry), ==, 4000);

  /* Nothing goes out once closed. */
  g_assert_false (volley_console_session_send_text (fixture->session, "late", &error));
  g_assert_error (error, VOLLEY_ERROR, VOLLEY_ERROR_FAILED);
}

/* Codes libsoup will not send itself still go out, as a VU sends them. */
static void
test_close_code_1011 (Fixture       *fixture,
                      gconstpointer  data)
{
  fixture_connect_echo (fixture);

  g_assert_true (volley_console_session_close (fixture->session, 1011, NULL, NULL));
  WAIT_UNTIL (volley_console_session_get_state (fixture->session) ==
              VOLLEY_CONSOLE_STATE_DISCONNECTED);
  g_assert_cmpuint (volley_console_session_get_close_code (fixture->session), ==, 1011);
  g_assert_null (volley_console_session_get_close_reason (fixture->session));
}

static void
test_close_invalid (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *long_reason = g_strnfill (124, 'x');
  g_autoptr(GError) error = NULL;

  fixture_connect_echo (fixture);

  g_assert_false (volley_console_session_close (fixture->session, 999, NULL, &error));
  g_assert_error (error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "999 is not a valid close code (expected 1000–4999)");
  g_clear_error (&error);

  g_assert_false (volley_console_session_close (fixture->session, 1005, NULL, &error));
  g_assert_error (error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_false (volley_console_session_close (fixture->session, 1000, long_reason, &error));
  g_assert_error (error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID);

  g_assert_cmpint (volley_console_session_get_state (fixture->session), ==,
                   VOLLEY_CONSOLE_STATE_OPEN);
}

static void
test_disconnect (Fixture       *fixture,
                 gconstpointer  data)
{
  fixture_connect_echo (fixture);

  volley_console_session_disconnect (fixture->session);
  WAIT_UNTIL (volley_console_session_get_state (fixture->session) ==
              VOLLEY_CONSOLE_STATE_DISCONNECTED);
  g_assert_cmpuint (volley_console_session_get_close_code (fixture->session), ==, 1000);

  /* And again, on the same session. */
  fixture_connect_echo (fixture);
  g_assert_cmpuint (volley_console_session_get_close_code (fixture->session), ==, 0);
}

/* Disconnecting while connecting stops the dial. */
static void
test_disconnect_connecting (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(VolleyProfile) profile = profile_new ("{'volley': 1, 'url': '@URL@'}", fixture->echo_url);
  VolleyConsoleEntry *entry;

  volley_console_session_connect_async (fixture->session, profile, NULL, connect_cb, fixture);
  g_assert_cmpint (volley_console_session_get_state (fixture->session), ==,
                   VOLLEY_CONSOLE_STATE_CONNECTING);
  volley_console_session_disconnect (fixture->session);
  WAIT_UNTIL (fixture->connect_done);

  g_assert_false (fixture->connected);
  g_assert_error (fixture->connect_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (volley_console_session_get_state (fixture->session), ==,
                   VOLLEY_CONSOLE_STATE_DISCONNECTED);
  entry = find_entry (fixture, VOLLEY_CONSOLE_DIRECTION_ERROR, VOLLEY_CONSOLE_ENTRY_ERROR);
  g_assert_cmpstr (volley_console_entry_get_text (entry), ==, "Connecting was cancelled");
}

/* The server closes after its first echo, with its own code. */
static void
test_peer_close (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *url = g_strconcat (fixture->echo_url,
                                      "?close_after=1&close_code=4001&close_reason=done", NULL);
  VolleyConsoleEntry *entry;

  g_assert_true (fixture_connect (fixture, "{'volley': 1, 'url': '@URL@'}", url));
  g_assert_true (volley_console_session_send_text (fixture->session, "last", NULL));

  WAIT_UNTIL (volley_console_session_get_state (fixture->session) ==
              VOLLEY_CONSOLE_STATE_DISCONNECTED);
  g_assert_true (received_text (fixture, "last"));
  g_assert_cmpuint (volley_console_session_get_close_code (fixture->session), ==, 4001);
  g_assert_cmpstr (volley_console_session_get_close_reason (fixture->session), ==, "done");

  entry = find_entry (fixture, VOLLEY_CONSOLE_DIRECTION_RECEIVED, VOLLEY_CONSOLE_ENTRY_CLOSE);
  g_assert_cmpuint (volley_console_entry_get_code (entry), ==, 4001);
  g_assert_cmpstr (volley_console_entry_get_preview (entry), ==, "Server closed 4001 “done”");
}

/* A port that nothing listens on: found by listening, then closing. */
static guint16
find_refused_port (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  guint16 port = g_socket_listener_add_any_inet_port (listener, NULL, &error);

  g_assert_no_error (error);
  g_socket_listener_close (listener);

  return port;
}

static void
test_refused (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *url = g_strdup_printf ("ws://127.0.0.1:%u/", find_refused_port ());
  VolleyConsoleEntry *entry;

  g_assert_false (fixture_connect (fixture, "{'volley': 1, 'url': '@URL@'}", url));
  g_assert_error (fixture->connect_error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  g_assert_cmpint (volley_console_session_get_state (fixture->session), ==,
                   VOLLEY_CONSOLE_STATE_DISCONNECTED);

  entry = find_entry (fixture, VOLLEY_CONSOLE_DIRECTION_ERROR, VOLLEY_CONSOLE_ENTRY_ERROR);
  g_assert_nonnull (entry);
  g_assert_cmpstr (volley_console_entry_get_text (entry), ==, fixture->connect_error->message);
  g_assert_nonnull (strstr (volley_console_entry_get_text (entry), "refused"));
}

/* The server answers, but not with a WebSocket: what it said is shown. */
static void
test_refused_handshake (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *url = g_strconcat (fixture->echo_url, "?close_code=999", NULL);
  VolleyConsoleEntry *entry;

  g_assert_false (fixture_connect (fixture, "{'volley': 1, 'url': '@URL@'}", url));
  entry = find_entry (fixture, VOLLEY_CONSOLE_DIRECTION_ERROR, VOLLEY_CONSOLE_ENTRY_ERROR);
  g_assert_nonnull (strstr (volley_console_entry_get_text (entry), "400"));
  g_assert_nonnull (strstr (volley_console_entry_get_text (entry), "400 Bad Request: In the URL: The close code 999"));
}

/* A profile that does not validate names the problem where it is. */
static void
test_invalid_profile (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(VolleyProfile) profile = volley_profile_new ();
  VolleyConsoleEntry *entry;

  volley_profile_set_url (profile, "http://127.0.0.1/");
  fixture->connect_done = FALSE;
  volley_console_session_connect_async (fixture->session, profile, NULL, connect_cb, fixture);
  WAIT_UNTIL (fixture->connect_done);

  g_assert_false (fixture->connected);
  g_assert_error (fixture->connect_error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID);
  entry = find_entry (fixture, VOLLEY_CONSOLE_DIRECTION_ERROR, VOLLEY_CONSOLE_ENTRY_ERROR);
  g_assert_true (g_str_has_prefix (volley_console_entry_get_text (entry), "url: "));
  g_assert_cmpint (volley_console_session_get_state (fixture->session), ==,
                   VOLLEY_CONSOLE_STATE_DISCONNECTED);
}

/* What only a run uses (the scenario, thresholds) does not stop the
 * console, even when a run would refuse it. */
static void
test_ignores_scenario (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(VolleyProfile) profile = profile_new ("{'volley': 1, 'url': '@URL@'}", fixture->echo_url);

  volley_scenario_set_vus (volley_profile_get_scenario (profile), 0);
  g_assert_false (volley_profile_validate (profile, NULL));

  volley_console_session_connect_async (fixture->session, profile, NULL, connect_cb, fixture);
  WAIT_UNTIL (fixture->connect_done);
  g_assert_no_error (fixture->connect_error);
  g_assert_true (fixture->connected);
}

static const char handlers_profile[] =
  "{'volley': 1, 'url': '@URL@', 'handlers': ["
  "  {'event': 'open', 'actions': [{'action': 'send', 'text': 'hi'}]},"
  "  {'event': 'message', 'match': {'type': 'equals', 'text': 'hi'}, 'actions': ["
  "    {'action': 'check', 'name': 'echoed', 'match': {'type': 'equals', 'text': 'hi'}},"
  "    {'action': 'log', 'text': 'seq {{seq}}'}"
  "  ]}"
  "]}";

static void
test_run_handlers (Fixture       *fixture,
                   gconstpointer  data)
{
  VolleyConsoleEntry *entry;

  volley_console_session_set_run_handlers (fixture->session, TRUE);
  g_assert_true (fixture_connect (fixture, handlers_profile, fixture->echo_url));

  WAIT_UNTIL (received_text (fixture, "hi"));
  entry = find_entry (fixture, VOLLEY_CONSOLE_DIRECTION_INFO, VOLLEY_CONSOLE_ENTRY_CHECK);
  g_assert_nonnull (entry);
  g_assert_cmpstr (volley_console_entry_get_preview (entry), ==, "Check “echoed” passed");
  entry = find_entry (fixture, VOLLEY_CONSOLE_DIRECTION_INFO, VOLLEY_CONSOLE_ENTRY_LOG);
  g_assert_cmpstr (volley_console_entry_get_text (entry), ==, "seq 1");

  /* The handler runs for every echo, ours too; a failed check says so. */
  g_assert_true (volley_console_session_send_text (fixture->session, "hi", NULL));
  WAIT_UNTIL (find_entry (fixture, VOLLEY_CONSOLE_DIRECTION_INFO, VOLLEY_CONSOLE_ENTRY_LOG) != entry);
  entry = find_entry (fixture, VOLLEY_CONSOLE_DIRECTION_INFO, VOLLEY_CONSOLE_ENTRY_LOG);
  g_assert_cmpstr (volley_console_entry_get_text (entry), ==, "seq 2");
}

/* Off, the same profile sends nothing: the pong of a ping sent after the
 * open comes back with no "hi" before it, as the echo keeps the order. */
static void
test_handlers_off (Fixture       *fixture,
                   gconstpointer  data)
{
  g_assert_false (volley_console_session_get_run_handlers (fixture->session));
  g_assert_true (fixture_connect (fixture, handlers_profile, fixture->echo_url));

  g_assert_true (volley_console_session_ping (fixture->session, NULL));
  WAIT_UNTIL (has_pong (fixture, "0"));
  g_assert_null (find_entry (fixture, VOLLEY_CONSOLE_DIRECTION_SENT, VOLLEY_CONSOLE_ENTRY_TEXT));
  g_assert_null (find_entry (fixture, VOLLEY_CONSOLE_DIRECTION_RECEIVED, VOLLEY_CONSOLE_ENTRY_TEXT));
}

/* A handler's close ends the connection with its code; a timer runs and
 * stops with the socket. */
static void
test_handlers_close (Fixture       *fixture,
                     gconstpointer  data)
{
  VolleyConsoleEntry *entry;

  volley_console_session_set_run_handlers (fixture->session, TRUE);
  g_assert_true (fixture_connect (fixture,
                                  "{'volley': 1, 'url': '@URL@', 'handlers': ["
                                  "  {'event': 'open', 'actions': [{'action': 'setTimeout', 'ms': 10, 'actions': ["
                                  "    {'action': 'send', 'text': 'tick'},"
                                  "    {'action': 'close', 'code': 4002, 'reason': 'timer'}]}]},"
                                  "  {'event': 'close', 'actions': [{'action': 'log', 'text': 'closing'},"
                                  "                                  {'action': 'send', 'text': 'too late'}]}"
                                  "]}",
                                  fixture->echo_url));

  WAIT_UNTIL (volley_console_session_get_state (fixture->session) ==
              VOLLEY_CONSOLE_STATE_DISCONNECTED);
  g_assert_cmpuint (volley_console_session_get_close_code (fixture->session), ==, 4002);
  entry = find_entry (fixture, VOLLEY_CONSOLE_DIRECTION_SENT, VOLLEY_CONSOLE_ENTRY_TEXT);
  g_assert_nonnull (entry);
  g_assert_cmpstr (volley_console_entry_get_text (entry), ==, "tick");
  entry = find_entry (fixture, VOLLEY_CONSOLE_DIRECTION_INFO, VOLLEY_CONSOLE_ENTRY_LOG);
  g_assert_cmpstr (volley_console_entry_get_text (entry), ==, "closing");
  entry = find_entry (fixture, VOLLEY_CONSOLE_DIRECTION_ERROR, VOLLEY_CONSOLE_ENTRY_ERROR);
  g_assert_cmpstr (volley_console_entry_get_text (entry), ==, "send: the connection is closed");
}

static void
test_send_message (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(VolleySavedMessage) text = volley_saved_message_new ("t", VOLLEY_MESSAGE_TEXT, "plain");
  g_autoptr(VolleySavedMessage) json = volley_saved_message_new ("j", VOLLEY_MESSAGE_JSON, "{bad");
  g_autoptr(VolleySavedMessage) hex = volley_saved_message_new ("h", VOLLEY_MESSAGE_HEX, "68 69");
  g_autoptr(GBytes) hi = g_bytes_new_static ("hi", 2);
  g_autoptr(GError) error = NULL;

  fixture_connect_echo (fixture);

  g_assert_true (volley_console_session_send_message (fixture->session, text, &error));
  g_assert_no_error (error);
  WAIT_UNTIL (received_text (fixture, "plain"));

  g_assert_false (volley_console_session_send_message (fixture->session, json, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  g_assert_true (volley_console_session_send_message (fixture->session, hex, &error));
  g_assert_no_error (error);
  WAIT_UNTIL (received_bytes (fixture, hi));
}

static void
test_clear (Fixture       *fixture,
            gconstpointer  data)
{
  fixture_connect_echo (fixture);
  g_assert_cmpuint (count_entries (fixture), >, 0);

  volley_console_session_clear (fixture->session);
  g_assert_cmpuint (count_entries (fixture), ==, 0);
  g_assert_cmpint (volley_console_session_get_state (fixture->session), ==,
                   VOLLEY_CONSOLE_STATE_OPEN);
}

static void
assert_parses (VolleyMessageFormat  format,
               const char          *text,
               const char          *expected,
               gsize                length)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = volley_console_parse_binary (format, text, &error);
  g_autoptr(GBytes) wanted = g_bytes_new_static (expected, length);

  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (bytes, wanted));
}

static void
assert_rejects (VolleyMessageFormat  format,
                const char          *text,
                const char          *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = volley_console_parse_binary (format, text, &error);

  g_assert_null (bytes);
  g_assert_error (error, VOLLEY_ERROR, VOLLEY_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, message);
}

static void
test_parse_binary (void)
{
  assert_parses (VOLLEY_MESSAGE_HEX, "48 65 6C\n6c6f", "Hello", 5);
  assert_parses (VOLLEY_MESSAGE_HEX, "", "", 0);
  assert_parses (VOLLEY_MESSAGE_HEX, "00ff", "\0\xff", 2);
  assert_rejects (VOLLEY_MESSAGE_HEX, "48 6g", "“g” at character 5 is not a hexadecimal digit");
  assert_rejects (VOLLEY_MESSAGE_HEX, "48 6", "The last byte has one hexadecimal digit; a byte takes two");

  assert_parses (VOLLEY_MESSAGE_BASE64, "aGk=", "hi", 2);
  assert_parses (VOLLEY_MESSAGE_BASE64, "SGVs\nbG8=", "Hello", 5);
  assert_rejects (VOLLEY_MESSAGE_BASE64, "aGk", "The length of base64 is a multiple of 4 (is padding “=” missing?)");
  assert_rejects (VOLLEY_MESSAGE_BASE64, "aG$=", "Character 3 is not valid base64");
  assert_rejects (VOLLEY_MESSAGE_BASE64, "aG=k", "Character 4 is not valid base64");
}

static void
add_test (const char *path,
          void (*test) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, NULL, fixture_set_up, test, fixture_tear_down);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  add_test ("/volley/engine/console-session/connect", test_connect);
  add_test ("/volley/engine/console-session/connect-params", test_connect_params);
  add_test ("/volley/engine/console-session/connect-twice", test_connect_twice);
  add_test ("/volley/engine/console-session/send-text", test_send_text);
  add_test ("/volley/engine/console-session/send-empty", test_send_empty);
  add_test ("/volley/engine/console-session/send-multiline", test_send_multiline);
  add_test ("/volley/engine/console-session/send-binary", test_send_binary);
  add_test ("/volley/engine/console-session/ping", test_ping);
  add_test ("/volley/engine/console-session/close-code", test_close_code);
  add_test ("/volley/engine/console-session/close-code-1011", test_close_code_1011);
  add_test ("/volley/engine/console-session/close-invalid", test_close_invalid);
  add_test ("/volley/engine/console-session/disconnect", test_disconnect);
  add_test ("/volley/engine/console-session/disconnect-connecting", test_disconnect_connecting);
  add_test ("/volley/engine/console-session/peer-close", test_peer_close);
  add_test ("/volley/engine/console-session/refused", test_refused);
  add_test ("/volley/engine/console-session/refused-handshake", test_refused_handshake);
  add_test ("/volley/engine/console-session/invalid-profile", test_invalid_profile);
  add_test ("/volley/engine/console-session/ignores-scenario", test_ignores_scenario);
  add_test ("/volley/engine/console-session/run-handlers", test_run_handlers);
  add_test ("/volley/engine/console-session/handlers-off", test_handlers_off);
  add_test ("/volley/engine/console-session/handlers-close", test_handlers_close);
  add_test ("/volley/engine/console-session/send-message", test_send_message);
  add_test ("/volley/engine/console-session/clear", test_clear);
  g_test_add_func ("/volley/engine/console-session/parse-binary", test_parse_binary);

  return g_test_run ();
}
