/* metrics: the Prometheus text exposition format (see metrics.h). */
#include <autoconf.h>
#include "metrics.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "util.h"

/* A declared family. */
struct metrics_family {
    char *name;                  /* Owned.  Key in 'by_name'. */
    enum metrics_type type;      /* Counter or gauge. */
    char *help;                  /* Owned, unescaped. */
    GString *samples;            /* Owned: its sample lines, as written. */
};

struct metrics {
    GPtrArray *families;         /* Owned 'struct metrics_family *', in
                                  * the order of declaration. */
    GHashTable *by_name;         /* Name -> family (borrowed from
                                  * 'families'). */
    GHashTable *series;          /* Owned keys: every series written, as
                                  * its name and sorted labels. */
    char *error;                 /* Owned: the first error, or NULL. */
};

static void
family_free(void *f_)
{
    struct metrics_family *f = f_;

    g_free(f->name);
    g_free(f->help);
    g_string_free(f->samples, TRUE);
    g_free(f);
}

struct metrics *
metrics_create(void)
{
    struct metrics *m = g_new0(struct metrics, 1);

    m->families = g_ptr_array_new_with_free_func(family_free);
    m->by_name = g_hash_table_new(g_str_hash, g_str_equal);
    m->series = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    return m;
}

void
metrics_destroy(struct metrics *m)
{
    if (!m) {
        return;
    }
    g_hash_table_destroy(m->series);
    g_hash_table_destroy(m->by_name);
    g_ptr_array_free(m->families, TRUE);
    g_free(m->error);
    g_free(m);
}

const char *
metrics_error(const struct metrics *m)
{
    return m->error;
}

/* Keeps the first error; returns 'error'. */
static int G_GNUC_PRINTF(3, 4)
fail(struct metrics *m, int error, const char *fmt, ...)
{
    va_list args;

    if (!m->error) {
        va_start(args, fmt);
        m->error = g_strdup_vprintf(fmt, args);
        va_end(args);
    }
    return error;
}

/* [a-zA-Z_:][a-zA-Z0-9_:]* for a metric name (colon allowed), the same
 * without colons for a label name. */
static bool
name_valid(const char *s, bool colon)
{
    if (!s || !*s || g_ascii_isdigit(*s)) {
        return false;
    }
    for (; *s; s++) {
        if (!g_ascii_isalnum(*s) && *s != '_' && !(colon && *s == ':')) {
            return false;
        }
    }
    return true;
}

/* Appends 's' with backslash and line feed escaped, and the double quote
 * too if 'quote' (a label value; help text keeps its quotes). */
static void
append_escaped(GString *out, const char *s, bool quote)
{
    for (; *s; s++) {
        if (*s == '\\') {
            g_string_append(out, "\\\\");
        } else if (*s == '\n') {
            g_string_append(out, "\\n");
        } else if (*s == '"' && quote) {
            g_string_append(out, "\\\"");
        } else {
            g_string_append_c(out, *s);
        }
    }
}

int
metrics_declare(struct metrics *m, const char *name, enum metrics_type type,
                const char *help)
{
    struct metrics_family *f;

    if (!name_valid(name, true)) {
        return fail(m, -EINVAL, "metric name \"%s\" is not valid "
                    "([a-zA-Z_:][a-zA-Z0-9_:]*)", name ? name : "");
    }
    if (type == METRICS_COUNTER
        && (!g_str_has_suffix(name, "_total") || !strcmp(name, "_total"))) {
        return fail(m, -EINVAL, "counter %s does not end in _total", name);
    }
    if (g_hash_table_contains(m->by_name, name)) {
        return fail(m, -EEXIST, "metric %s is declared twice", name);
    }
    f = g_new(struct metrics_family, 1);
    f->name = g_strdup(name);
    f->type = type;
    f->help = g_strdup(help ? help : "");
    f->samples = g_string_new("");
    g_ptr_array_add(m->families, f);
    g_hash_table_insert(m->by_name, f->name, f);
    return 0;
}

static int
label_cmp(const void *a_, const void *b_)
{
    const struct metrics_label *a = a_, *b = b_;

    return strcmp(a->name, b->name);
}

/* Appends {NAME="VALUE",...} for 'labels' (nothing if there are none). */
static void
append_labels(GString *out, const struct metrics_label *labels, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        g_string_append_printf(out, "%s%s=\"", i ? "," : "{",
                               labels[i].name);
        append_escaped(out, labels[i].value, true);
        g_string_append_c(out, '"');
    }
    if (n) {
        g_string_append_c(out, '}');
    }
}

/* Reads the NULL-ended NAME, VALUE pairs of 'args' into 'labels'.
 * Returns their number, or -EINVAL if there are too many. */
static int
read_labels(struct metrics *m, const char *family, va_list args,
            struct metrics_label labels[METRICS_MAX_LABELS])
{
    const char *name;
    int n = 0;

    while ((name = va_arg(args, const char *))) {
        if (n == METRICS_MAX_LABELS) {
            return fail(m, -EINVAL, "metric %s: more than %d labels",
                        family, METRICS_MAX_LABELS);
        }
        labels[n].name = name;
        labels[n].value = va_arg(args, const char *);
        n++;
    }
    return n;
}

/* 0 if the 'n' labels are valid, else a negative errno. */
static int
check_labels(struct metrics *m, const char *family,
             const struct metrics_label *labels, size_t n)
{
    if (n > METRICS_MAX_LABELS) {
        return fail(m, -EINVAL, "metric %s: more than %d labels", family,
                    METRICS_MAX_LABELS);
    }
    for (size_t i = 0; i < n; i++) {
        const char *name = labels[i].name;
        const char *value = labels[i].value;

        if (!name_valid(name, false) || g_str_has_prefix(name, "__")) {
            return fail(m, -EINVAL, "metric %s: label name \"%s\" is not "
                        "valid ([a-zA-Z_][a-zA-Z0-9_]*, no leading __)",
                        family, name ? name : "");
        }
        if (!value || !g_utf8_validate(value, -1, NULL)) {
            return fail(m, -EINVAL, "metric %s: label %s has no value or "
                        "one that is not UTF-8", family, name);
        }
        for (size_t j = 0; j < i; j++) {
            if (!strcmp(labels[j].name, name)) {
                return fail(m, -EINVAL, "metric %s: label %s given twice",
                            family, name);
            }
        }
    }
    return 0;
}

static int
add_sample(struct metrics *m, const char *name, const char *value_text,
           const struct metrics_label *labels, size_t n)
{
    struct metrics_family *f = g_hash_table_lookup(m->by_name, name);
    struct metrics_label sorted[METRICS_MAX_LABELS];
    GString *key;
    int error;

    if (!f) {
        return fail(m, -ENOENT, "metric %s has a sample but was not "
                    "declared", name);
    }
    error = check_labels(m, name, labels, n);
    if (error) {
        return error;
    }

    /* A series is its label set, whatever the order of the labels.
     * ('labels' may be NULL when 'n' is 0: memcpy() must not see it.) */
    if (n) {
        memcpy(sorted, labels, n * sizeof *labels);
        qsort(sorted, n, sizeof *sorted, label_cmp);
    }
    key = g_string_new(name);
    append_labels(key, sorted, n);
    if (g_hash_table_contains(m->series, key->str)) {
        fail(m, -EEXIST, "metric %s: series %s twice", name, key->str);
        g_string_free(key, TRUE);
        return -EEXIST;
    }
    g_hash_table_add(m->series, g_string_free(key, FALSE));

    g_string_append(f->samples, name);
    append_labels(f->samples, labels, n);
    g_string_append_printf(f->samples, " %s\n", value_text);
    return 0;
}

/* add_sample() with the labels of 'args'. */
static int
add_sample_valist(struct metrics *m, const char *name,
                  const char *value_text, va_list args)
{
    struct metrics_label labels[METRICS_MAX_LABELS];
    int n = read_labels(m, name, args, labels);

    return n < 0 ? n : add_sample(m, name, value_text, labels, n);
}

int
metrics_add_u64(struct metrics *m, const char *name, uint64_t value, ...)
{
    char text[METRICS_NUM_LEN];
    va_list args;
    int retval;

    snprintf(text, sizeof text, "%" PRIu64, value);
    va_start(args, value);
    retval = add_sample_valist(m, name, text, args);
    va_end(args);
    return retval;
}

int
metrics_add_u64_labels(struct metrics *m, const char *name, uint64_t value,
                       const struct metrics_label *labels, size_t n)
{
    char text[METRICS_NUM_LEN];

    snprintf(text, sizeof text, "%" PRIu64, value);
    return add_sample(m, name, text, labels, n);
}

int
metrics_add_double(struct metrics *m, const char *name, double value, ...)
{
    char text[METRICS_NUM_LEN];
    va_list args;
    int retval;

    va_start(args, value);
    retval = add_sample_valist(m, name, metrics_format_double(value, text),
                               args);
    va_end(args);
    return retval;
}

char *
metrics_format_double(double value, char buf[METRICS_NUM_LEN])
{
    if (isnan(value)) {
        return strcpy(buf, "NaN");
    }
    if (isinf(value)) {
        return strcpy(buf, value > 0 ? "+Inf" : "-Inf");
    }
    /* The shortest that reads back exactly: 0.25, not 0.25000000000000000;
     * g_ascii_*: a decimal point whatever the locale. */
    for (int digits = 1; digits <= 17; digits++) {
        char fmt[8];

        snprintf(fmt, sizeof fmt, "%%.%dg", digits);
        g_ascii_formatd(buf, METRICS_NUM_LEN, fmt, value);
        if (g_ascii_strtod(buf, NULL) == value) {
            break;
        }
    }
    return buf;
}

void
metrics_format(const struct metrics *m, GString *out)
{
    for (guint i = 0; i < m->families->len; i++) {
        const struct metrics_family *f = g_ptr_array_index(m->families, i);

        if (!f->samples->len) {
            continue;
        }
        g_string_append_printf(out, "# HELP %s ", f->name);
        append_escaped(out, f->help, false);
        g_string_append_printf(out, "\n# TYPE %s %s\n%s", f->name,
                               f->type == METRICS_COUNTER ? "counter"
                               : "gauge", f->samples->str);
    }
}
