/* libvirt-agent-script: --test-script (see libvirt-agent.h). */
#include <autoconf.h>
#include "libvirt-agent.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <libvirt/virterror.h>
#include "libvirt-xml.h"
#include "log.h"

#define THIS_MODULE "libvirt-agent"

static char **script_lines;      /* Owned, or NULL. */
static guint script_pos;         /* Next line to run. */
static bool script_done_logged;  /* "test script: done" logged. */

int
agent_script_load(const char *path)
{
    GError *error = NULL;
    char *text;

    if (!g_file_get_contents(path, &text, NULL, &error)) {
        fprintf(stderr, "vswitch-libvirt-agent: %s\n", error->message);
        g_error_free(error);
        return -1;
    }
    script_lines = g_strsplit(text, "\n", -1);
    g_free(text);
    return 0;
}

void
agent_script_free(void)
{
    g_clear_pointer(&script_lines, g_strfreev);
}

/* Runs the next line of the test script on our own connection: the test
 * driver's state lives in this process only (libvirt-probe notes, 4.1), so
 * this is how a test makes libvirt fire events at us.  Lines:
 * "destroy DOM", "start DOM", "suspend DOM", "resume DOM",
 * "set-metadata DOM FILE" (our element, live), "wait-file PATH" (go on
 * once PATH exists), "# comment".  Returns false while waiting. */
static bool
script_step(virConnectPtr conn)
{
    char **w;
    virDomainPtr dom = NULL;
    bool go_on = true;
    int rc = 0;

    if (!script_lines || !conn || !script_lines[script_pos]) {
        if (script_lines && !script_lines[script_pos]
            && !script_done_logged) {
            VLOG_INFO("test script: done");
            script_done_logged = true;
        }
        return false;
    }
    w = g_strsplit(g_strstrip(script_lines[script_pos]), " ", 3);
    if (!w[0] || !w[0][0] || w[0][0] == '#') {
        goto next;
    }
    if (!strcmp(w[0], "wait-file")) {
        if (!w[1] || access(w[1], F_OK)) {
            go_on = false;
            goto out;
        }
        goto next;
    }
    dom = w[1] ? virDomainLookupByName(conn, w[1]) : NULL;
    if (!dom) {
        VLOG_ERR("test script line %u: no domain %s", script_pos + 1,
                 w[1] ? w[1] : "(missing)");
        goto next;
    }
    if (!strcmp(w[0], "destroy")) {
        rc = virDomainDestroy(dom);
    } else if (!strcmp(w[0], "start")) {
        rc = virDomainCreate(dom);
    } else if (!strcmp(w[0], "suspend")) {
        rc = virDomainSuspend(dom);
    } else if (!strcmp(w[0], "resume")) {
        rc = virDomainResume(dom);
    } else if (!strcmp(w[0], "set-metadata") && w[2]) {
        char *text = NULL;

        if (!g_file_get_contents(w[2], &text, NULL, NULL)) {
            VLOG_ERR("test script: cannot read %s", w[2]);
            rc = -1;
        } else {
            rc = virDomainSetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT, text,
                                      "vsw", LIBVIRT_XML_NS,
                                      VIR_DOMAIN_AFFECT_LIVE);
        }
        g_free(text);
    } else {
        VLOG_ERR("test script line %u: unknown \"%s\"", script_pos + 1,
                 w[0]);
        goto next;
    }
    if (rc < 0) {
        VLOG_ERR("test script line %u (%s): %s", script_pos + 1, w[0],
                 virGetLastErrorMessage());
    } else {
        VLOG_INFO("test script: %s %s", w[0], w[1]);
    }

next:
    script_pos++;
out:
    if (dom) {
        virDomainFree(dom);
    }
    g_strfreev(w);
    return go_on;
}

void
agent_script_step(virConnectPtr conn)
{
    /* One line per call: its events come with the next loop turn. */
    script_step(conn);
}
