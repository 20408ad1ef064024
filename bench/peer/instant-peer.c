/*
 * Instant QMP peer for benchmarks: listens on a unix socket (argv[1]), greets every client, and
 * answers every command {"execute":…,"id":N} at once with {"return": {}, "id": N} (qmp_capabilities
 * included). The id is copied textually. Input is framed as QEMU frames it, by JSON structure (brace and
 * bracket depth outside strings, backslash escapes), not by newlines: commands may come back to back
 * with no separator, and in any chunking (the scanner's state survives between reads). Bytes outside
 * any object or array at depth 0 are skipped. Handles many clients with poll().
 * Prints "ready" on stdout once listening. Not a QMP implementation: a speed-of-light peer.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_CLIENTS 64
#define IN_CAP (1 << 20)

static const char greeting[] =
    "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 0, \"major\": 10}, \"package\": \"instant-peer\"}, "
    "\"capabilities\": [\"oob\"]}}\r\n";

#define OUT_CAP (IN_CAP * 2)

struct client {
  int fd;
  char *in;
  size_t len;
  /* Framing state over in[0..len): bytes before scan are scanned; a message starts at in[0]. */
  size_t scan;
  int depth, instr, esc;
};

static int write_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

/* Appends the reply to one command (one whole JSON object) to out; returns bytes written (at most n + 24). */
static size_t answer(const char *line, size_t n, char *out) {
  const char *id = NULL;
  size_t idlen = 0;
  for (size_t i = 0; i + 4 < n; i++) {
    if (memcmp(line + i, "\"id\"", 4) == 0) {
      size_t j = i + 4;
      while (j < n && (line[j] == ' ' || line[j] == '\t' || line[j] == '\r' || line[j] == '\n' || line[j] == ':')) j++;
      size_t k = j;
      int depth = 0, instr = 0;
      while (k < n) {
        char c = line[k];
        if (instr) {
          if (c == '\\') k++;
          else if (c == '"') instr = 0;
        } else if (c == '"') instr = 1;
        else if (c == '{' || c == '[') depth++;
        else if ((c == '}' || c == ']') && depth > 0) depth--;
        else if ((c == ',' || c == '}') && depth == 0) break;
        k++;
      }
      id = line + j;
      idlen = k - j;
      while (idlen > 0 && (id[idlen - 1] == ' ' || id[idlen - 1] == '\t' || id[idlen - 1] == '\r' || id[idlen - 1] == '\n')) idlen--;
      break;
    }
  }
  if (!id) {
    static const char r[] = "{\"return\": {}}\r\n";
    memcpy(out, r, sizeof r - 1);
    return sizeof r - 1;
  }
  size_t o = 0;
  memcpy(out + o, "{\"return\": {}, \"id\": ", 21);
  o += 21;
  memcpy(out + o, id, idlen);
  o += idlen;
  memcpy(out + o, "}\r\n", 3);
  return o + 3;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s <socket path>\n", argv[0]);
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un addr = {0};
  addr.sun_family = AF_UNIX;
  strncpy(addr.sun_path, argv[1], sizeof addr.sun_path - 1);
  unlink(argv[1]);
  if (bind(lfd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(lfd, 16) < 0) {
    perror("bind/listen");
    return 1;
  }
  printf("ready\n");
  fflush(stdout);
  struct client clients[MAX_CLIENTS];
  int nclients = 0;
  char *out = malloc(OUT_CAP);
  for (;;) {
    struct pollfd pfd[MAX_CLIENTS + 1];
    pfd[0].fd = lfd;
    pfd[0].events = POLLIN;
    for (int i = 0; i < nclients; i++) {
      pfd[i + 1].fd = clients[i].fd;
      pfd[i + 1].events = POLLIN;
    }
    if (poll(pfd, (nfds_t)nclients + 1, -1) < 0) {
      if (errno == EINTR) continue;
      return 1;
    }
    if ((pfd[0].revents & POLLIN) && nclients < MAX_CLIENTS) {
      int fd = accept(lfd, NULL, NULL);
      if (fd >= 0) {
        clients[nclients].fd = fd;
        clients[nclients].in = malloc(IN_CAP);
        clients[nclients].len = 0;
        clients[nclients].scan = 0;
        clients[nclients].depth = clients[nclients].instr = clients[nclients].esc = 0;
        nclients++;
        write_all(fd, greeting, sizeof greeting - 1);
      }
    }
    for (int i = nclients - 1; i >= 0; i--) {
      if (!(pfd[i + 1].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      struct client *c = &clients[i];
      ssize_t r = read(c->fd, c->in + c->len, IN_CAP - c->len);
      if (r <= 0) {
        close(c->fd);
        free(c->in);
        clients[i] = clients[--nclients];
        continue;
      }
      c->len += (size_t)r;
      size_t start = 0, o = 0;
      int failed = 0;
      for (size_t k = c->scan; k < c->len; k++) {
        char ch = c->in[k];
        if (c->instr) {
          if (c->esc) c->esc = 0;
          else if (ch == '\\') c->esc = 1;
          else if (ch == '"') c->instr = 0;
        } else if (ch == '"') {
          c->instr = 1;
        } else if (ch == '{' || ch == '[') {
          c->depth++;
        } else if (ch == '}' || ch == ']') {
          if (c->depth > 0 && --c->depth == 0) {
            if (o + (k + 1 - start) + 64 > OUT_CAP) {
              if (write_all(c->fd, out, o) < 0) failed = 1;
              o = 0;
            }
            o += answer(c->in + start, k + 1 - start, out + o);
            start = k + 1;
          } else if (c->depth == 0) {
            start = k + 1; /* stray closer at depth 0: skipped */
          }
        } else if (c->depth == 0) {
          start = k + 1; /* whitespace or stray bytes between messages: skipped */
        }
      }
      if (c->depth == 0 && !c->instr) start = c->len; /* nothing pending between messages */
      memmove(c->in, c->in + start, c->len - start);
      c->len -= start;
      c->scan = c->len;
      if (c->len == IN_CAP) { /* message too long: drop it and start afresh */
        c->len = c->scan = 0;
        c->depth = c->instr = c->esc = 0;
      }
      if (failed || (o > 0 && write_all(c->fd, out, o) < 0)) {
        close(c->fd);
        free(c->in);
        clients[i] = clients[--nclients];
      }
    }
  }
}
