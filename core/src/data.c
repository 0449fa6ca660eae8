/* ecert — lookup of the embedded schemas/ files. */
#include <string.h>

#include "ecert/data.h"

const unsigned char *ecert_data_get(const char *path, size_t *len)
{
	const struct ecert_data_file *f;

	for (f = ecert_data_files; f->path; f++) {
		if (strcmp(f->path, path) == 0) {
			if (len)
				*len = *f->len;
			return f->data;
		}
	}
	return NULL;
}
