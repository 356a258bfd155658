/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "volley-echo-server.h"

/* Every wait is bounded, so a server that does not answer fails the test
 * instead of hanging it. */
#define WAIT_SECONDS 10

typedef struct
{
  VolleyEchoServer *server;
  SoupSession      *session;
} Fixture;

/* A client on the test's main context, in the manner of libsoup's
 * websocket-test.c: signals fill these fields, the test iterates the
 * context until they are what it waits for. */
typedef struct
{
  SoupMessage             *msg;
  SoupWebsocketConnection *connection;
  GError                  *error;
  gboolean                 connect_done;
  GPtrArray               *messages;   /* GBytes, in the order received */
  GArray                  *types;      /* SoupWebsocketDataType, likewise */
  guint                    n_pongs;
  gboolean                 closed;
} Client;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->server = volley_echo_server_new ();
  volley_echo_server_start (fixture->server, "127.0.0.1", 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (volley_echo_server_is_running (fixture->server));
  g_assert_cmpuint (volley_echo_server_get_port (fixture->server), >, 0);

  fixture->session = soup_session_new_with_options ("timeout", WAIT_SECONDS, NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  volley_echo_server_stop (fixture->server);
  g_assert_false (volley_echo_server_is_running (fixture->server));

  g_object_add_weak_pointer (G_OBJECT (fixture->server), (gpointer *) &fixture->server);
  g_object_unref (fixture->server);
  g_assert_null (fixture->server);

  g_object_add_weak_pointer (G_OBJECT (fixture->session), (gpointer *) &fixture->session);
  g_object_unref (fixture->session);
  g_assert_null (fixture->session);
}

static gboolean
wait_timeout_cb (gpointer data)
{
  gboolean *timed_out = data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the main context until *value reaches at least `wanted`. */
static void
wait_for_count (const guint *value,
                guint        wanted)
{
  gboolean timed_out = FALSE;
  guint timeout_id = g_timeout_add_seconds (WAIT_SECONDS, wait_timeout_cb, &timed_out);

  while (*value < wanted && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (timeout_id);

  g_assert_cmpuint (*value, >=, wanted);
}

static void
wait_for_flag (const gboolean *flag)
{
  wait_for_count ((const guint *) flag, TRUE);
}

static void
client_message_cb (SoupWebsocketConnection *connection,
                   SoupWebsocketDataType    type,
                   GBytes                  *message,
                   Client                  *client)
{
  g_ptr_array_add (client->messages, g_bytes_ref (message));
  g_array_append_val (client->types, type);
}

static void
client_pong_cb (SoupWebsocketConnection *connection,
                GBytes                  *message,
                Client                  *client)
{
  client->n_pongs++;
}

static void
client_closed_cb (SoupWebsocketConnection *connection,
                  Client                  *client)
{
  client->closed = TRUE;
}

static void
client_connected_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      data)
{
  Client *client = data;

  client->connection = soup_session_websocket_connect_finish (SOUP_SESSION (source), result,
                                                              &client->error);
  client->connect_done = TRUE;

  if (client->connection == NULL)
    return;

  soup_websocket_connection_set_max_incoming_payload_size (client->connection, 16 * 1024 * 1024);
  g_signal_connect (client->connection, "message", G_CALLBACK (client_message_cb), client);
  g_signal_connect (client->connection, "pong", G_CALLBACK (client_pong_cb), client);
  g_signal_connect (client->connection, "closed", G_CALLBACK (client_closed_cb), client);
}

/* Connects to `url` offering `protocols`; the outcome is in client->error
 * or client->connection. */
static void
client_connect (Client      *client,
                Fixture     *fixture,
                const char  *url,
                const char **protocols)
{
  memset (client, 0, sizeof *client);
  client->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  client->types = g_array_new (FALSE, FALSE, sizeof (SoupWebsocketDataType));
  client->msg = soup_message_new (SOUP_METHOD_GET, url);
  g_assert_nonnull (client->msg);

  soup_session_websocket_connect_async (fixture->session, client->msg, NULL, (char **) protocols,
                                        G_PRIORITY_DEFAULT, NULL, client_connected_cb, client);
  wait_for_flag (&client->connect_done);
}

static void
client_connect_ok (Client      *client,
                   Fixture     *fixture,
                   const char  *url,
                   const char **protocols)
{
  client_connect (client, fixture, url, protocols);
  g_assert_no_error (client->error);
  g_assert_nonnull (client->connection);
  g_assert_cmpint (soup_websocket_connection_get_state (client->connection), ==,
                   SOUP_WEBSOCKET_STATE_OPEN);
}

static void
client_connect_echo_url (Client  *client,
                         Fixture *fixture)
{
  g_autofree char *url = volley_echo_server_dup_url (fixture->server);

  client_connect_ok (client, fixture, url, NULL);
}

static void
client_clear (Client *client)
{
  if (client->connection != NULL)
    {
      g_signal_handlers_disconnect_by_data (client->connection, client);
      if (soup_websocket_connection_get_state (client->connection) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (client->connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
    }

  g_clear_object (&client->connection);
  g_clear_object (&client->msg);
  g_clear_error (&client->error);
  g_clear_pointer (&client->messages, g_ptr_array_unref);
  g_clear_pointer (&client->types, g_array_unref);
}

static void
assert_message (Client                *client,
                guint                  index,
                SoupWebsocketDataType  type,
                gconstpointer          data,
                gsize                  size)
{
  GBytes *message;

  g_assert_cmpuint (index, <, client->messages->len);
  message = g_ptr_array_index (client->messages, index);
  g_assert_cmpint (g_array_index (client->types, SoupWebsocketDataType, index), ==, type);
  g_assert_cmpmem (g_bytes_get_data (message, NULL), g_bytes_get_size (message), data, size);
}

static void
test_text (Fixture       *fixture,
           gconstpointer  data)
{
  const char *text = "héllo, Volley ✓";
  Client client;

  client_connect_echo_url (&client, fixture);
  soup_websocket_connection_send_text (client.connection, text);
  soup_websocket_connection_send_text (client.connection, "");
  wait_for_count (&client.messages->len, 2);

  assert_message (&client, 0, SOUP_WEBSOCKET_DATA_TEXT, text, strlen (text));
  assert_message (&client, 1, SOUP_WEBSOCKET_DATA_TEXT, "", 0);
  client_clear (&client);
}

static void
test_binary (Fixture       *fixture,
             gconstpointer  data)
{
  static const guint8 with_zeros[] = { 0, 1, 0, 0, 255, 0, 'a', 0 };
  g_autofree guint8 *large = g_malloc (100 * 1000);
  Client client;

  for (guint i = 0; i < 100 * 1000; i++)
    large[i] = (i * 7 + i / 256) & 0xff;

  client_connect_echo_url (&client, fixture);
  soup_websocket_connection_send_binary (client.connection, with_zeros, sizeof with_zeros);
  soup_websocket_connection_send_binary (client.connection, NULL, 0);
  soup_websocket_connection_send_binary (client.connection, large, 100 * 1000);
  wait_for_count (&client.messages->len, 3);

  assert_message (&client, 0, SOUP_WEBSOCKET_DATA_BINARY, with_zeros, sizeof with_zeros);
  assert_message (&client, 1, SOUP_WEBSOCKET_DATA_BINARY, NULL, 0);
  assert_message (&client, 2, SOUP_WEBSOCKET_DATA_BINARY, large, 100 * 1000);
  client_clear (&client);
}

/* libsoup 3.2 has no call that sends one ping, but its keepalive sends
 * pings and reports the pongs that answer them. */
static void
test_ping (Fixture       *fixture,
           gconstpointer  data)
{
  Client client;

  client_connect_echo_url (&client, fixture);
  soup_websocket_connection_set_keepalive_interval (client.connection, 1);
  wait_for_count (&client.n_pongs, 1);

  g_assert_cmpint (soup_websocket_connection_get_state (client.connection), ==,
                   SOUP_WEBSOCKET_STATE_OPEN);
  client_clear (&client);
}

static void
assert_echoes_on (Client *client)
{
  soup_websocket_connection_send_text (client->connection, "still echoing");
  wait_for_count (&client->messages->len, 1);
  assert_message (client, 0, SOUP_WEBSOCKET_DATA_TEXT, "still echoing", strlen ("still echoing"));
}

static void
test_subprotocol_echo (Fixture       *fixture,
                       gconstpointer  data)
{
  const char *protocols[] = { "chat", "echo", NULL };
  g_autofree char *url = volley_echo_server_dup_url (fixture->server);
  Client client;

  client_connect_ok (&client, fixture, url, protocols);
  g_assert_cmpstr (soup_websocket_connection_get_protocol (client.connection), ==, "echo");
  assert_echoes_on (&client);
  client_clear (&client);
}

static void
test_subprotocol_other (Fixture       *fixture,
                        gconstpointer  data)
{
  const char *protocols[] = { "chat", NULL };
  g_autofree char *url = volley_echo_server_dup_url (fixture->server);
  Client client;

  client_connect_ok (&client, fixture, url, protocols);
  g_assert_null (soup_websocket_connection_get_protocol (client.connection));
  assert_echoes_on (&client);
  client_clear (&client);
}

static void
test_subprotocol_none (Fixture       *fixture,
                       gconstpointer  data)
{
  Client client;

  client_connect_echo_url (&client, fixture);
  g_assert_null (soup_websocket_connection_get_protocol (client.connection));
  assert_echoes_on (&client);
  client_clear (&client);
}

/* Sends one more message than the server echoes before it closes. */
static void
send_and_wait_for_close (Client *client,
                         guint   n_messages)
{
  for (guint i = 0; i < n_messages; i++)
    {
      g_autofree char *text = g_strdup_printf ("message %u", i + 1);

      soup_websocket_connection_send_text (client->connection, text);
    }

  wait_for_flag (&client->closed);
}

static void
test_close_after_property (Fixture       *fixture,
                           gconstpointer  data)
{
  Client client;

  volley_echo_server_set_close_after (fixture->server, 3);
  volley_echo_server_set_close_code (fixture->server, 4000, "bye");
  g_assert_cmpuint (volley_echo_server_get_close_after (fixture->server), ==, 3);
  g_assert_cmpuint (volley_echo_server_get_close_code (fixture->server), ==, 4000);

  client_connect_echo_url (&client, fixture);
  send_and_wait_for_close (&client, 4);

  g_assert_cmpuint (client.messages->len, ==, 3);
  assert_message (&client, 2, SOUP_WEBSOCKET_DATA_TEXT, "message 3", strlen ("message 3"));
  g_assert_cmpuint (soup_websocket_connection_get_close_code (client.connection), ==, 4000);
  g_assert_cmpstr (soup_websocket_connection_get_close_data (client.connection), ==, "bye");
  g_assert_cmpuint (volley_echo_server_get_n_messages (fixture->server), ==, 3);
  client_clear (&client);
}

static void
test_close_after_query (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *base_url = volley_echo_server_dup_url (fixture->server);
  g_autofree char *url = g_strconcat (base_url, "?close_after=2&close_code=4001"
                                      "&close_reason=query%20bye", NULL);
  Client client;

  client_connect_ok (&client, fixture, url, NULL);
  send_and_wait_for_close (&client, 3);

  g_assert_cmpuint (client.messages->len, ==, 2);
  g_assert_cmpuint (soup_websocket_connection_get_close_code (client.connection), ==, 4001);
  g_assert_cmpstr (soup_websocket_connection_get_close_data (client.connection), ==, "query bye");
  client_clear (&client);

  /* The query was for that connection only. */
  client_connect_ok (&client, fixture, base_url, NULL);
  soup_websocket_connection_send_text (client.connection, "1");
  soup_websocket_connection_send_text (client.connection, "2");
  soup_websocket_connection_send_text (client.connection, "3");
  wait_for_count (&client.messages->len, 3);
  g_assert_false (client.closed);
  client_clear (&client);
}

static void
test_close_at_open (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *base_url = volley_echo_server_dup_url (fixture->server);
  g_autofree char *url = g_strconcat (base_url, "?close_after=0&close_code=4002", NULL);
  Client client;

  client_connect_ok (&client, fixture, url, NULL);
  wait_for_flag (&client.closed);

  g_assert_cmpuint (client.messages->len, ==, 0);
  g_assert_cmpuint (soup_websocket_connection_get_close_code (client.connection), ==, 4002);
  g_assert_cmpuint (volley_echo_server_get_n_connections (fixture->server), ==, 1);
  client_clear (&client);
}

static void
test_close_query_invalid (Fixture       *fixture,
                          gconstpointer  data)
{
  const char *queries[] = { "?close_code=1005", "?close_code=99999", "?close_after=many" };

  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autofree char *base_url = volley_echo_server_dup_url (fixture->server);
      g_autofree char *url = g_strconcat (base_url, queries[i], NULL);
      Client client;

      client_connect (&client, fixture, url, NULL);
      g_assert_error (client.error, SOUP_WEBSOCKET_ERROR, SOUP_WEBSOCKET_ERROR_NOT_WEBSOCKET);
      g_assert_cmpuint (soup_message_get_status (client.msg), ==, SOUP_STATUS_BAD_REQUEST);
      client_clear (&client);
    }

  g_assert_cmpuint (volley_echo_server_get_n_connections (fixture->server), ==, 0);
}

static void
test_any_path (Fixture       *fixture,
               gconstpointer  data)
{
  const char *paths[] = { "", "/", "/some/other/path", "/echo/deeper?x=1" };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *base_url = volley_echo_server_dup_base_url (fixture->server);
      g_autofree char *url = g_strconcat (base_url, paths[i], NULL);
      Client client;

      client_connect_ok (&client, fixture, url, NULL);
      assert_echoes_on (&client);
      client_clear (&client);
    }
}

static void
test_counters (Fixture       *fixture,
               gconstpointer  data)
{
  Client first;
  Client second;

  g_assert_cmpuint (volley_echo_server_get_n_connections (fixture->server), ==, 0);
  g_assert_cmpuint (volley_echo_server_get_n_messages (fixture->server), ==, 0);

  client_connect_echo_url (&first, fixture);
  client_connect_echo_url (&second, fixture);
  soup_websocket_connection_send_text (first.connection, "a");
  soup_websocket_connection_send_text (first.connection, "b");
  soup_websocket_connection_send_binary (second.connection, "c", 1);
  wait_for_count (&first.messages->len, 2);
  wait_for_count (&second.messages->len, 1);

  g_assert_cmpuint (volley_echo_server_get_n_connections (fixture->server), ==, 2);
  g_assert_cmpuint (volley_echo_server_get_n_messages (fixture->server), ==, 3);
  client_clear (&first);
  client_clear (&second);
}

static void
test_urls (Fixture       *fixture,
           gconstpointer  data)
{
  guint port = volley_echo_server_get_port (fixture->server);
  g_autofree char *url = volley_echo_server_dup_url (fixture->server);
  g_autofree char *base_url = volley_echo_server_dup_base_url (fixture->server);
  g_autofree char *expected_url = g_strdup_printf ("ws://127.0.0.1:%u/echo", port);
  g_autofree char *expected_base_url = g_strdup_printf ("ws://127.0.0.1:%u", port);
  g_autofree char *host = NULL;
  g_autofree char *path = NULL;
  guint port_property;

  g_assert_cmpstr (url, ==, expected_url);
  g_assert_cmpstr (base_url, ==, expected_base_url);

  g_object_get (fixture->server, "host", &host, "port", &port_property, "path", &path, NULL);
  g_assert_cmpstr (host, ==, "127.0.0.1");
  g_assert_cmpuint (port_property, ==, port);
  g_assert_cmpstr (path, ==, "/echo");
}

static void
test_custom_path_ipv6 (void)
{
  g_autoptr(VolleyEchoServer) server = volley_echo_server_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *expected = NULL;

  if (!volley_echo_server_start (server, "::1", 0, "/ws", &error))
    {
      g_test_skip_printf ("no IPv6 loopback here: %s", error->message);
      return;
    }

  url = volley_echo_server_dup_url (server);
  expected = g_strdup_printf ("ws://[::1]:%u/ws", volley_echo_server_get_port (server));
  g_assert_cmpstr (url, ==, expected);
}

static void
test_address_in_use (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(VolleyEchoServer) second = volley_echo_server_new ();
  g_autoptr(GError) error = NULL;
  guint port = volley_echo_server_get_port (fixture->server);
  g_autofree char *port_text = g_strdup_printf (":%u", port);

  g_assert_false (volley_echo_server_start (second, "127.0.0.1", port, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
  g_assert_nonnull (strstr (error->message, port_text));
  g_assert_false (volley_echo_server_is_running (second));

  /* The first one is unharmed. */
  g_assert_true (volley_echo_server_is_running (fixture->server));
}

static void
test_bad_start_arguments (void)
{
  g_autoptr(VolleyEchoServer) server = volley_echo_server_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (volley_echo_server_start (server, "localhost.invalid", 0, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "localhost.invalid"));
  g_clear_error (&error);

  g_assert_false (volley_echo_server_start (server, NULL, 0, "echo", &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "“echo”"));
  g_assert_false (volley_echo_server_is_running (server));
}

static void
test_stop_closes_clients (Fixture       *fixture,
                          gconstpointer  data)
{
  Client client;

  client_connect_echo_url (&client, fixture);
  volley_echo_server_stop (fixture->server);
  wait_for_flag (&client.closed);

  g_assert_cmpuint (soup_websocket_connection_get_close_code (client.connection), ==,
                    SOUP_WEBSOCKET_CLOSE_GOING_AWAY);
  client_clear (&client);
}

/* A blocking request answered while this thread iterates no context at
 * all: the server does not depend on the caller's main loop. */
static void
test_own_thread (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *url = volley_echo_server_dup_url (fixture->server);
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  body = soup_session_send_and_read (fixture->session, msg, NULL, &error);
  g_assert_no_error (error);
  /* Not a WebSocket handshake, so libsoup refuses it. */
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_BAD_REQUEST);
}

static void
test_restart (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  Client client;

  volley_echo_server_stop (fixture->server);
  g_assert_cmpuint (volley_echo_server_get_port (fixture->server), ==, 0);

  volley_echo_server_start (fixture->server, NULL, 0, NULL, &error);
  g_assert_no_error (error);
  client_connect_echo_url (&client, fixture);
  assert_echoes_on (&client);
  client_clear (&client);
}

static void
test_default (void)
{
  g_autoptr(GError) error = NULL;
  VolleyEchoServer *first = volley_echo_server_get_default (&error);
  VolleyEchoServer *second;
  g_autofree char *url = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (first);
  second = volley_echo_server_get_default (&error);
  g_assert_no_error (error);
  g_assert_true (first == second);

  g_assert_true (volley_echo_server_is_running (first));
  url = volley_echo_server_dup_url (first);
  g_assert_true (g_str_has_prefix (url, "ws://127.0.0.1:"));
  g_assert_true (g_str_has_suffix (url, "/echo"));
}

static void
test_validate_close (void)
{
  const guint good[] = { 1000, 1001, 1003, 1007, 1011, 3000, 4000, 4999 };
  const guint bad[] = { 0, 999, 1004, 1005, 1006, 1010, 1012, 1015, 2999, 5000 };
  g_autofree char *long_reason = g_strnfill (124, 'x');
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    g_assert_true (volley_echo_server_validate_close (good[i], "ok", NULL));

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_false (volley_echo_server_validate_close (bad[i], NULL, NULL));

  g_assert_true (volley_echo_server_validate_close (1000, long_reason + 1, NULL));
  g_assert_false (volley_echo_server_validate_close (1000, long_reason, &error));
  g_assert_nonnull (strstr (error->message, "124"));
}

static void
add_fixture_test (const char *path,
                  void      (*func) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  add_fixture_test ("/volley/engine/echo-server/text", test_text);
  add_fixture_test ("/volley/engine/echo-server/binary", test_binary);
  add_fixture_test ("/volley/engine/echo-server/ping", test_ping);
  add_fixture_test ("/volley/engine/echo-server/subprotocol/echo", test_subprotocol_echo);
  add_fixture_test ("/volley/engine/echo-server/subprotocol/other", test_subprotocol_other);
  add_fixture_test ("/volley/engine/echo-server/subprotocol/none", test_subprotocol_none);
  add_fixture_test ("/volley/engine/echo-server/close-after/property", test_close_after_property);
  add_fixture_test ("/volley/engine/echo-server/close-after/query", test_close_after_query);
  add_fixture_test ("/volley/engine/echo-server/close-after/at-open", test_close_at_open);
  add_fixture_test ("/volley/engine/echo-server/close-after/invalid-query",
                    test_close_query_invalid);
  add_fixture_test ("/volley/engine/echo-server/any-path", test_any_path);
  add_fixture_test ("/volley/engine/echo-server/counters", test_counters);
  add_fixture_test ("/volley/engine/echo-server/urls", test_urls);
  add_fixture_test ("/volley/engine/echo-server/address-in-use", test_address_in_use);
  add_fixture_test ("/volley/engine/echo-server/stop-closes-clients", test_stop_closes_clients);
  add_fixture_test ("/volley/engine/echo-server/own-thread", test_own_thread);
  add_fixture_test ("/volley/engine/echo-server/restart", test_restart);
  g_test_add_func ("/volley/engine/echo-server/custom-path-ipv6", test_custom_path_ipv6);
  g_test_add_func ("/volley/engine/echo-server/bad-start-arguments", test_bad_start_arguments);
  g_test_add_func ("/volley/engine/echo-server/default", test_default);
  g_test_add_func ("/volley/engine/echo-server/validate-close", test_validate_close);

  return g_test_run ();
}
