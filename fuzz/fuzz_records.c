/* fuzz_records: the streaming reader of issuance records (records.h, DESIGN §2) over
 * bytes in memory (ecert_records_open_mem), every format (auto, json, ndjson, csv) with
 * every encoding (auto, UTF-8, GB18030): twelve readers per input, each read to the end.
 *
 * Properties of every reader:
 *   - opening fails with a code records.h lists (never I/O or NOMEM here), *out left
 *     alone, or gives a reader whose format and encoding are settled (not auto);
 *   - every record is a JSON object, with a line number from 1 on that never goes back;
 *     its strings are valid UTF-8 (it prints as strict JSON); a CSV record's keys are
 *     record field names and its values non-empty strings without leading or trailing
 *     white space (ASCII, U+00A0, U+3000, U+FEFF) — the trimming and empty-cell rules;
 *   - an error leaves *record alone; after a fatal error (ecert_records_fatal) every call
 *     returns the same code again; after a record error the reader goes on; the end
 *     (OK, NULL) stays the end; and the reader always gets there: no more calls than
 *     the input has bytes, plus a few;
 * Between readers:
 *   - auto-detection decides, nothing more: a reader opened with auto format and/or
 *     encoding that opens gives the same records, lines and errors (code and whether
 *     fatal) as one opened with the format and encoding it detected;
 *   - chunk boundaries do not matter (checked for one input in PAD_EVERY, by its hash):
 *     the input after CHUNK - k newlines (k from the
 *     input, so the reader's 64 KiB chunk ends inside the input's first bytes) gives, with
 *     the detected format and encoding, the same records and errors, every line number
 *     shifted by the number of newlines. (Not for an input starting with a byte-order
 *     mark, which is only dropped at the very start.) */
#include <string.h>

#include "ecert/buf.h"
#include "ecert/json.h"
#include "ecert/records.h"
#include "fixture.h"
#include "fuzz.h"

#define NFMT 4
#define NENC 3
/* Calls after the input's length that a reader may still need (end, errors at the end). */
#define EXTRA_CALLS 8
/* Bytes of the input the padded copy lets the chunk boundary fall into. */
#define BOUNDARY_SPREAD 251
#define PAD_EVERY 8
#define PRINT_JSON_MAX ((size_t)1 << 20)

FUZZ_INIT

static const char *const fmt_names[NFMT] = {"auto", "json", "ndjson", "csv"};
static const char *const enc_names[NENC] = {"auto", "utf-8", "gb18030"};

struct run {
	int open_rc;
	enum ecert_records_format fmt; /* detected, when opened */
	enum ecert_records_encoding enc;
	struct ecert_buf trace; /* one line per call: rc, fatal, line (shifted), record */
};

static int open_rejection(int rc)
{
	return rc == ECERT_ERR_ENCODING || rc == ECERT_ERR_SCHEMA || rc == ECERT_ERR_INVALID ||
	       (rc >= ECERT_ERR_JSON_SYNTAX && rc <= ECERT_ERR_JSON_NUMBER);
}

/* Length of a white-space character of the trimming rule at s (n bytes left), else 0. */
static size_t space_len(const unsigned char *s, size_t n)
{
	if (n >= 1 && strchr(" \t\r\n\v\f", s[0]) && s[0])
		return 1;
	if (n >= 2 && s[0] == 0xC2 && s[1] == 0xA0)
		return 2;
	if (n >= 3 && ((s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80) ||
	               (s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)))
		return 3;
	return 0;
}

static int ends_in_space(const unsigned char *s, size_t n)
{
	return (n >= 1 && space_len(s + n - 1, 1) == 1) ||
	       (n >= 2 && space_len(s + n - 2, 2) == 2) || (n >= 3 && space_len(s + n - 3, 3) == 3);
}

static void check_csv_record(const cJSON *rec, unsigned long line)
{
	const cJSON *m;

	cJSON_ArrayForEach(m, rec)
	{
		const char *name = ecert_records_field_name(m->string);
		const unsigned char *v;
		size_t n;

		FUZZ_CHECK(name && strcmp(name, m->string) == 0,
		           "line %lu: CSV record key \"%s\" is not a record field name", line,
		           m->string);
		FUZZ_CHECK(cJSON_IsString(m), "line %lu: CSV value of %s is not a string", line,
		           m->string);
		v = (const unsigned char *)m->valuestring;
		n = strlen(m->valuestring);
		FUZZ_CHECK(n > 0, "line %lu: empty CSV value of %s kept", line, m->string);
		FUZZ_CHECK(space_len(v, n) == 0 && !ends_in_space(v, n),
		           "line %lu: CSV value of %s not trimmed: \"%s\"", line, m->string,
		           m->valuestring);
	}
}

/* Read one reader to the end, checking it, and record what it gave. */
static void read_all(const uint8_t *data, size_t size, enum ecert_records_format fmt,
                     enum ecert_records_encoding enc, unsigned long shift, struct run *run)
{
	static char sentinel;
	struct ecert_records *const untouched = (struct ecert_records *)(void *)&sentinel;
	struct ecert_records *r = untouched;
	struct ecert_json_limits lim = {PRINT_JSON_MAX, 0};
	struct ecert_error err;
	unsigned long last = 0;
	size_t calls;
	int rc, ended = 0;

	memset(run, 0, sizeof(*run));
	ecert_error_clear(&err);
	run->open_rc = ecert_records_open_mem(data, size, NULL, fmt, enc, &r, &err);
	if (run->open_rc != ECERT_OK) {
		FUZZ_CHECK(
		    open_rejection(run->open_rc) && err.code == run->open_rc && err.msg[0] != '\0',
		    "%s/%s: open refused with %s, err.code %s, message \"%s\"", fmt_names[fmt],
		    enc_names[enc], ecert_errname(run->open_rc), ecert_errname(err.code), err.msg);
		FUZZ_CHECK(r == untouched, "%s/%s: a refused open set *out", fmt_names[fmt],
		           enc_names[enc]);
		return;
	}
	FUZZ_CHECK(r && r != untouched, "opened, but no reader");
	run->fmt = ecert_records_format(r);
	run->enc = ecert_records_encoding(r);
	FUZZ_CHECK(run->fmt != ECERT_RECORDS_AUTO && run->enc != ECERT_RECORDS_ENC_AUTO,
	           "%s/%s: format or encoding not settled", fmt_names[fmt], enc_names[enc]);
	FUZZ_CHECK((fmt == ECERT_RECORDS_AUTO || run->fmt == fmt) &&
	               (enc == ECERT_RECORDS_ENC_AUTO || run->enc == enc),
	           "%s/%s: reader says %s/%s", fmt_names[fmt], enc_names[enc], fmt_names[run->fmt],
	           enc_names[run->enc]);

	for (calls = 0;; calls++) {
		static char rsentinel;
		cJSON *const runtouched = (cJSON *)(void *)&rsentinel;
		cJSON *rec = runtouched;
		unsigned long line = 0;
		char *printed;
		cJSON *back = NULL;

		FUZZ_CHECK(calls <= size + EXTRA_CALLS, "%s/%s: %zu calls for %zu bytes: no end",
		           fmt_names[fmt], enc_names[enc], calls, size);
		ecert_error_clear(&err);
		rc = ecert_records_next(r, &rec, &line, &err);
		if (rc != ECERT_OK) {
			int fatal = ecert_records_fatal(r), rc2;

			FUZZ_CHECK(open_rejection(rc) && err.code == rc && err.msg[0] != '\0',
			           "%s/%s: next failed with %s, err.code %s, message \"%s\"",
			           fmt_names[fmt], enc_names[enc], ecert_errname(rc),
			           ecert_errname(err.code), err.msg);
			FUZZ_CHECK(rec == runtouched, "an error set *record");
			FUZZ_CHECK(!ended, "an error after the end");
			FUZZ_CHECK(ecert_buf_printf(&run->trace, "%d %d\n", rc, fatal) == ECERT_OK,
			           "out of memory");
			if (fatal) {
				rc2 = ecert_records_next(r, &rec, &line, NULL);
				FUZZ_CHECK(rc2 == rc && rec == runtouched && ecert_records_fatal(r),
				           "after a fatal %s, next gives %s", ecert_errname(rc),
				           ecert_errname(rc2));
				break;
			}
			continue;
		}
		if (!rec) {
			FUZZ_CHECK(ecert_buf_printf(&run->trace, "end\n") == ECERT_OK,
			           "out of memory");
			if (ended)
				break;
			ended = 1; /* once more: the end stays the end */
			continue;
		}
		FUZZ_CHECK(rec != runtouched, "OK without setting *record");
		FUZZ_CHECK(!ended, "a record after the end");
		FUZZ_CHECK(cJSON_IsObject(rec), "%s/%s: record of line %lu is not an object",
		           fmt_names[fmt], enc_names[enc], line);
		FUZZ_CHECK(line >= 1 && line >= last, "%s/%s: record line %lu after %lu",
		           fmt_names[fmt], enc_names[enc], line, last);
		last = line;
		if (run->fmt == ECERT_RECORDS_CSV)
			check_csv_record(rec, line);
		printed = cJSON_PrintUnformatted(rec);
		FUZZ_CHECK(printed, "printing a record failed");
		rc = ecert_json_parse(printed, strlen(printed), &lim, &back, &err);
		FUZZ_CHECK(rc == ECERT_OK,
		           "line %lu: the record does not print as strict JSON: %s (%s)", line,
		           ecert_errname(rc), err.msg);
		FUZZ_CHECK(ecert_buf_printf(&run->trace, "ok %lu %s\n", line - shift, printed) ==
		               ECERT_OK,
		           "out of memory");
		cJSON_Delete(back);
		cJSON_free(printed);
		cJSON_Delete(rec);
	}
	ecert_records_close(r);
}

static int same_trace(const struct run *a, const struct run *b)
{
	return a->trace.len == b->trace.len &&
	       (a->trace.len == 0 || memcmp(a->trace.data, b->trace.data, a->trace.len) == 0);
}

static void expect_same(const struct run *autorun, const struct run *explicit, const char *what)
{
	FUZZ_CHECK(explicit->open_rc == ECERT_OK,
	           "%s: detected %s/%s, but opening with those fails: %s", what,
	           fmt_names[autorun->fmt], enc_names[autorun->enc],
	           ecert_errname(explicit->open_rc));
	FUZZ_CHECK(same_trace(autorun, explicit),
	           "%s: detected %s/%s reads differently from it given explicitly:\n--- %s\n--- "
	           "%s",
	           what, fmt_names[autorun->fmt], enc_names[autorun->enc],
	           autorun->trace.data ? (const char *)autorun->trace.data : "",
	           explicit->trace.data ? (const char *)explicit->trace.data : "");
}

static int starts_with_bom(const uint8_t *d, size_t n)
{
	return (n >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF) ||
	       (n >= 4 && d[0] == 0x84 && d[1] == 0x31 && d[2] == 0x95 && d[3] == 0x33);
}

/* Open (f, e) and read it, unless an earlier run already did. */
static struct run *get_run(struct run runs[NFMT][NENC], int done[NFMT][NENC], const uint8_t *data,
                           size_t size, int f, int e)
{
	if (!done[f][e]) {
		read_all(data, size, (enum ecert_records_format)f, (enum ecert_records_encoding)e,
		         0, &runs[f][e]);
		done[f][e] = 1;
	}
	return &runs[f][e];
}

/* A run with auto format and/or encoding that opened reads as the explicit one. */
static void check_auto(struct run runs[NFMT][NENC], int done[NFMT][NENC], const uint8_t *data,
                       size_t size, int f, int e)
{
	const struct run *a = get_run(runs, done, data, size, f, e);

	if (a->open_rc != ECERT_OK || (f != ECERT_RECORDS_AUTO && e != ECERT_RECORDS_ENC_AUTO))
		return;
	expect_same(a, get_run(runs, done, data, size, (int)a->fmt, (int)a->enc), "auto");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run runs[NFMT][NENC], padded;
	int done[NFMT][NENC];
	struct ecert_buf pad = ECERT_BUF_INIT;
	struct fx_rng rng;
	unsigned pick;
	int f, e;

	/* A reader costs two large allocations (its 64 KiB chunk and the text buffer), which
	 * under ASan are fresh mappings: so not all twelve combinations for every input, but
	 * auto/auto, what it detected, and one more picked by the input's hash. */
	memset(done, 0, sizeof(done));
	fx_rng_init(&rng, data, size);
	pick = fx_rng_next(&rng, NFMT * NENC);
	check_auto(runs, done, data, size, ECERT_RECORDS_AUTO, ECERT_RECORDS_ENC_AUTO);
	check_auto(runs, done, data, size, (int)(pick / NENC), (int)(pick % NENC));

	/* chunk boundaries do not matter (for one input in PAD_EVERY: reading 64 KiB of
	 * newlines costs more than all the rest) */
	if (runs[0][0].open_rc == ECERT_OK && !starts_with_bom(data, size) &&
	    fx_rng_next(&rng, PAD_EVERY) == 0) {
		const struct run *a = &runs[0][0];
		size_t k = fx_rng_next(&rng, BOUNDARY_SPREAD) + 1;
		size_t n = ECERT_RECORDS_CHUNK - k;

		FUZZ_CHECK(ecert_buf_reserve(&pad, n + size) == ECERT_OK, "out of memory");
		memset(pad.data, '\n', n);
		if (size)
			memcpy(pad.data + n, data, size);
		pad.len = n + size;
		read_all(pad.data, pad.len, a->fmt, a->enc, (unsigned long)n, &padded);
		FUZZ_CHECK(padded.open_rc == ECERT_OK,
		           "after %zu newlines, opening as %s/%s fails: %s", n, fmt_names[a->fmt],
		           enc_names[a->enc], ecert_errname(padded.open_rc));
		FUZZ_CHECK(
		    same_trace(&runs[a->fmt][a->enc], &padded),
		    "after %zu newlines (chunk boundary %zu bytes into the input), %s/%s reads "
		    "differently:\n--- %s\n--- %s",
		    n, k, fmt_names[a->fmt], enc_names[a->enc],
		    runs[a->fmt][a->enc].trace.data ? (const char *)runs[a->fmt][a->enc].trace.data
		                                    : "",
		    padded.trace.data ? (const char *)padded.trace.data : "");
		ecert_buf_free(&padded.trace);
		ecert_buf_free(&pad);
	}
	for (f = 0; f < NFMT; f++)
		for (e = 0; e < NENC; e++)
			if (done[f][e])
				ecert_buf_free(&runs[f][e].trace);
	return 0;
}
