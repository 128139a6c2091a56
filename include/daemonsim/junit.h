/* junit.h: a test run as JUnit XML, the report format CI servers read
 * (GitLab's junit artifacts, Jenkins' junit step, GitHub actions such as
 * dorny/test-reporter and mikepenz/action-junit-report).
 *
 * One <testsuites> holding one <testsuite>; one <testcase> per scenario file,
 * with one <failure> per failed expectation (its text gives the simulated
 * time, the field, the expected and the actual value) or one <error> when the
 * file could not run. The suite's failures and errors count test cases, as
 * the readers expect. Only attributes that the strictest reader's schema
 * (Jenkins xunit's junit-10.xsd) allows are written. Text is escaped for XML 1.0: markup characters become
 * entities, control characters that XML cannot carry become '?', and bytes
 * that are not UTF-8 become U+FFFD, so any message gives a well-formed file. */
#ifndef DAEMONSIM_JUNIT_H
#define DAEMONSIM_JUNIT_H

#include <stdio.h>

#include "daemonsim/base.h"

typedef struct {
    SimTime t;                  /* simulated time of the check */
    const char *field;
    const char *expected;
    const char *actual;
    const char *message;        /* the line the run printed */
} JunitFailure;

typedef struct {
    const char *classname;      /* the file's folder, dotted: tests.scenarios */
    const char *name;           /* the file name without .yaml */
    double seconds;             /* wall-clock time */
    const JunitFailure *failures;
    size_t nfailures;
    uint32_t unlisted;          /* further failures, counted only */
    const char *error;          /* non-NULL: the file did not run; the diagnostic */
    const char *error_type;     /* "invalid" (bad input) or "runtime" */
} JunitCase;

/* Writes the whole document; -1 when the stream reports an error. */
int junit_write(FILE *f, const char *suite, const JunitCase *cases, size_t n, double seconds);

/* Text escaped for XML character data, or for an attribute value when attr
 * is true (quotes and line breaks become character references). */
void junit_escape(FILE *f, const char *s, bool attr);

#endif
