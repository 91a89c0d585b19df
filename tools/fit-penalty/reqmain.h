/*
 * fit-penalty --requests: the request-level fit's command line, report
 * and entry.  main() hands over to it when --requests is given.
 */
#ifndef RT_FIT_REQMAIN_H
#define RT_FIT_REQMAIN_H

/* Whether argv asks for the request-level fit. */
int reqmain_wanted(int argc, char **argv);
int reqmain(int argc, char **argv);
/* The request-level fit's options, after the step fit's usage. */
void reqmain_usage(void);

#endif
