/*
 * Zero-copy file transfer for filer-tui on Linux (optional; the JavaScript
 * path in source/node/files/file-sender.ts and reply-receiver.ts is used
 * wherever this does not build or load).
 *
 *   sendFile(socketFd, fileFd, offset, length, control, stallMs)
 *     sendfile(2): the kernel moves file pages to the socket, no copy
 *     through user memory and no thread hand-off per chunk.
 *   receiveToFile(socketFd, fileFd, offset, length, control, stallMs)
 *     splice(2) socket -> pipe -> file: received pages go to the page cache
 *     without passing through user memory; never reads past `length`.
 *
 * Both run on a thread of their own (not libuv's pool: a transfer can last
 * minutes, and four of them would starve every file operation of the node)
 * and resolve a promise with the bytes moved; fewer than `length` means the
 * file ended (send) or the peer closed (receive). They reject with an Error
 * whose `code` is the errno name and whose `side` says "socket" or "file".
 *
 * `control` is a Float64Array on a SharedArrayBuffer: [0] non-zero asks the
 * thread to stop (it checks at least every POLL_SLICE_MS while it waits),
 * [1] is where it publishes the bytes moved so far. Both descriptors are
 * duplicated first, so JavaScript closing the originals (a destroyed socket)
 * can never make the thread write into a descriptor number reused by
 * something else; the caller sets control[0] when the socket closes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <node_api.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <time.h>
#include <unistd.h>

#define POLL_SLICE_MS 50
#define MAX_SENDFILE_BYTES (1 << 30)
#define PIPE_BYTES (1 << 20)

typedef enum { JOB_SEND, JOB_RECEIVE } JobKind;

typedef struct {
  JobKind kind;
  int socket_fd;
  int file_fd;
  int64_t offset;
  int64_t length;
  int64_t done;
  int64_t stall_ms;
  double *control;
  napi_ref control_ref;
  napi_deferred deferred;
  napi_threadsafe_function finished;
  int error;
  const char *side;
  /* Set when the file takes no splice (EINVAL): the pipe is drained by read + pwrite. */
  char *copy_buffer;
} Job;

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int cancelled(const Job *job) {
  double value;
  __atomic_load(&job->control[0], &value, __ATOMIC_ACQUIRE);
  return value != 0;
}

static void publish_progress(Job *job) {
  double value = (double)job->done;
  __atomic_store(&job->control[1], &value, __ATOMIC_RELEASE);
}

/*
 * Waits until the socket is ready for `events`; 0, or an errno (ECANCELED,
 * ETIMEDOUT). A stall is declared only after a wait that found the socket
 * not ready, so a thread that was not scheduled for a while (a busy machine)
 * never mistakes its own delay for the peer's.
 */
static int wait_for_socket(Job *job, short events, int64_t last_progress) {
  for (;;) {
    if (cancelled(job)) return ECANCELED;
    struct pollfd entry = {.fd = job->socket_fd, .events = events};
    int ready = poll(&entry, 1, POLL_SLICE_MS);
    if (ready > 0) return 0; /* errors and hang-ups show in the next call */
    if (ready < 0 && errno != EINTR) return errno;
    if (job->stall_ms > 0 && now_ms() - last_progress >= job->stall_ms) return ETIMEDOUT;
  }
}

static void fail(Job *job, int error, const char *side) {
  job->error = error;
  job->side = side;
}

static void run_send(Job *job) {
  int64_t last_progress = now_ms();
  while (job->done < job->length) {
    if (cancelled(job)) return fail(job, ECANCELED, "socket");
    int64_t left = job->length - job->done;
    off_t position = (off_t)(job->offset + job->done);
    ssize_t sent = sendfile(job->socket_fd, job->file_fd, &position,
                            (size_t)(left < MAX_SENDFILE_BYTES ? left : MAX_SENDFILE_BYTES));
    if (sent > 0) {
      job->done += sent;
      publish_progress(job);
      last_progress = now_ms();
    } else if (sent == 0) {
      return; /* the file ended early */
    } else if (errno == EAGAIN) {
      int error = wait_for_socket(job, POLLOUT, last_progress);
      if (error) return fail(job, error, "socket");
    } else if (errno != EINTR) {
      /* sendfile reports a failed file read and a failed socket write alike. */
      return fail(job, errno, errno == EIO ? "file" : "socket");
    }
  }
}

#define COPY_BUFFER_BYTES (256 * 1024)

/* Moves `count` bytes from the pipe to the file by read + pwrite (files that take no splice). */
static int copy_from_pipe(Job *job, int pipe_out, int64_t count) {
  if (job->copy_buffer == NULL && (job->copy_buffer = malloc(COPY_BUFFER_BYTES)) == NULL) return ENOMEM;
  while (count > 0) {
    ssize_t got = read(pipe_out, job->copy_buffer,
                       (size_t)(count < COPY_BUFFER_BYTES ? count : COPY_BUFFER_BYTES));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return got == 0 ? EIO : errno;
    for (ssize_t written = 0; written < got;) {
      ssize_t wrote = pwrite(job->file_fd, job->copy_buffer + written, (size_t)(got - written),
                             (off_t)(job->offset + job->done));
      if (wrote < 0 && errno == EINTR) continue;
      if (wrote <= 0) return wrote == 0 ? EIO : errno;
      written += wrote;
      job->done += wrote;
      publish_progress(job);
    }
    count -= got;
  }
  return 0;
}

/* Moves `count` bytes from the pipe to the file at the current position. */
static int drain_pipe(Job *job, int pipe_out, int64_t count) {
  while (count > 0) {
    if (job->copy_buffer != NULL) return copy_from_pipe(job, pipe_out, count);
    loff_t position = (loff_t)(job->offset + job->done);
    ssize_t moved = splice(pipe_out, NULL, job->file_fd, &position, (size_t)count, SPLICE_F_MOVE);
    if (moved > 0) {
      job->done += moved;
      count -= moved;
      publish_progress(job);
    } else if (moved < 0 && errno == EINVAL) {
      return copy_from_pipe(job, pipe_out, count); /* a file system without splice */
    } else if (moved == 0) {
      return EIO;
    } else if (errno != EINTR) {
      return errno;
    }
  }
  return 0;
}

static void run_receive(Job *job) {
  int pipe_ends[2];
  if (pipe2(pipe_ends, O_CLOEXEC) != 0) return fail(job, errno, "socket");
  /* Larger than the default 64 KiB: fewer calls per MiB; fine if refused. */
  int pipe_bytes = fcntl(pipe_ends[1], F_SETPIPE_SZ, PIPE_BYTES);
  if (pipe_bytes <= 0) pipe_bytes = fcntl(pipe_ends[1], F_GETPIPE_SZ);
  if (pipe_bytes <= 0) pipe_bytes = 65536;
  int64_t last_progress = now_ms();
  while (job->done < job->length) {
    if (cancelled(job)) {
      fail(job, ECANCELED, "socket");
      break;
    }
    int64_t left = job->length - job->done;
    ssize_t taken = splice(job->socket_fd, NULL, pipe_ends[1], NULL,
                           (size_t)(left < pipe_bytes ? left : pipe_bytes),
                           SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
    if (taken > 0) {
      int error = drain_pipe(job, pipe_ends[0], taken);
      if (error) {
        fail(job, error, "file");
        break;
      }
      last_progress = now_ms();
    } else if (taken == 0) {
      break; /* the peer closed */
    } else if (errno == EAGAIN) {
      int error = wait_for_socket(job, POLLIN, last_progress);
      if (error) {
        fail(job, error, "socket");
        break;
      }
    } else if (errno != EINTR) {
      fail(job, errno, "socket");
      break;
    }
  }
  close(pipe_ends[0]);
  close(pipe_ends[1]);
  free(job->copy_buffer);
}

/* Settles the job on the JavaScript thread, which frees it: read nothing from it after. */
static void hand_back(Job *job) {
  napi_threadsafe_function finished = job->finished;
  napi_call_threadsafe_function(finished, job, napi_tsfn_blocking);
  napi_release_threadsafe_function(finished, napi_tsfn_release);
}

static void *run_job(void *data) {
  Job *job = data;
  if (job->kind == JOB_SEND)
    run_send(job);
  else
    run_receive(job);
  close(job->socket_fd);
  close(job->file_fd);
  hand_back(job);
  return NULL;
}

static const char *errno_code(int error) {
  switch (error) {
    case ECANCELED: return "ECANCELED";
    case ETIMEDOUT: return "ETIMEDOUT";
    case EPIPE: return "EPIPE";
    case ECONNRESET: return "ECONNRESET";
    case ENOSPC: return "ENOSPC";
    case EDQUOT: return "EDQUOT";
    case EIO: return "EIO";
    case EBADF: return "EBADF";
    case EINVAL: return "EINVAL";
    case ENOTCONN: return "ENOTCONN";
    case EFBIG: return "EFBIG";
    case ENOMEM: return "ENOMEM";
    default: return "EUNKNOWN";
  }
}

/* On the JavaScript thread: settle the promise and free the job. */
static void settle(napi_env env, napi_value callback, void *context, void *data) {
  (void)callback;
  (void)context;
  Job *job = data;
  if (env != NULL) {
    if (job->error == 0) {
      napi_value done;
      napi_create_double(env, (double)job->done, &done);
      napi_resolve_deferred(env, job->deferred, done);
    } else {
      napi_value message, code, side, bytes, error;
      napi_create_string_utf8(env, strerror(job->error), NAPI_AUTO_LENGTH, &message);
      napi_create_string_utf8(env, errno_code(job->error), NAPI_AUTO_LENGTH, &code);
      napi_create_string_utf8(env, job->side, NAPI_AUTO_LENGTH, &side);
      napi_create_double(env, (double)job->done, &bytes);
      napi_create_error(env, code, message, &error);
      napi_set_named_property(env, error, "code", code);
      napi_set_named_property(env, error, "side", side);
      napi_set_named_property(env, error, "bytes", bytes);
      napi_reject_deferred(env, job->deferred, error);
    }
    napi_delete_reference(env, job->control_ref);
  }
  free(job);
}

static napi_value throw_type_error(napi_env env, const char *message) {
  napi_throw_type_error(env, NULL, message);
  return NULL;
}

static int read_integer(napi_env env, napi_value value, int64_t *out) {
  double number;
  if (napi_get_value_double(env, value, &number) != napi_ok) return 0;
  if (number < 0 || number > 9007199254740991.0 || number != (double)(int64_t)number) return 0;
  *out = (int64_t)number;
  return 1;
}

static napi_value start_job(napi_env env, napi_callback_info info, JobKind kind) {
  size_t argc = 6;
  napi_value argv[6];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 6) return throw_type_error(env, "six arguments expected");
  int64_t socket_fd, file_fd, offset, length, stall_ms;
  if (!read_integer(env, argv[0], &socket_fd) || !read_integer(env, argv[1], &file_fd) ||
      !read_integer(env, argv[2], &offset) || !read_integer(env, argv[3], &length) ||
      !read_integer(env, argv[5], &stall_ms))
    return throw_type_error(env, "descriptors, offset, length and stall must be integers >= 0");
  napi_typedarray_type type;
  size_t elements;
  void *control;
  bool is_typed_array = false;
  napi_is_typedarray(env, argv[4], &is_typed_array);
  if (!is_typed_array) return throw_type_error(env, "control must be a Float64Array");
  napi_get_typedarray_info(env, argv[4], &type, &elements, &control, NULL, NULL);
  if (type != napi_float64_array || elements < 2)
    return throw_type_error(env, "control must be a Float64Array of two or more");

  Job *job = calloc(1, sizeof(Job));
  if (job == NULL) {
    napi_throw_error(env, "ENOMEM", "out of memory");
    return NULL;
  }
  job->kind = kind;
  job->offset = offset;
  job->length = length;
  job->stall_ms = stall_ms;
  job->control = control;
  job->side = "socket";
  job->socket_fd = fcntl((int)socket_fd, F_DUPFD_CLOEXEC, 0);
  job->file_fd = job->socket_fd < 0 ? -1 : fcntl((int)file_fd, F_DUPFD_CLOEXEC, 0);
  if (job->socket_fd < 0 || job->file_fd < 0) {
    int error = errno;
    if (job->socket_fd >= 0) close(job->socket_fd);
    free(job);
    napi_throw_error(env, errno_code(error), strerror(error));
    return NULL;
  }
  napi_value promise, name;
  napi_create_string_utf8(env, "filer-tui zero-copy", NAPI_AUTO_LENGTH, &name);
  if (napi_create_threadsafe_function(env, NULL, NULL, name, 0, 1, NULL, NULL, NULL, settle,
                                      &job->finished) != napi_ok) {
    close(job->socket_fd);
    close(job->file_fd);
    free(job);
    napi_throw_error(env, "ENOMEM", "cannot create the completion callback");
    return NULL;
  }
  napi_create_promise(env, &job->deferred, &promise);
  napi_create_reference(env, argv[4], 1, &job->control_ref);
  pthread_attr_t attributes;
  pthread_attr_init(&attributes);
  pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attributes, 256 * 1024);
  pthread_t thread;
  int started = pthread_create(&thread, &attributes, run_job, job);
  pthread_attr_destroy(&attributes);
  if (started != 0) {
    /* No thread: settle at once through the same path. */
    fail(job, started, "socket");
    close(job->socket_fd);
    close(job->file_fd);
    hand_back(job);
  }
  return promise;
}

static napi_value send_file(napi_env env, napi_callback_info info) {
  return start_job(env, info, JOB_SEND);
}

static napi_value receive_to_file(napi_env env, napi_callback_info info) {
  return start_job(env, info, JOB_RECEIVE);
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor methods[] = {
      {"sendFile", NULL, send_file, NULL, NULL, NULL, napi_default_method, NULL},
      {"receiveToFile", NULL, receive_to_file, NULL, NULL, NULL, napi_default_method, NULL},
  };
  napi_define_properties(env, exports, 2, methods);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
