/* ecert — the data files of schemas/ (JSON Schemas, title/skill tables, pathway rules,
 * correspondence table), embedded at build time. Programs take a newer file from the
 * command line where they offer it; otherwise they use these. */
#ifndef ECERT_DATA_H
#define ECERT_DATA_H

#include <stddef.h>

struct ecert_data_file {
	const char *path;            /* relative to schemas/, e.g. "rules/jl-rs-2022-158.json" */
	const unsigned char *data;   /* NUL-terminated */
	const size_t *len;
};

/* Terminated by a row with path NULL. */
extern const struct ecert_data_file ecert_data_files[];

/* The embedded file at `path` (relative to schemas/), or NULL. */
const unsigned char *ecert_data_get(const char *path, size_t *len);

#endif
