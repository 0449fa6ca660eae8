/* ecert — file helpers: bounded reads and atomic writes (temp file + fsync + rename). */
#ifndef ECERT_FILE_H
#define ECERT_FILE_H

#include <stddef.h>
#include <sys/types.h>
#include "ecert/buf.h"
#include "ecert/error.h"

/* Read a whole file ("-" = stdin) into out; ECERT_ERR_IO if it cannot be read,
 * ECERT_ERR_JSON_SIZE if it is larger than max (0 = unbounded). err->where is the path. */
int ecert_file_read(const char *path, size_t max, struct ecert_buf *out, struct ecert_error *err);

/* Write data to path atomically: PATH.tmp.<pid>.<n> created O_EXCL with `mode`, written,
 * fsync'd, renamed over path (the directory is fsync'd too). If exclusive is set and
 * path exists, ECERT_ERR_EXISTS and nothing is written. On any failure the temp file is
 * removed and path is untouched. */
int ecert_file_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
			    int exclusive, struct ecert_error *err);

#endif
