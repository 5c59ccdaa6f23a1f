/* driver: main() for a fuzz target without libFuzzer (see fuzz.h).
 *
 *   fuzz-NAME                replays $srcdir/tests/fuzz/corpus/NAME/ and
 *                            $srcdir/tests/fuzz/regress/NAME/ (as `make
 *                            check` runs it; $srcdir defaults to ".");
 *   fuzz-NAME PATH...        replays the files named, and every file of the
 *                            directories named (to try a crash input).
 *
 * Each input is handed to LLVMFuzzerTestOneInput() in a heap block of
 * exactly its size, so that the sanitizers catch a read past its end.  The
 * name of each input is printed before it runs: after a crash, the last
 * name in the log is the culprit.  Exits 0 when every input passed, 1 when
 * an input could not be read or no input was found; a failing input aborts
 * the program. */
#include <autoconf.h>
#include "fuzz.h"

#include <errno.h>
#include <glib.h>
#include <string.h>

#ifndef FUZZ_TARGET
#error "FUZZ_TARGET must name the target (e.g. -DFUZZ_TARGET='\"packet\"')"
#endif

/* Runs the input in file 'path'.  Returns false if it cannot be read. */
static bool
run_file(const char *path)
{
    GError *error = NULL;
    char *contents;
    gsize len;
    uint8_t *copy;

    if (!g_file_get_contents(path, &contents, &len, &error)) {
        fprintf(stderr, "fuzz-%s: %s\n", FUZZ_TARGET, error->message);
        g_error_free(error);
        return false;
    }
    copy = malloc(len ? len : 1);
    if (!copy) {
        fprintf(stderr, "fuzz-%s: out of memory for %s\n", FUZZ_TARGET,
                path);
        g_free(contents);
        return false;
    }
    memcpy(copy, contents, len);
    g_free(contents);

    printf("fuzz-%s: %s (%zu bytes)\n", FUZZ_TARGET, path, (size_t) len);
    fflush(stdout);
    LLVMFuzzerTestOneInput(copy, len);
    free(copy);
    return true;
}

static int
compare_names(const void *a_, const void *b_)
{
    const char *const *a = a_;
    const char *const *b = b_;

    return strcmp(*a, *b);
}

/* Runs every regular file in directory 'dir', in name order, adding their
 * number to '*n'.  A missing directory is an error only if 'required'. */
static bool
run_dir(const char *dir, bool required, unsigned int *n)
{
    GError *error = NULL;
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *name;
    bool ok = true;
    GDir *d;

    d = g_dir_open(dir, 0, &error);
    if (!d) {
        if (required || !g_error_matches(error, G_FILE_ERROR,
                                         G_FILE_ERROR_NOENT)) {
            fprintf(stderr, "fuzz-%s: %s\n", FUZZ_TARGET, error->message);
            ok = false;
        }
        g_error_free(error);
        g_ptr_array_free(names, TRUE);
        return ok;
    }
    while ((name = g_dir_read_name(d))) {
        char *path = g_build_filename(dir, name, NULL);

        if (name[0] != '.' && g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
            g_ptr_array_add(names, path);
        } else {
            g_free(path);
        }
    }
    g_dir_close(d);
    qsort(names->pdata, names->len, sizeof names->pdata[0], compare_names);
    for (guint i = 0; i < names->len; i++) {
        ok = run_file(names->pdata[i]) && ok;
        (*n)++;
    }
    g_ptr_array_free(names, TRUE);
    return ok;
}

int
main(int argc, char *argv[])
{
    unsigned int n_seeds = 0, n_regress = 0, n = 0;
    bool ok = true;

    if (argc > 1) {
        for (int i = 1; i < argc; i++) {
            if (g_file_test(argv[i], G_FILE_TEST_IS_DIR)) {
                ok = run_dir(argv[i], true, &n) && ok;
            } else {
                ok = run_file(argv[i]) && ok;
                n++;
            }
        }
        printf("fuzz-%s: %u inputs passed\n", FUZZ_TARGET, n);
        return ok && n ? 0 : 1;
    } else {
        const char *srcdir = getenv("srcdir") ? getenv("srcdir") : ".";
        char *corpus = g_build_filename(srcdir, "tests", "fuzz", "corpus",
                                        FUZZ_TARGET, NULL);
        char *regress = g_build_filename(srcdir, "tests", "fuzz", "regress",
                                         FUZZ_TARGET, NULL);

        ok = run_dir(corpus, true, &n_seeds);
        ok = run_dir(regress, false, &n_regress) && ok;
        printf("fuzz-%s: %u seed inputs (%s) and %u regression inputs (%s) "
               "passed\n", FUZZ_TARGET, n_seeds, corpus, n_regress,
               regress);
        if (!n_seeds) {
            fprintf(stderr, "fuzz-%s: no seed inputs in %s\n", FUZZ_TARGET,
                    corpus);
            ok = false;
        }
        g_free(corpus);
        g_free(regress);
        return ok ? 0 : 1;
    }
}
