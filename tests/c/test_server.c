/* test_server.c: the Redis-protocol server through the C ABI: options, start on a free port,
 * commands from a plain socket client speaking RESP, stop while another thread waits, and the
 * error paths. Run plain, with ASan+UBSan and under valgrind by `make test-ffi`. */
#define _XOPEN_SOURCE 700
#include "check.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

/* Connects to 127.0.0.1:port. */
static int dial(uint16_t port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(fd >= 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK(connect(fd, (struct sockaddr *)&a, sizeof a) == 0);
    return fd;
}

/* Sends a RESP request and checks that the reply starts with `want`. */
static void expect_reply(int fd, const char *request, const char *want) {
    CHECK(write(fd, request, strlen(request)) == (ssize_t)strlen(request));
    char reply[256];
    size_t got = 0;
    while (got < strlen(want)) {
        ssize_t n = read(fd, reply + got, sizeof reply - 1 - got);
        CHECK(n > 0);
        got += (size_t)n;
    }
    reply[got] = 0;
    if (strncmp(reply, want, strlen(want)) != 0) fprintf(stderr, "reply %s, expected %s\n", reply, want);
    CHECK(strncmp(reply, want, strlen(want)) == 0);
}

static void *waiter(void *arg) {
    CHECK_STATUS(SCALODB_OK, scalodb_server_wait((const scalodb_server *)arg, ERR));
    return NULL;
}

static void test_options(void) {
    scalodb_server_options *o = scalodb_server_options_new();
    CHECK(o != NULL);
    CHECK_STATUS(SCALODB_OK, scalodb_server_options_set_max_conns(o, 2, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_server_options_set_password(o, "secret", ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_server_options_set_password(o, NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_server_options_set_password(o, "\xff\xfe", ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_server_options_set_protected_mode(o, true, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_server_options_set_idle_timeout(o, 0, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_server_options_set_threads(o, 1, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_server_options_set_max_conns(NULL, 2, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_server_options_set_password(NULL, "x", ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_server_options_set_protected_mode(NULL, true, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_server_options_set_idle_timeout(NULL, 1, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_server_options_set_threads(NULL, 1, ERR));
    scalodb_server_options_free(o);
    scalodb_server_options_free(NULL);
}

static void test_serving(void) {
    char *dir = make_temp_dir();
    scalodb_db *db = NULL;
    CHECK_STATUS(SCALODB_OK, scalodb_open(dir, NULL, &db, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_put(db, "from-c", 6, "hello", 5, ERR));
    scalodb_server_options *o = scalodb_server_options_new();
    CHECK_STATUS(SCALODB_OK, scalodb_server_options_set_threads(o, 1, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_server_options_set_password(o, "pw", ERR));
    scalodb_server *server = NULL;
    CHECK_STATUS(SCALODB_OK, scalodb_server_start(db, "127.0.0.1:0", o, &server, ERR));
    scalodb_server_options_free(o); /* the server keeps a copy */

    char *addr = NULL;
    uint16_t port = 0;
    CHECK_STATUS(SCALODB_OK, scalodb_server_local_addr(server, &addr, &port, ERR));
    CHECK(port != 0 && strncmp(addr, "127.0.0.1:", 10) == 0 && atoi(addr + 10) == port);
    scalodb_free(addr);
    uint16_t again = 0;
    CHECK_STATUS(SCALODB_OK, scalodb_server_local_addr(server, NULL, &again, ERR));
    CHECK(again == port);

    /* The same address cannot be bound twice. */
    char busy[32];
    snprintf(busy, sizeof busy, "127.0.0.1:%u", port);
    scalodb_server *second = NULL;
    CHECK_STATUS(SCALODB_IO, scalodb_server_start(db, busy, NULL, &second, ERR));
    CHECK(second == NULL);

    /* A client sees what C wrote, and C sees what the client wrote. */
    int fd = dial(port);
    expect_reply(fd, "*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\n", "+OK");
    expect_reply(fd, "*1\r\n$4\r\nPING\r\n", "+PONG");
    expect_reply(fd, "*2\r\n$3\r\nGET\r\n$6\r\nfrom-c\r\n", "$5\r\nhello\r\n");
    expect_reply(fd, "*3\r\n$3\r\nSET\r\n$8\r\nfrom-net\r\n$2\r\nhi\r\n", "+OK");
    uint8_t *value = NULL;
    size_t len = 0;
    CHECK_STATUS(SCALODB_OK, scalodb_get(db, "from-net", 8, &value, &len, ERR));
    CHECK(len == 2 && memcmp(value, "hi", 2) == 0);
    scalodb_free(value);

    /* Stop while another thread waits: the waiter returns, the database stays open. */
    pthread_t t;
    CHECK(pthread_create(&t, NULL, waiter, server) == 0);
    CHECK_STATUS(SCALODB_OK, scalodb_server_stop(server, ERR));
    CHECK(pthread_join(t, NULL) == 0);
    CHECK_STATUS(SCALODB_OK, scalodb_server_stop(server, ERR)); /* again: nothing to do */
    CHECK_STATUS(SCALODB_OK, scalodb_server_wait(server, ERR));
    char buf[8];
    CHECK(read(fd, buf, sizeof buf) <= 0); /* the connection was closed */
    close(fd);
    CHECK_STATUS(SCALODB_OK, scalodb_put(db, "after", 5, "stop", 4, ERR));
    scalodb_server_free(server);

    /* Freeing a running server stops it. */
    CHECK_STATUS(SCALODB_OK, scalodb_server_start(db, "127.0.0.1:0", NULL, &server, ERR));
    scalodb_server_free(server);
    scalodb_server_free(NULL);

    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_server_start(NULL, "127.0.0.1:0", NULL, &server, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_server_start(db, NULL, NULL, &server, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_server_start(db, "", NULL, &server, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_server_start(db, "127.0.0.1:0", NULL, NULL, ERR));
    CHECK_STATUS(SCALODB_IO, scalodb_server_start(db, "not an address", NULL, &server, ERR));
    o = scalodb_server_options_new();
    CHECK_STATUS(SCALODB_OK, scalodb_server_options_set_max_conns(o, 0, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_server_start(db, "127.0.0.1:0", o, &server, ERR));
    scalodb_server_options_free(o);
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_server_stop(NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_server_wait(NULL, ERR));
    CHECK_STATUS(SCALODB_INVALID_ARGUMENT, scalodb_server_local_addr(NULL, NULL, &port, ERR));

    /* A closed database is not served. */
    CHECK_STATUS(SCALODB_OK, scalodb_close(db, ERR));
    CHECK_STATUS(SCALODB_CLOSED, scalodb_server_start(db, "127.0.0.1:0", NULL, &server, ERR));
    scalodb_db_free(db);
    /* What the client wrote was logged to disk. */
    CHECK_STATUS(SCALODB_OK, scalodb_open(dir, NULL, &db, ERR));
    CHECK_STATUS(SCALODB_OK, scalodb_get(db, "from-net", 8, &value, &len, ERR));
    scalodb_free(value);
    scalodb_db_free(db);
    rm_tree(dir);
}

int main(void) {
    test_options();
    test_serving();
    printf("test_server: %ld passed, 0 failed\n", (long)checks_passed);
    return 0;
}
