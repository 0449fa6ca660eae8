/* cmocka: bounded reads and atomic writes (with and without fsync), syncfs. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "ecert/alloc.h"
#include "ecert/file.h"

struct fixture {
	char dir[64];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/ecert-file-XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

/* Remove the directory's files, counting them. */
static int clear_dir(const char *dir)
{
	char p[512];
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		unlink(p);
		n++;
	}
	closedir(d);
	return n;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	clear_dir(f->dir);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void read_back(const char *path, const char *want)
{
	struct ecert_buf b = ECERT_BUF_INIT;

	assert_int_equal(ecert_file_read(path, 0, &b, NULL), ECERT_OK);
	assert_int_equal(b.len, strlen(want));
	assert_memory_equal(b.data, want, b.len);
	ecert_buf_free(&b);
}

static void test_write_flags(void **state)
{
	struct fixture *f = *state;
	struct ecert_error err;
	struct stat st;
	char path[128];

	snprintf(path, sizeof(path), "%s/a.json", f->dir);
	assert_int_equal(ecert_file_write_atomic_flags(path, "one", 3, 0644, ECERT_FILE_NOSYNC,
						       NULL),
			 ECERT_OK);
	read_back(path, "one");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	/* replace without fsync */
	assert_int_equal(ecert_file_write_atomic_flags(path, "two!", 4, 0600, ECERT_FILE_NOSYNC,
						       NULL),
			 ECERT_OK);
	read_back(path, "two!");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	/* exclusive refuses an existing file and leaves it alone */
	ecert_error_clear(&err);
	assert_int_equal(ecert_file_write_atomic_flags(path, "x", 1, 0644,
						       ECERT_FILE_EXCLUSIVE | ECERT_FILE_NOSYNC,
						       &err),
			 ECERT_ERR_EXISTS);
	assert_string_equal(err.where, path);
	read_back(path, "two!");
	assert_int_equal(ecert_file_write_atomic(path, "three", 5, 0644, 0, NULL), ECERT_OK);
	read_back(path, "three");
	assert_int_equal(ecert_file_sync_fs(f->dir, NULL), ECERT_OK);
	/* no temp file is left behind */
	assert_int_equal(clear_dir(f->dir), 1);
}

static void test_write_errors(void **state)
{
	struct fixture *f = *state;
	struct ecert_error err;
	char path[128];

	snprintf(path, sizeof(path), "%s/missing/a.json", f->dir);
	ecert_error_clear(&err);
	assert_int_equal(ecert_file_write_atomic_flags(path, "x", 1, 0644, ECERT_FILE_NOSYNC,
						       &err),
			 ECERT_ERR_IO);
	assert_string_equal(err.where, path);
	snprintf(path, sizeof(path), "%s/missing", f->dir);
	ecert_error_clear(&err);
	assert_int_equal(ecert_file_sync_fs(path, &err), ECERT_ERR_IO);
	assert_string_equal(err.where, path);
	assert_int_equal(clear_dir(f->dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_write_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_errors, setup, teardown),
	};

	ecert_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
