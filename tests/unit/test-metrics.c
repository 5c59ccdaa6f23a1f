/* Tests for lib/metrics.c: the Prometheus text exposition format, byte for
 * byte, and every input the writer must refuse. */
#include <autoconf.h>
#include "metrics.h"

#include <CUnit/Basic.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "unit.h"

/* The text of 'm' (caller frees). */
static char *
text_of(const struct metrics *m)
{
    GString *s = g_string_new("");

    metrics_format(m, s);
    return g_string_free(s, FALSE);
}

/* Families come out in the order of declaration, each with one HELP and
 * one TYPE line before all its samples, even when the samples of two
 * families were added interleaved (a port at a time); a family with no
 * sample is left out. */
static void
test_grouping(void)
{
    struct metrics *m = metrics_create();
    char *text;

    CU_ASSERT_EQUAL(metrics_declare(m, "vs_rx_packets_total",
                                    METRICS_COUNTER, "Frames received."), 0);
    CU_ASSERT_EQUAL(metrics_declare(m, "vs_state", METRICS_GAUGE,
                                    "State."), 0);
    CU_ASSERT_EQUAL(metrics_declare(m, "vs_unused", METRICS_GAUGE,
                                    "Nothing."), 0);
    CU_ASSERT_EQUAL(metrics_add_u64(m, "vs_rx_packets_total", 5,
                                    "port", "p1", NULL), 0);
    CU_ASSERT_EQUAL(metrics_add_u64(m, "vs_state", 1, "port", "p1", NULL),
                    0);
    CU_ASSERT_EQUAL(metrics_add_u64(m, "vs_rx_packets_total",
                                    UINT64_MAX, "port", "p2", NULL), 0);
    CU_ASSERT_EQUAL(metrics_add_double(m, "vs_state", 0.25, NULL), 0);
    text = text_of(m);
    CU_ASSERT_STRING_EQUAL(text,
        "# HELP vs_rx_packets_total Frames received.\n"
        "# TYPE vs_rx_packets_total counter\n"
        "vs_rx_packets_total{port=\"p1\"} 5\n"
        "vs_rx_packets_total{port=\"p2\"} 18446744073709551615\n"
        "# HELP vs_state State.\n"
        "# TYPE vs_state gauge\n"
        "vs_state{port=\"p1\"} 1\n"
        "vs_state 0.25\n");
    CU_ASSERT_PTR_NULL(metrics_error(m));
    g_free(text);
    metrics_destroy(m);
}

/* Label values escape backslash, double quote and line feed; help text
 * escapes backslash and line feed and keeps its quotes. */
static void
test_escaping(void)
{
    struct metrics *m = metrics_create();
    char *text;

    CU_ASSERT_EQUAL(metrics_declare(m, "vs_x", METRICS_GAUGE,
                                    "A \"quoted\" back\\slash\nand more"), 0);
    CU_ASSERT_EQUAL(metrics_add_u64(m, "vs_x", 7, "port", "a\\b\"c\nd",
                                    "bridge", "br-0.1", NULL), 0);
    text = text_of(m);
    CU_ASSERT_STRING_EQUAL(text,
        "# HELP vs_x A \"quoted\" back\\\\slash\\nand more\n"
        "# TYPE vs_x gauge\n"
        "vs_x{port=\"a\\\\b\\\"c\\nd\",bridge=\"br-0.1\"} 7\n");
    g_free(text);
    metrics_destroy(m);
}

/* Names outside the format's syntax, and counters not named *_total, are
 * refused; so is a second declaration.  The first error is kept. */
static void
test_bad_names(void)
{
    struct metrics *m = metrics_create();

    CU_ASSERT_EQUAL(metrics_declare(m, "1abc", METRICS_GAUGE, ""), -EINVAL);
    CU_ASSERT_PTR_NOT_NULL(metrics_error(m));
    CU_ASSERT_PTR_NOT_NULL(strstr(metrics_error(m), "1abc"));
    CU_ASSERT_EQUAL(metrics_declare(m, "a-b", METRICS_GAUGE, ""), -EINVAL);
    CU_ASSERT_EQUAL(metrics_declare(m, "", METRICS_GAUGE, ""), -EINVAL);
    CU_ASSERT_EQUAL(metrics_declare(m, "vs_drops", METRICS_COUNTER, ""),
                    -EINVAL);
    CU_ASSERT_EQUAL(metrics_declare(m, "_total", METRICS_COUNTER, ""),
                    -EINVAL);
    CU_ASSERT_EQUAL(metrics_declare(m, "vs:rec_total", METRICS_COUNTER, ""),
                    0);
    CU_ASSERT_EQUAL(metrics_declare(m, "vs:rec_total", METRICS_GAUGE, ""),
                    -EEXIST);
    /* Still the first one. */
    CU_ASSERT_PTR_NOT_NULL(strstr(metrics_error(m), "1abc"));
    metrics_destroy(m);
}

/* Samples that would make the text invalid or ambiguous are refused and
 * not written. */
static void
test_bad_samples(void)
{
    struct metrics *m = metrics_create();
    char *text;

    CU_ASSERT_EQUAL(metrics_declare(m, "vs_g", METRICS_GAUGE, "G."), 0);
    CU_ASSERT_EQUAL(metrics_add_u64(m, "vs_nope", 1, NULL), -ENOENT);
    CU_ASSERT_PTR_NOT_NULL(strstr(metrics_error(m), "vs_nope"));
    CU_ASSERT_EQUAL(metrics_add_u64(m, "vs_g", 1, "__name", "x", NULL),
                    -EINVAL);
    CU_ASSERT_EQUAL(metrics_add_u64(m, "vs_g", 1, "a:b", "x", NULL),
                    -EINVAL);
    CU_ASSERT_EQUAL(metrics_add_u64(m, "vs_g", 1, "9a", "x", NULL),
                    -EINVAL);
    CU_ASSERT_EQUAL(metrics_add_u64(m, "vs_g", 1, "a", "x", "a", "y",
                                    NULL), -EINVAL);
    CU_ASSERT_EQUAL(metrics_add_u64(m, "vs_g", 1, "a", "\xff\xfe", NULL),
                    -EINVAL);
    CU_ASSERT_EQUAL(metrics_add_u64(m, "vs_g", 1, "a", "1", "b", "2", NULL),
                    0);
    /* The same series, labels in another order. */
    CU_ASSERT_EQUAL(metrics_add_u64(m, "vs_g", 2, "b", "2", "a", "1", NULL),
                    -EEXIST);
    CU_ASSERT_EQUAL(metrics_add_u64(m, "vs_g", 3, "a", "1", NULL), 0);
    text = text_of(m);
    CU_ASSERT_STRING_EQUAL(text, "# HELP vs_g G.\n# TYPE vs_g gauge\n"
                           "vs_g{a=\"1\",b=\"2\"} 1\nvs_g{a=\"1\"} 3\n");
    g_free(text);
    metrics_destroy(m);
}

/* The array form writes what the variadic one does, and refuses more
 * than METRICS_MAX_LABELS labels. */
static void
test_label_array(void)
{
    struct metrics_label labels[METRICS_MAX_LABELS + 1];
    char names[METRICS_MAX_LABELS + 1][8];
    struct metrics *m = metrics_create();
    char *text;

    for (int i = 0; i <= METRICS_MAX_LABELS; i++) {
        snprintf(names[i], sizeof names[i], "l%d", i);
        labels[i].name = names[i];
        labels[i].value = "v";
    }
    CU_ASSERT_EQUAL(metrics_declare(m, "vs_c_total", METRICS_COUNTER,
                                    "C."), 0);
    CU_ASSERT_EQUAL(metrics_add_u64_labels(m, "vs_c_total", 1, labels,
                                           METRICS_MAX_LABELS + 1), -EINVAL);
    CU_ASSERT_EQUAL(metrics_add_u64_labels(m, "vs_c_total", 2, labels, 2),
                    0);
    CU_ASSERT_EQUAL(metrics_add_u64(m, "vs_c_total", 3, "l0", "v", "l1",
                                    "v", NULL), -EEXIST);
    CU_ASSERT_EQUAL(metrics_add_u64_labels(m, "vs_c_total", 4, NULL, 0), 0);
    text = text_of(m);
    CU_ASSERT_STRING_EQUAL(text, "# HELP vs_c_total C.\n"
                           "# TYPE vs_c_total counter\n"
                           "vs_c_total{l0=\"v\",l1=\"v\"} 2\n"
                           "vs_c_total 4\n");
    g_free(text);
    metrics_destroy(m);
}

/* Numbers: the shortest decimal that reads back, and the special values
 * as the format spells them. */
static void
test_numbers(void)
{
    char buf[METRICS_NUM_LEN];

    CU_ASSERT_STRING_EQUAL(metrics_format_double(0, buf), "0");
    CU_ASSERT_STRING_EQUAL(metrics_format_double(12.5, buf), "12.5");
    CU_ASSERT_STRING_EQUAL(metrics_format_double(0.1, buf), "0.1");
    CU_ASSERT_STRING_EQUAL(metrics_format_double(-3, buf), "-3");
    CU_ASSERT_STRING_EQUAL(metrics_format_double(1e300, buf), "1e+300");
    CU_ASSERT_EQUAL(g_ascii_strtod(metrics_format_double(1.0 / 3, buf),
                                   NULL), 1.0 / 3);
    CU_ASSERT_STRING_EQUAL(metrics_format_double(NAN, buf), "NaN");
    CU_ASSERT_STRING_EQUAL(metrics_format_double(INFINITY, buf), "+Inf");
    CU_ASSERT_STRING_EQUAL(metrics_format_double(-INFINITY, buf), "-Inf");
}

/* An empty writer writes nothing; destroy accepts NULL. */
static void
test_empty(void)
{
    struct metrics *m = metrics_create();
    char *text = text_of(m);

    CU_ASSERT_STRING_EQUAL(text, "");
    g_free(text);
    metrics_destroy(m);
    metrics_destroy(NULL);
}

static CU_TestInfo tests[] = {
    { "grouping", test_grouping },
    { "escaping", test_escaping },
    { "bad names", test_bad_names },
    { "bad samples", test_bad_samples },
    { "label array", test_label_array },
    { "numbers", test_numbers },
    { "empty", test_empty },
    CU_TEST_INFO_NULL,
};

int
main(void)
{
    return unit_run_suite("metrics", NULL, NULL, tests);
}
