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

/* Flags of ecert_file_write_atomic_flags. */
#define ECERT_FILE_EXCLUSIVE 1 /* as `exclusive` above */
/* Skip the fsync of the file and of its directory. The rename is still atomic (a reader or
 * a crashed process never sees a partial file), but after a power loss the file may be
 * missing or empty until the caller has made the whole group durable with
 * ecert_file_sync_fs — for batches that record completion only after that call. */
#define ECERT_FILE_NOSYNC 2

/* ecert_file_write_atomic with flags (ECERT_FILE_*). The temp file is named
 * PATH.tmp.<pid>.<n> (ECERT_FILE_TMP_INFIX), so that a later run can find and remove the
 * leftovers of a killed process. */
int ecert_file_write_atomic_flags(const char *path, const void *data, size_t len, mode_t mode,
				  int flags, struct ecert_error *err);
#define ECERT_FILE_TMP_INFIX ".tmp."

/* Make everything written to the file system holding `dir` durable (syncfs(2); fsync of
 * the directory where syncfs is not available). ECERT_ERR_IO on failure. */
int ecert_file_sync_fs(const char *dir, struct ecert_error *err);

#endif
