/*
 * fit-penalty --requests: the request-level fit's command line, report
 * and entry.  main() hands over to it when --requests is given.
 */
#ifndef RT_FIT_REQMAIN_H
#define RT_FIT_REQMAIN_H

/* Whether argv asks for the request-level fit. */
int reqmain_wanted(int argc, char **argv);
int reqmain(int argc, char **argv);

#endif
