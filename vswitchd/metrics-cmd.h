/* metrics-cmd: the "metrics" command, every counter of the switch in the
 * Prometheus text exposition format (lib/metrics.h), for Prometheus and
 * node_exporter's textfile collector (vswitch-ctl(8), "METRICS").
 *
 * It owns no counter: it reads each where the command that shows it reads
 * it (port/stats through bridge_counters_foreach(), fdb/show's MAC table
 * accessors, the port kinds' own metrics for team/show's state), so that
 * the metrics and the other commands always agree.
 *
 * Thread-safety: control thread only. */
#ifndef VSWITCHD_METRICS_CMD_H
#define VSWITCHD_METRICS_CMD_H 1

struct datapath;

/* Registers the command; notes the daemon's start time.  Call after
 * bridge_init(). */
void metrics_cmd_init(struct datapath *);

#endif /* metrics-cmd.h */
