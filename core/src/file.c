/* ecert — bounded file reads and atomic writes. */
#define _GNU_SOURCE /* syncfs */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "ecert/file.h"

int ecert_file_read(const char *path, size_t max, struct ecert_buf *out, struct ecert_error *err)
{
	int fd, rc = ECERT_ERR_IO;
	int is_stdin = strcmp(path, "-") == 0;
	unsigned char chunk[16384];
	ssize_t n;

	fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ecert_error_where(err, "%s", path);
		return ecert_fail(err, ECERT_ERR_IO, "cannot open: %s", strerror(errno));
	}
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ecert_error_where(err, "%s", is_stdin ? "<stdin>" : path);
			rc = ecert_fail(err, ECERT_ERR_IO, "read failed: %s", strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if (max && out->len + (size_t)n > max) {
			ecert_error_where(err, "%s", is_stdin ? "<stdin>" : path);
			rc = ecert_fail(err, ECERT_ERR_JSON_SIZE, "larger than the %zu-byte limit", max);
			goto out;
		}
		if (ecert_buf_append(out, chunk, (size_t)n) != ECERT_OK) {
			rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory reading %s", path);
			goto out;
		}
	}
	if (!out->data && ecert_buf_reserve(out, 0) != ECERT_OK) {
		rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
		goto out;
	}
	rc = ECERT_OK;
out:
	/* The bounce buffer may have held a secret (a passphrase file): leave no copy. */
	OPENSSL_cleanse(chunk, sizeof(chunk));
	if (!is_stdin)
		close(fd);
	return rc;
}

static void fsync_dir_of(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int fd;

	if (!slash) {
		snprintf(dir, sizeof(dir), ".");
	} else if (slash == path) {
		snprintf(dir, sizeof(dir), "/");
	} else {
		if ((size_t)(slash - path) >= sizeof(dir))
			return;
		memcpy(dir, path, (size_t)(slash - path));
		dir[slash - path] = '\0';
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

int ecert_file_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
			    int exclusive, struct ecert_error *err)
{
	return ecert_file_write_atomic_flags(path, data, len, mode,
					     exclusive ? ECERT_FILE_EXCLUSIVE : 0, err);
}

int ecert_file_write_atomic_flags(const char *path, const void *data, size_t len, mode_t mode,
				  int flags, struct ecert_error *err)
{
	int exclusive = flags & ECERT_FILE_EXCLUSIVE, nosync = flags & ECERT_FILE_NOSYNC;
	static unsigned long seq;
	char tmp[PATH_MAX];
	const unsigned char *p = data;
	int fd = -1, rc = ECERT_ERR_IO, n;
	struct stat st;

	if (exclusive && lstat(path, &st) == 0) {
		ecert_error_where(err, "%s", path);
		return ecert_fail(err, ECERT_ERR_EXISTS, "already exists (use --force to replace)");
	}
	n = snprintf(tmp, sizeof(tmp), "%s" ECERT_FILE_TMP_INFIX "%ld.%lu", path, (long)getpid(),
		     __atomic_add_fetch(&seq, 1, __ATOMIC_RELAXED));
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		ecert_error_where(err, "%s", path);
		return ecert_fail(err, ECERT_ERR_ARG, "path too long");
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0) {
		ecert_error_where(err, "%s", path);
		return ecert_fail(err, ECERT_ERR_IO, "cannot create %s: %s", tmp, strerror(errno));
	}
	if (fchmod(fd, mode) != 0)
		goto ioerr;
	while (len > 0) {
		ssize_t w = write(fd, p, len);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			goto ioerr;
		}
		p += w;
		len -= (size_t)w;
	}
	if (!nosync && fsync(fd) != 0)
		goto ioerr;
	if (close(fd) != 0) {
		fd = -1;
		goto ioerr;
	}
	fd = -1;
	if (exclusive) {
		/* link() fails if path appeared meanwhile: never replace without --force */
		if (link(tmp, path) != 0)
			goto ioerr;
		unlink(tmp);
	} else if (rename(tmp, path) != 0) {
		goto ioerr;
	}
	if (!nosync)
		fsync_dir_of(path);
	return ECERT_OK;
ioerr:
	ecert_error_where(err, "%s", path);
	rc = ecert_fail(err, errno == EEXIST ? ECERT_ERR_EXISTS : ECERT_ERR_IO,
			"cannot write: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return rc;
}

int ecert_file_sync_fs(const char *dir, struct ecert_error *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r;

	if (fd < 0) {
		ecert_error_where(err, "%s", dir);
		return ecert_fail(err, ECERT_ERR_IO, "cannot open the directory: %s",
				  strerror(errno));
	}
#ifdef __linux__
	r = syncfs(fd);
#else
	sync();
	r = fsync(fd);
#endif
	if (r != 0) {
		ecert_error_where(err, "%s", dir);
		r = ecert_fail(err, ECERT_ERR_IO, "cannot flush to disk: %s", strerror(errno));
		close(fd);
		return r;
	}
	close(fd);
	return ECERT_OK;
}
