/* log.h - vessel's logging: text or JSON lines, to a file (--log) or stderr.
 *
 * JSON lines are one object per line, {"level","msg","time"} plus, for the
 * final error of a failed command, "stage", "errno" and "path".  Each line is
 * written with a single write(2) on an O_APPEND descriptor, so lines from the
 * container's init and from vessel never interleave, and nothing but log lines
 * is ever written to the log file. */
#ifndef VESSEL_LOG_H
#define VESSEL_LOG_H

#include <stdbool.h>

#include "error.h"

enum log_level { LOG_ERROR = 0, LOG_WARN, LOG_INFO, LOG_DEBUG };
enum log_format { LOG_TEXT = 0, LOG_JSON };

/* Configure logging.  path NULL (or "/dev/stderr") logs to stderr. */
int log_init(const char *path, enum log_format format, bool debug,
             struct error **err);
/* The descriptor log lines go to (for handing to the container's init). */
int log_fd(void);
/* Is a --log file in use (as opposed to stderr)? */
bool log_to_file(void);
enum log_format log_get_format(void);
bool log_debug_enabled(void);
/* Re-point logging at an inherited fd (the container's init side). */
void log_set_fd(int fd, enum log_format format, bool debug, bool to_file);

__attribute__((format(printf, 2, 3))) void log_msg(enum log_level l, const char *fmt, ...);
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) do { if (log_debug_enabled()) log_msg(LOG_DEBUG, __VA_ARGS__); } while (0)

/* Report the final error of a command: one log line (JSON with the error's
 * fields) and, when logging to a file, "vessel: msg" on stderr as well. */
void log_fatal_error(const struct error *e);

/* Format one log line (without writing it); exposed for tests. */
char *log_format_line(enum log_format format, enum log_level l, const char *msg,
                      const struct error *e, bool for_file);

#endif
