/* metrics: counters and gauges written in the Prometheus text exposition
 * format, version 0.0.4 (what Prometheus scrapes, what node_exporter's
 * textfile collector reads and what "promtool check metrics" checks).
 *
 * The caller declares each metric family once (name, type, help) and then
 * adds samples to it in any order, each with its labels; the text groups
 * every family's samples under one "# HELP" and one "# TYPE" line, families
 * in the order they were declared, samples in the order they were added.
 * The writer owns the format: it escapes help text and label values, and it
 * refuses what would make the text invalid or misleading to a scraper: a
 * name or label name outside the format's syntax (or a reserved "__" label
 * name), a label value that is not UTF-8, a counter whose name does not end
 * in "_total" (the naming convention that promtool enforces), a family
 * declared twice, a sample of an undeclared family, the same label name
 * twice in a sample, and a second sample of one series (same family, same
 * label set in any order).
 *
 * Errors: functions return 0 or a negative errno.  The first error is also
 * kept, with a message naming the metric, so that a caller adding hundreds
 * of samples checks once, at the end (metrics_error()); a sample refused is
 * not written.
 *
 * Pure: no I/O, no clock.  Thread-safety: a writer is used by one thread at
 * a time; separate writers are independent. */
#ifndef VSWITCH_METRICS_H
#define VSWITCH_METRICS_H 1

#include <glib.h>
#include <stdint.h>

enum metrics_type {
    METRICS_COUNTER,            /* Only goes up (or resets to 0). */
    METRICS_GAUGE,              /* Goes up and down. */
};

struct metrics;

/* A label of a sample. */
struct metrics_label {
    const char *name;           /* [a-zA-Z_][a-zA-Z0-9_]*, no leading __. */
    const char *value;          /* Any UTF-8 text (escaped on output). */
};

/* Labels one sample may have: more is refused. */
#define METRICS_MAX_LABELS 8

struct metrics *metrics_create(void);
void metrics_destroy(struct metrics *);     /* Accepts NULL. */

/* Declares family 'name' of 'type', described by 'help' (one line of plain
 * text; escaped on output).  Returns 0, -EINVAL for a bad name (or a
 * counter not ending in "_total"), or -EEXIST if 'name' is declared
 * already. */
int metrics_declare(struct metrics *, const char *name, enum metrics_type,
                    const char *help);

/* Adds a sample of family 'name' with value 'value' and the labels given
 * as NAME, VALUE pairs of strings ended by NULL.  Returns 0, -ENOENT if the
 * family is not declared, -EINVAL for a bad label (name, value, or a name
 * twice), or -EEXIST if the series has a sample already. */
int metrics_add_u64(struct metrics *, const char *name, uint64_t value,
                    ...) G_GNUC_NULL_TERMINATED;
int metrics_add_double(struct metrics *, const char *name, double value,
                       ...) G_GNUC_NULL_TERMINATED;
/* The same, with the labels in an array of 'n' (for a caller that builds
 * the label set in steps). */
int metrics_add_u64_labels(struct metrics *, const char *name,
                           uint64_t value, const struct metrics_label *,
                           size_t n);

/* The first error met, as an operator message, or NULL if none. */
const char *metrics_error(const struct metrics *);

/* Appends the text of every family that has samples to 'out'. */
void metrics_format(const struct metrics *, GString *out);

/* Writes 'value' as the format wants a number: the shortest decimal that
 * reads back as 'value', "NaN", "+Inf" or "-Inf".  'buf' must hold
 * METRICS_NUM_LEN bytes.  Returns 'buf'. */
#define METRICS_NUM_LEN 32
char *metrics_format_double(double value, char buf[METRICS_NUM_LEN]);

#endif /* metrics.h */
