/* trace-cmd: the "trace" command (vswitch-ctl trace BR in_port=PORT
 * FRAME): the real pipeline run on a frame that is not sent, each stage's
 * decision printed (lib/dp-trace.h, lib/trace-frame.h).
 *
 * Thread-safety: control thread only. */
#ifndef VSWITCHD_TRACE_CMD_H
#define VSWITCHD_TRACE_CMD_H 1

struct datapath;

/* Registers "trace", which traces on 'dp'. */
void trace_cmd_init(struct datapath *dp);

#endif /* trace-cmd.h */
