/* log: one-line messages to stderr, each with a UTC timestamp. Never pass
 * secrets or patient data. Thread-safe (one write per line). */
#ifndef LIAISON_LOG_H
#define LIAISON_LOG_H

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
