/* ecert — streaming reader of issuance records: JSON, NDJSON, CSV (RFC 4180), in UTF-8 or
 * GB18030. See ecert/records.h.
 *
 * Layers: raw bytes (one chunk) → decoded, validated UTF-8 text (one chunk, with line
 * numbers) → the format's parser, which keeps at most one record. A decoding problem is
 * held back until the parser reaches it, so every record before it is still delivered. */
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "ecert/alloc.h"
#include "ecert/buf.h"
#include "ecert/json.h"
#include "ecert/records.h"

/* Decoded text is at most twice the raw bytes: GB18030 2 bytes → 3, 4 → 4; UTF-8 1:1. */
#define TXT_CAP (2 * ECERT_RECORDS_CHUNK + 8)

/* The column table: CSV header labels → record field names (DESIGN §2). */
static const struct {
	const char *label;
	const char *field;
} column_table[] = {
    {"类别", "kind"},
    {"证书编号", "certificateNumber"},
    {"姓名", "name"},
    {"身份证号", "idNumber"},
    {"身份证号码", "idNumber"},
    {"证件号码", "idNumber"},
    {"公民身份号码", "idNumber"},
    {"性别", "gender"},
    {"工作单位", "employer"},
    {"单位名称", "employer"},
    {"系列", "series"},
    {"职称系列", "series"},
    {"专业", "specialty"},
    {"级别", "level"},
    {"职称级别", "level"},
    {"等级", "level"},
    {"技能等级", "level"},
    {"资格名称", "titleName"},
    {"职称名称", "titleName"},
    {"取得资格时间", "qualifiedOn"},
    {"通过时间", "qualifiedOn"},
    {"批准文号", "approvalDocument"},
    {"取得方式", "evaluationMethod"},
    {"评价方式", "evaluationMethod"},
    {"职业编码", "occupationCode"},
    {"职业代码", "occupationCode"},
    {"职业名称", "occupation"},
    {"职业（工种）", "occupation"},
    {"工种", "occupation"},
    {"等级名称", "levelName"},
    {"发证日期", "certifiedOn"},
    {"证书类型", "certificateKind"},
    {"有效期起", "validFrom"},
    {"有效期至", "validUntil"},
    {"电子证照标识", "licenseId"},
};

/* The record fields a CSV column may name (pathway is an object: JSON input only). */
static const char *const field_names[] = {
    "kind",
    "certificateNumber",
    "name",
    "idNumber",
    "gender",
    "employer",
    "series",
    "specialty",
    "level",
    "titleName",
    "qualifiedOn",
    "approvalDocument",
    "evaluationMethod",
    "occupationCode",
    "occupation",
    "levelName",
    "certifiedOn",
    "certificateKind",
    "validFrom",
    "validUntil",
    "licenseId",
};

enum js_state {
	JS_OBJECT,         /* one object, not yet read */
	JS_OBJECT_SCANNED, /* one object, its text in r->rec (read while detecting) */
	JS_ARRAY_FIRST,    /* after '[' */
	JS_ARRAY_NEXT,     /* after an element */
	JS_ARRAY_END,      /* after ']' */
	JS_DONE
};

/* One CSV row as read: the cells (each NUL-terminated in data) and the first problem. */
struct csv_row {
	struct ecert_buf data;
	size_t off[ECERT_RECORDS_COLUMNS_MAX];
	size_t len[ECERT_RECORDS_COLUMNS_MAX];
	size_t n;           /* cells stored */
	size_t seen;        /* cells in the row */
	unsigned long line; /* the row starts here */
	int bad;            /* a problem was found; the row is read to its end and refused */
	unsigned long bad_line;
	long bad_col; /* cell index of the problem, or -1 for the row */
	int bad_code;
	char bad_msg[ECERT_ERR_MSG_MAX];
};

struct ecert_records {
	/* source */
	int fd;
	int own_fd;
	const unsigned char *mem;
	size_t mem_len, mem_pos;
	int is_mem;
	/* raw bytes and their decoding */
	enum ecert_records_encoding encoding;
	iconv_t cd;
	unsigned char raw[ECERT_RECORDS_CHUNK];
	size_t raw_len;
	int raw_eof;
	unsigned char *txt;
	size_t txt_len, txt_pos;
	int at_start;           /* nothing decoded yet: a byte-order mark may come */
	unsigned long dec_line; /* line at the end of the decoded text */
	unsigned long line;     /* line of the next unread character */
	unsigned long col;      /* its column, in characters */
	int pending;            /* decoding stopped: pending_err waits at the end of txt */
	struct ecert_error pending_err;
	int fatal;
	struct ecert_error fatal_err;
	/* format */
	enum ecert_records_format format;
	size_t ncols;
	const char *names[ECERT_RECORDS_COLUMNS_MAX]; /* NULL: a column without header */
	char *labels[ECERT_RECORDS_COLUMNS_MAX];
	struct csv_row row;
	enum js_state js;
	struct ecert_buf rec;            /* text of a JSON record */
	int have_first;                  /* NDJSON: the first record was read while detecting */
	unsigned long rec_line, rec_col; /* where the JSON record starts */
};

static void vset(struct ecert_error *err, unsigned long line, const char *col, int code,
                 const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));
static void vset(struct ecert_error *err, unsigned long line, const char *col, int code,
                 const char *fmt, va_list ap)
{
	char msg[ECERT_ERR_MSG_MAX];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (col)
		ecert_error_where(err, "line %lu: column %s", line, col);
	else
		ecert_error_where(err, "line %lu", line);
	ecert_fail(err, code, "%s", msg);
}

/* An error of one record: the reader can go on. */
static int rec_fail(struct ecert_error *err, unsigned long line, const char *col, int code,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int rec_fail(struct ecert_error *err, unsigned long line, const char *col, int code,
                    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(err, line, col, code, fmt, ap);
	va_end(ap);
	return code;
}

/* An error of the stream: the reader stops here for good. */
static int fatal(struct ecert_records *r, struct ecert_error *err, unsigned long line,
                 const char *col, int code, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
static int fatal(struct ecert_records *r, struct ecert_error *err, unsigned long line,
                 const char *col, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(err, line, col, code, fmt, ap);
	va_end(ap);
	r->fatal = 1;
	return code;
}

static int nomem(struct ecert_records *r, struct ecert_error *err)
{
	r->fatal = 1;
	return ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
}

/* ---- decoding ---------------------------------------------------------------------- */

/* Length of the longest valid UTF-8 prefix of s (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF). *stop: 0 all valid, 1 a sequence is cut off by the
 * end of s, 2 an invalid sequence starts at the returned offset. */
static size_t utf8_prefix(const unsigned char *s, size_t n, int *stop)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i], lo = 0x80, hi = 0xBF;
		size_t need, k;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			need = 1;
		} else if (c >= 0xE0 && c <= 0xEF) {
			need = 2;
			if (c == 0xE0)
				lo = 0xA0;
			else if (c == 0xED)
				hi = 0x9F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			need = 3;
			if (c == 0xF0)
				lo = 0x90;
			else if (c == 0xF4)
				hi = 0x8F;
		} else {
			*stop = 2;
			return i;
		}
		for (k = 1; k <= need; k++) {
			unsigned char b;

			if (i + k >= n) {
				*stop = 1;
				return i;
			}
			b = s[i + k];
			if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) {
				*stop = 2;
				return i;
			}
		}
		i += need + 1;
	}
	*stop = 0;
	return n;
}

static unsigned long count_lines(const unsigned char *s, size_t n)
{
	unsigned long k = 0;

	for (const unsigned char *p = s, *end = s + n; (p = memchr(p, '\n', (size_t)(end - p)));
	     p++)
		k++;
	return k;
}

/* Read more raw bytes (one read). */
static int raw_read(struct ecert_records *r, struct ecert_error *err)
{
	size_t room = sizeof(r->raw) - r->raw_len;
	ssize_t n;

	if (r->raw_eof || room == 0)
		return ECERT_OK;
	if (r->is_mem) {
		size_t k = r->mem_len - r->mem_pos < room ? r->mem_len - r->mem_pos : room;

		memcpy(r->raw + r->raw_len, r->mem + r->mem_pos, k);
		r->mem_pos += k;
		r->raw_len += k;
		if (r->mem_pos == r->mem_len)
			r->raw_eof = 1;
		return ECERT_OK;
	}
	do
		n = read(r->fd, r->raw + r->raw_len, room);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return fatal(r, err, r->dec_line, NULL, ECERT_ERR_IO, "read failed: %s",
		             strerror(errno));
	if (n == 0)
		r->raw_eof = 1;
	r->raw_len += (size_t)n;
	return ECERT_OK;
}

static void set_pending(struct ecert_records *r, unsigned long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_pending(struct ecert_records *r, unsigned long line, const char *fmt, ...)
{
	va_list ap;

	ecert_error_clear(&r->pending_err);
	va_start(ap, fmt);
	vset(&r->pending_err, line, NULL, ECERT_ERR_ENCODING, fmt, ap);
	va_end(ap);
	r->pending = 1;
}

/* Decode the raw bytes into txt (empty before), keeping an incomplete last sequence. */
static void decode(struct ecert_records *r)
{
	size_t consumed, produced;
	int bad = 0; /* 1 invalid, 2 truncated at the end of input */
	unsigned char badbyte = 0;
	const unsigned char *nul;

	if (r->encoding == ECERT_RECORDS_UTF8) {
		int stop;

		produced = consumed = utf8_prefix(r->raw, r->raw_len, &stop);
		memcpy(r->txt, r->raw, produced);
		if (stop == 2) {
			bad = 1;
			badbyte = r->raw[consumed];
		} else if (stop == 1 && r->raw_eof) {
			bad = 2;
		}
	} else {
		char *in = (char *)r->raw, *out = (char *)r->txt;
		size_t inleft = r->raw_len, outleft = TXT_CAP;

		if (iconv(r->cd, &in, &inleft, &out, &outleft) == (size_t)-1) {
			if (errno == EILSEQ) {
				bad = 1;
				badbyte = *(unsigned char *)in;
			} else if (errno == EINVAL && r->raw_eof) {
				bad = 2;
			}
		}
		consumed = r->raw_len - inleft;
		produced = TXT_CAP - outleft;
	}
	memmove(r->raw, r->raw + consumed, r->raw_len - consumed);
	r->raw_len -= consumed;

	/* NUL would cut strings short further on: refuse it like an invalid byte. */
	nul = memchr(r->txt, '\0', produced);
	if (nul) {
		produced = (size_t)(nul - r->txt);
		bad = 3;
	}
	r->dec_line += count_lines(r->txt, produced);
	if (bad == 1)
		set_pending(r, r->dec_line,
		            "invalid %s byte 0x%02X (is the file in another encoding?)",
		            r->encoding == ECERT_RECORDS_UTF8 ? "UTF-8" : "GB18030", badbyte);
	else if (bad == 2)
		set_pending(r, r->dec_line, "the input ends inside a %s character",
		            r->encoding == ECERT_RECORDS_UTF8 ? "UTF-8" : "GB18030");
	else if (bad == 3)
		set_pending(r, r->dec_line, "a NUL byte in the text");
	r->txt_pos = 0;
	r->txt_len = produced;
	if (r->at_start && produced > 0) {
		/* U+FEFF: the UTF-8 BOM, or what the GB18030 BOM (84 31 95 33) decodes to */
		if (produced >= 3 && memcmp(r->txt, "\xEF\xBB\xBF", 3) == 0)
			r->txt_pos = 3;
		r->at_start = 0;
	}
}

/* Make decoded text available; at the end of the input txt_pos == txt_len. */
static int fill(struct ecert_records *r, struct ecert_error *err)
{
	int rc;

	if (r->txt_pos < r->txt_len)
		return ECERT_OK;
	r->txt_pos = r->txt_len = 0;
	for (;;) {
		if (r->pending) {
			*err = r->pending_err;
			r->fatal = 1;
			return err->code;
		}
		if (r->raw_len == 0 && r->raw_eof)
			return ECERT_OK;
		if ((rc = raw_read(r, err)) != ECERT_OK)
			return rc;
		decode(r);
		if (r->txt_pos < r->txt_len)
			return ECERT_OK;
	}
}

/* The next character (0..255) without consuming it, or -1 at the end. */
static int peek(struct ecert_records *r, int *c, struct ecert_error *err)
{
	if (r->txt_pos == r->txt_len) {
		int rc = fill(r, err);

		if (rc != ECERT_OK)
			return rc;
		if (r->txt_pos == r->txt_len) {
			*c = -1;
			return ECERT_OK;
		}
	}
	*c = r->txt[r->txt_pos];
	return ECERT_OK;
}

/* Consume the character peek() returned. */
static void advance(struct ecert_records *r)
{
	unsigned char c = r->txt[r->txt_pos++];

	if (c == '\n') {
		r->line++;
		r->col = 1;
	} else if ((c & 0xC0) != 0x80) {
		r->col++;
	}
}

static int get(struct ecert_records *r, int *c, struct ecert_error *err)
{
	int rc = peek(r, c, err);

	if (rc == ECERT_OK && *c >= 0)
		advance(r);
	return rc;
}

/* ---- CSV --------------------------------------------------------------------------- */

/* Length of a white-space character (ASCII, U+00A0, U+3000, U+FEFF) at s, else 0. */
static size_t space_at(const unsigned char *s, size_t n)
{
	if (n >= 1 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\r' || s[0] == '\n' ||
	               s[0] == '\v' || s[0] == '\f'))
		return 1;
	if (n >= 2 && s[0] == 0xC2 && s[1] == 0xA0)
		return 2;
	if (n >= 3 && ((s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80) ||
	               (s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)))
		return 3;
	return 0;
}

/* Trim cell i of the row in place (NUL-terminating it); returns its start. Idempotent. */
static char *cell(struct csv_row *row, size_t i, size_t *len)
{
	unsigned char *s = row->data.data + row->off[i];
	size_t n = row->len[i], k;

	while (n > 0 && (k = space_at(s, n)) > 0) {
		s += k;
		n -= k;
	}
	for (;;) {
		/* a space character ends at s+n: try each length it could have */
		if (n >= 1 && space_at(s + n - 1, 1) == 1)
			n -= 1;
		else if (n >= 2 && space_at(s + n - 2, 2) == 2)
			n -= 2;
		else if (n >= 3 && space_at(s + n - 3, 3) == 3)
			n -= 3;
		else
			break;
	}
	s[n] = '\0';
	row->off[i] = (size_t)(s - row->data.data);
	row->len[i] = n;
	*len = n;
	return (char *)s;
}

static void row_problem(struct csv_row *row, unsigned long line, long col, int code,
                        const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void row_problem(struct csv_row *row, unsigned long line, long col, int code,
                        const char *fmt, ...)
{
	va_list ap;

	if (row->bad)
		return;
	row->bad = 1;
	row->bad_line = line;
	row->bad_col = col;
	row->bad_code = code;
	va_start(ap, fmt);
	vsnprintf(row->bad_msg, sizeof(row->bad_msg), fmt, ap);
	va_end(ap);
}

/* Store one character of cell `col`; *flen counts its bytes. */
static int put(struct ecert_records *r, long col, unsigned long fline, size_t *flen, int c,
               struct ecert_error *err)
{
	struct csv_row *row = &r->row;

	if (row->bad)
		return ECERT_OK;
	if (*flen >= ECERT_RECORDS_FIELD_MAX) {
		row_problem(row, fline, col, ECERT_ERR_JSON_SIZE, "cell longer than %zu bytes",
		            ECERT_RECORDS_FIELD_MAX);
		return ECERT_OK;
	}
	if (row->data.len + 1 >= ECERT_RECORDS_RECORD_MAX) {
		row_problem(row, row->line, -1, ECERT_ERR_JSON_SIZE, "row longer than %zu bytes",
		            ECERT_RECORDS_RECORD_MAX);
		return ECERT_OK;
	}
	if (ecert_buf_putc(&row->data, c) != ECERT_OK)
		return nomem(r, err);
	(*flen)++;
	return ECERT_OK;
}

/* Read one row (RFC 4180 §2). *got = 0 at the end of the input. Problems confined to the
 * row are noted in r->row.bad; an unterminated quote is fatal. */
static int csv_read_row(struct ecert_records *r, int *got, struct ecert_error *err)
{
	struct csv_row *row = &r->row;
	int c, rc;

	row->data.len = 0;
	row->n = row->seen = 0;
	row->bad = 0;
	*got = 0;
	if ((rc = peek(r, &c, err)) != ECERT_OK)
		return rc;
	if (c < 0)
		return ECERT_OK;
	*got = 1;
	row->line = r->line;
	for (;;) {
		unsigned long fline = r->line;
		long col = (long)row->seen++;
		size_t start = row->data.len, flen = 0;
		int quoted = 0;

		if (row->seen > ECERT_RECORDS_COLUMNS_MAX)
			row_problem(row, row->line, -1, ECERT_ERR_SCHEMA, "more than %d columns",
			            ECERT_RECORDS_COLUMNS_MAX);
		/* blanks before an opening quote are allowed (and trimmed anyway) */
		while ((rc = peek(r, &c, err)) == ECERT_OK && (c == ' ' || c == '\t')) {
			advance(r);
			if ((rc = put(r, col, fline, &flen, c, err)) != ECERT_OK)
				return rc;
		}
		if (rc != ECERT_OK)
			return rc;
		if (c == '"') {
			quoted = 1;
			advance(r);
			row->data.len = start;
			flen = 0;
			for (;;) {
				if ((rc = get(r, &c, err)) != ECERT_OK)
					return rc;
				if (c < 0)
					return fatal(r, err, fline, NULL, ECERT_ERR_INVALID,
					             "a quoted cell opened on this line is never "
					             "closed");
				if (c == '"') {
					if ((rc = peek(r, &c, err)) != ECERT_OK)
						return rc;
					if (c != '"')
						break;
					advance(r);
				}
				if ((rc = put(r, col, fline, &flen, c, err)) != ECERT_OK)
					return rc;
			}
			while ((rc = peek(r, &c, err)) == ECERT_OK && (c == ' ' || c == '\t'))
				advance(r);
			if (rc != ECERT_OK)
				return rc;
		}
		/* unquoted text (or, after a closing quote, only the end of the cell) */
		for (;;) {
			if ((rc = peek(r, &c, err)) != ECERT_OK)
				return rc;
			if (c < 0 || c == ',' || c == '\n')
				break;
			advance(r);
			if (c == '\r') {
				if ((rc = peek(r, &c, err)) != ECERT_OK)
					return rc;
				if (c == '\n')
					break;
				c = '\r';
			}
			if (quoted)
				row_problem(row, r->line, col, ECERT_ERR_INVALID,
				            "text after the closing quote of a quoted cell");
			else if (c == '"')
				row_problem(row, r->line, col, ECERT_ERR_INVALID,
				            "a quote inside an unquoted cell (quote the whole "
				            "cell and double the quote)");
			if ((rc = put(r, col, fline, &flen, c, err)) != ECERT_OK)
				return rc;
		}
		if (!row->bad && (size_t)col < ECERT_RECORDS_COLUMNS_MAX) {
			if (ecert_buf_putc(&row->data, '\0') != ECERT_OK)
				return nomem(r, err);
			row->off[col] = start;
			row->len[col] = flen;
			row->n = (size_t)col + 1;
		}
		if (c == ',') {
			advance(r);
			continue;
		}
		if (c == '\n')
			advance(r);
		return ECERT_OK;
	}
}

static int row_blank(struct csv_row *row)
{
	size_t len;

	if (row->bad)
		return 0;
	for (size_t i = 0; i < row->n; i++) {
		(void)cell(row, i, &len);
		if (len)
			return 0;
	}
	return 1;
}

/* The name of column i for messages: its header label, or its number. */
static const char *col_label(struct ecert_records *r, long i, char num[24])
{
	if (i < 0)
		return NULL;
	if ((size_t)i < r->ncols && r->labels[i] && r->labels[i][0])
		return r->labels[i];
	snprintf(num, 24, "%ld", i + 1);
	return num;
}

static int csv_header(struct ecert_records *r, struct ecert_error *err)
{
	struct csv_row *row = &r->row;
	int got, rc;
	char num[24];

	do {
		if ((rc = csv_read_row(r, &got, err)) != ECERT_OK)
			return rc;
		if (!got)
			return fatal(r, err, r->line, NULL, ECERT_ERR_SCHEMA,
			             "no header row: the input is empty");
	} while (row_blank(row));
	if (row->bad) {
		snprintf(num, sizeof(num), "%ld", row->bad_col + 1);
		return fatal(r, err, row->bad_line, row->bad_col >= 0 ? num : NULL, row->bad_code,
		             "header row: %s", row->bad_msg);
	}
	r->ncols = row->n;
	for (size_t i = 0; i < row->n; i++) {
		size_t len;
		const char *label = cell(row, i, &len);

		if (!(r->labels[i] = ecert_strndup(label, len)))
			return nomem(r, err);
		if (!len) {
			r->names[i] = NULL; /* allowed if the column stays empty */
			continue;
		}
		r->names[i] = ecert_records_field_name(label);
		if (!r->names[i])
			return fatal(r, err, row->line, r->labels[i], ECERT_ERR_SCHEMA,
			             "not a record field: use the field names (e.g. idNumber) or "
			             "the Chinese labels of the column table (e.g. 身份证号)");
		for (size_t j = 0; j < i; j++)
			if (r->names[j] && strcmp(r->names[j], r->names[i]) == 0)
				return fatal(r, err, row->line, r->labels[i], ECERT_ERR_SCHEMA,
				             "names the same field (%s) as column %s", r->names[i],
				             r->labels[j]);
	}
	for (size_t i = 0; i < r->ncols; i++)
		if (r->names[i])
			return ECERT_OK;
	return fatal(r, err, row->line, NULL, ECERT_ERR_SCHEMA, "the header row names no field");
}

static int csv_next(struct ecert_records *r, cJSON **record, unsigned long *line,
                    struct ecert_error *err)
{
	struct csv_row *row = &r->row;
	cJSON *obj = NULL;
	char num[24];
	int got, rc;

	for (;;) {
		if ((rc = csv_read_row(r, &got, err)) != ECERT_OK)
			return rc;
		if (!got) {
			*record = NULL;
			return ECERT_OK;
		}
		if (!row_blank(row))
			break;
	}
	if (row->bad)
		return rec_fail(err, row->bad_line, col_label(r, row->bad_col, num), row->bad_code,
		                "%s", row->bad_msg);
	if (row->n != r->ncols)
		return rec_fail(err, row->line, NULL, ECERT_ERR_SCHEMA,
		                "%zu cells, but the header row has %zu columns", row->n, r->ncols);
	if (!(obj = cJSON_CreateObject()))
		return nomem(r, err);
	for (size_t i = 0; i < row->n; i++) {
		size_t len;
		const char *v = cell(row, i, &len);

		if (!len)
			continue;
		if (!r->names[i]) {
			cJSON_Delete(obj);
			return rec_fail(err, row->line, col_label(r, (long)i, num),
			                ECERT_ERR_SCHEMA, "a value in a column without a header");
		}
		if (!cJSON_AddStringToObject(obj, r->names[i], v)) {
			cJSON_Delete(obj);
			return nomem(r, err);
		}
	}
	*record = obj;
	*line = row->line;
	return ECERT_OK;
}

/* ---- JSON and NDJSON --------------------------------------------------------------- */

static int is_ws(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Skip JSON white space; *c is the next character (not consumed) or -1. */
static int skip_ws(struct ecert_records *r, int *c, struct ecert_error *err)
{
	int rc;

	while ((rc = peek(r, c, err)) == ECERT_OK && *c >= 0 && is_ws(*c))
		advance(r);
	return rc;
}

static int rec_put(struct ecert_records *r, int c, struct ecert_error *err)
{
	if (r->rec.len >= ECERT_RECORDS_RECORD_MAX)
		return fatal(r, err, r->rec_line, NULL, ECERT_ERR_JSON_SIZE,
		             "the record starting on this line is larger than %zu bytes",
		             ECERT_RECORDS_RECORD_MAX);
	if (ecert_buf_putc(&r->rec, c) != ECERT_OK)
		return nomem(r, err);
	return ECERT_OK;
}

/* Copy the next JSON value's text into r->rec (its extent only: strings and nesting are
 * tracked, the strict parser judges the rest). r->rec_line is where it starts. */
static int scan_value(struct ecert_records *r, struct ecert_error *err)
{
	int c, rc, depth = 0, in_str = 0, esc = 0;

	r->rec.len = 0;
	if ((rc = skip_ws(r, &c, err)) != ECERT_OK)
		return rc;
	r->rec_line = r->line;
	r->rec_col = r->col;
	if (c < 0)
		return fatal(r, err, r->line, NULL, ECERT_ERR_JSON_SYNTAX,
		             "the input ends where a record was expected");
	if (c == ',' || c == ']' || c == '}' || c == ':')
		return fatal(r, err, r->line, NULL, ECERT_ERR_JSON_SYNTAX,
		             "'%c' where a record was expected", c);
	if (c != '{' && c != '[' && c != '"') {
		/* a bare scalar: up to the next delimiter */
		while ((rc = peek(r, &c, err)) == ECERT_OK && c >= 0 && !is_ws(c) && c != ',' &&
		       c != ']' && c != '}') {
			advance(r);
			if ((rc = rec_put(r, c, err)) != ECERT_OK)
				return rc;
		}
		return rc;
	}
	for (;;) {
		if ((rc = get(r, &c, err)) != ECERT_OK)
			return rc;
		if (c < 0)
			return fatal(r, err, r->rec_line, NULL, ECERT_ERR_JSON_SYNTAX,
			             "the record starting on this line is never closed");
		if ((rc = rec_put(r, c, err)) != ECERT_OK)
			return rc;
		if (in_str) {
			if (esc)
				esc = 0;
			else if (c == '\\')
				esc = 1;
			else if (c == '"') {
				in_str = 0;
				if (depth == 0)
					return ECERT_OK; /* the value was a string */
			}
		} else if (c == '"') {
			in_str = 1;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			if (--depth == 0)
				return ECERT_OK;
		}
	}
}

/* Parse r->rec (starting on `line`) into a record object. Errors are the record's. */
static int parse_record(struct ecert_records *r, unsigned long line, cJSON **record,
                        unsigned long *line_out, struct ecert_error *err)
{
	struct ecert_json_limits lim = {ECERT_RECORDS_RECORD_MAX, 0};
	cJSON *v = NULL;
	int rc;

	rc = ecert_json_parse((const char *)r->rec.data, r->rec.len, &lim, &v, err);
	if (rc != ECERT_OK) {
		size_t l, c;

		if (rc == ECERT_ERR_NOMEM)
			r->fatal = 1;
		/* json.c counts from the record's first byte: make it the input's line/column */
		if (err && sscanf(err->where, "line %zu, column %zu", &l, &c) == 2 && l > 0)
			ecert_error_where(err, "line %lu, column %lu", line + (unsigned long)l - 1,
			                  l == 1 ? r->rec_col + (unsigned long)c - 1
			                         : (unsigned long)c);
		else
			ecert_error_prefix(err, "line %lu", line);
		return rc;
	}
	if (!cJSON_IsObject(v)) {
		cJSON_Delete(v);
		return rec_fail(err, line, NULL, ECERT_ERR_SCHEMA,
		                "a record must be a JSON object");
	}
	*record = v;
	*line_out = line;
	return ECERT_OK;
}

static int ndjson_next(struct ecert_records *r, cJSON **record, unsigned long *line,
                       struct ecert_error *err)
{
	int c, rc;

	if (r->have_first) {
		r->have_first = 0;
		return parse_record(r, r->rec_line, record, line, err);
	}
	for (;;) {
		unsigned long start;
		int too_long = 0, blank = 1;

		if ((rc = peek(r, &c, err)) != ECERT_OK)
			return rc;
		if (c < 0) {
			*record = NULL;
			return ECERT_OK;
		}
		start = r->line;
		r->rec_col = 1;
		r->rec.len = 0;
		for (;;) {
			if ((rc = get(r, &c, err)) != ECERT_OK)
				return rc;
			if (c < 0 || c == '\n')
				break;
			if (!is_ws(c))
				blank = 0;
			if (r->rec.len >= ECERT_RECORDS_RECORD_MAX)
				too_long = 1;
			else if (ecert_buf_putc(&r->rec, c) != ECERT_OK)
				return nomem(r, err);
		}
		if (blank)
			continue;
		if (too_long)
			return rec_fail(err, start, NULL, ECERT_ERR_JSON_SIZE,
			                "line longer than %zu bytes", ECERT_RECORDS_RECORD_MAX);
		return parse_record(r, start, record, line, err);
	}
}

static int json_next(struct ecert_records *r, cJSON **record, unsigned long *line,
                     struct ecert_error *err)
{
	int c, rc;

	switch (r->js) {
	case JS_OBJECT:
		if ((rc = scan_value(r, err)) != ECERT_OK)
			return rc;
		r->js = JS_OBJECT_SCANNED;
		__attribute__((fallthrough));
	case JS_OBJECT_SCANNED:
		/* a single object: nothing may follow it (checked before it is handed out) */
		if ((rc = skip_ws(r, &c, err)) != ECERT_OK)
			return rc;
		if (c >= 0)
			return fatal(r, err, r->line, NULL, ECERT_ERR_JSON_TRAILING,
			             "more data after the record of line %lu (several records: "
			             "an array, or NDJSON with one record per line)",
			             r->rec_line);
		r->js = JS_DONE;
		return parse_record(r, r->rec_line, record, line, err);
	case JS_ARRAY_NEXT:
		if ((rc = skip_ws(r, &c, err)) != ECERT_OK)
			return rc;
		if (c == ']') {
			advance(r);
			r->js = JS_ARRAY_END;
			return json_next(r, record, line, err);
		}
		if (c < 0)
			return fatal(r, err, r->line, NULL, ECERT_ERR_JSON_SYNTAX,
			             "the array of records is never closed");
		if (c != ',')
			return fatal(r, err, r->line, NULL, ECERT_ERR_JSON_SYNTAX,
			             "expected ',' or ']' after the record of line %lu",
			             r->rec_line);
		advance(r);
		if ((rc = skip_ws(r, &c, err)) != ECERT_OK)
			return rc;
		if (c == ']')
			return fatal(r, err, r->line, NULL, ECERT_ERR_JSON_SYNTAX,
			             "a comma before ']' (no record follows it)");
		__attribute__((fallthrough));
	case JS_ARRAY_FIRST:
		if ((rc = skip_ws(r, &c, err)) != ECERT_OK)
			return rc;
		if (c == ']' && r->js == JS_ARRAY_FIRST) {
			advance(r);
			r->js = JS_ARRAY_END;
			return json_next(r, record, line, err);
		}
		if ((rc = scan_value(r, err)) != ECERT_OK)
			return rc;
		r->js = JS_ARRAY_NEXT;
		return parse_record(r, r->rec_line, record, line, err);
	case JS_ARRAY_END:
		if ((rc = skip_ws(r, &c, err)) != ECERT_OK)
			return rc;
		if (c >= 0)
			return fatal(r, err, r->line, NULL, ECERT_ERR_JSON_TRAILING,
			             "data after the array of records");
		r->js = JS_DONE;
		__attribute__((fallthrough));
	case JS_DONE:
		break;
	}
	*record = NULL;
	return ECERT_OK;
}

/* ---- opening ----------------------------------------------------------------------- */

static enum ecert_records_format format_of_name(const char *name)
{
	const char *dot = name ? strrchr(name, '.') : NULL;

	if (!dot || strchr(dot, '/'))
		return ECERT_RECORDS_AUTO;
	if (strcasecmp(dot, ".json") == 0)
		return ECERT_RECORDS_JSON;
	if (strcasecmp(dot, ".ndjson") == 0 || strcasecmp(dot, ".jsonl") == 0)
		return ECERT_RECORDS_NDJSON;
	if (strcasecmp(dot, ".csv") == 0)
		return ECERT_RECORDS_CSV;
	return ECERT_RECORDS_AUTO;
}

/* Settle the encoding from the first chunk and set up the decoder. */
static int setup_encoding(struct ecert_records *r, enum ecert_records_encoding enc,
                          struct ecert_error *err)
{
	int rc;

	while (!r->raw_eof && r->raw_len < sizeof(r->raw))
		if ((rc = raw_read(r, err)) != ECERT_OK)
			return rc;
	if (enc == ECERT_RECORDS_ENC_AUTO) {
		int stop;

		if (r->raw_len >= 3 && memcmp(r->raw, "\xEF\xBB\xBF", 3) == 0) {
			enc = ECERT_RECORDS_UTF8;
		} else if (r->raw_len >= 4 && memcmp(r->raw, "\x84\x31\x95\x33", 4) == 0) {
			enc = ECERT_RECORDS_GB18030;
		} else {
			(void)utf8_prefix(r->raw, r->raw_len, &stop);
			enc = (stop == 0 || (stop == 1 && !r->raw_eof)) ? ECERT_RECORDS_UTF8
			                                                : ECERT_RECORDS_GB18030;
		}
	}
	r->encoding = enc;
	if (enc == ECERT_RECORDS_GB18030) {
		r->cd = iconv_open("UTF-8", "GB18030");
		if (r->cd == (iconv_t)-1)
			return fatal(r, err, 1, NULL, ECERT_ERR_UNSUPPORTED,
			             "this system's iconv cannot convert GB18030");
	} else if (enc != ECERT_RECORDS_UTF8) {
		return ecert_fail(err, ECERT_ERR_ARG, "unknown encoding");
	}
	return ECERT_OK;
}

static int setup_format(struct ecert_records *r, enum ecert_records_format fmt, const char *name,
                        struct ecert_error *err)
{
	int c, rc;

	if (fmt == ECERT_RECORDS_AUTO)
		fmt = format_of_name(name);
	if (fmt == ECERT_RECORDS_CSV) {
		r->format = fmt;
		return csv_header(r, err);
	}
	if (fmt == ECERT_RECORDS_NDJSON) {
		r->format = fmt;
		return ECERT_OK;
	}
	if ((rc = skip_ws(r, &c, err)) != ECERT_OK)
		return rc;
	if (fmt == ECERT_RECORDS_AUTO) {
		if (c < 0)
			return fatal(r, err, r->line, NULL, ECERT_ERR_SCHEMA,
			             "the input is empty: no records");
		if (c != '[' && c != '{') {
			r->format = ECERT_RECORDS_CSV;
			return csv_header(r, err);
		}
		if (c == '{') {
			/* NDJSON if the first object ends on its first line, else one object */
			if ((rc = scan_value(r, err)) != ECERT_OK)
				return rc;
			while ((rc = peek(r, &c, err)) == ECERT_OK &&
			       (c == ' ' || c == '\t' || c == '\r'))
				advance(r);
			if (rc != ECERT_OK)
				return rc;
			if (!memchr(r->rec.data, '\n', r->rec.len) && (c < 0 || c == '\n')) {
				r->format = ECERT_RECORDS_NDJSON;
				r->have_first = 1;
			} else {
				r->format = ECERT_RECORDS_JSON;
				r->js = JS_OBJECT_SCANNED;
			}
			return ECERT_OK;
		}
	}
	r->format = ECERT_RECORDS_JSON;
	if (c == '[') {
		advance(r);
		r->js = JS_ARRAY_FIRST;
	} else if (c == '{') {
		r->js = JS_OBJECT;
	} else {
		if (c < 0)
			return fatal(r, err, r->line, NULL, ECERT_ERR_SCHEMA,
			             "the input is empty: no records");
		return fatal(r, err, r->line, NULL, ECERT_ERR_JSON_SYNTAX,
		             "expected a record object or an array of records");
	}
	return ECERT_OK;
}

static int open_common(struct ecert_records *r, const char *name, enum ecert_records_format fmt,
                       enum ecert_records_encoding enc, struct ecert_records **out,
                       struct ecert_error *err)
{
	int rc;

	r->cd = (iconv_t)-1;
	r->line = r->dec_line = 1;
	r->col = 1;
	r->at_start = 1;
	r->js = JS_DONE;
	if (!(r->txt = ecert_malloc(TXT_CAP))) {
		rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((rc = setup_encoding(r, enc, err)) != ECERT_OK)
		goto out;
	if ((rc = setup_format(r, fmt, name, err)) != ECERT_OK)
		goto out;
	*out = r;
	r = NULL;
out:
	ecert_records_close(r);
	return rc;
}

int ecert_records_open(const char *path, enum ecert_records_format format,
                       enum ecert_records_encoding encoding, struct ecert_records **out,
                       struct ecert_error *err)
{
	struct ecert_records *r;
	int is_stdin, rc;

	if (!path || !out)
		return ecert_fail(err, ECERT_ERR_ARG, "no input file");
	if (!(r = ecert_calloc(1, sizeof(*r))))
		return ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
	is_stdin = strcmp(path, "-") == 0;
	r->fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0) {
		ecert_free(r);
		ecert_error_where(err, "%s", path);
		return ecert_fail(err, ECERT_ERR_IO, "cannot open: %s", strerror(errno));
	}
	r->own_fd = !is_stdin;
	rc = open_common(r, is_stdin ? NULL : path, format, encoding, out, err);
	if (rc != ECERT_OK)
		ecert_error_prefix(err, "%s", is_stdin ? "<stdin>" : path);
	return rc;
}

int ecert_records_open_mem(const void *data, size_t len, const char *name,
                           enum ecert_records_format format, enum ecert_records_encoding encoding,
                           struct ecert_records **out, struct ecert_error *err)
{
	struct ecert_records *r;

	if ((!data && len) || !out)
		return ecert_fail(err, ECERT_ERR_ARG, "no input");
	if (!(r = ecert_calloc(1, sizeof(*r))))
		return ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
	r->fd = -1;
	r->is_mem = 1;
	r->mem = data;
	r->mem_len = len;
	r->raw_eof = len == 0;
	return open_common(r, name, format, encoding, out, err);
}

int ecert_records_next(struct ecert_records *r, cJSON **record, unsigned long *line,
                       struct ecert_error *err)
{
	struct ecert_error local;
	cJSON *rec = NULL;
	unsigned long ln = 0;
	int rc;

	if (!err) {
		ecert_error_clear(&local);
		err = &local;
	}
	if (!r || !record)
		return ecert_fail(err, ECERT_ERR_ARG, "missing argument");
	if (r->fatal) {
		*err = r->fatal_err;
		return err->code;
	}
	switch (r->format) {
	case ECERT_RECORDS_CSV:
		rc = csv_next(r, &rec, &ln, err);
		break;
	case ECERT_RECORDS_NDJSON:
		rc = ndjson_next(r, &rec, &ln, err);
		break;
	case ECERT_RECORDS_JSON:
		rc = json_next(r, &rec, &ln, err);
		break;
	default:
		rc = ecert_fail(err, ECERT_ERR_ARG, "reader not open");
		break;
	}
	if (rc != ECERT_OK) {
		if (r->fatal)
			r->fatal_err = *err;
		return rc;
	}
	*record = rec;
	if (line)
		*line = rec ? ln : r->line;
	return ECERT_OK;
}

int ecert_records_fatal(const struct ecert_records *r)
{
	return r ? r->fatal : 1;
}

enum ecert_records_format ecert_records_format(const struct ecert_records *r)
{
	return r ? r->format : ECERT_RECORDS_AUTO;
}

enum ecert_records_encoding ecert_records_encoding(const struct ecert_records *r)
{
	return r ? r->encoding : ECERT_RECORDS_ENC_AUTO;
}

void ecert_records_close(struct ecert_records *r)
{
	if (!r)
		return;
	if (r->own_fd && r->fd >= 0)
		close(r->fd);
	if (r->cd != (iconv_t)-1 && r->cd != (iconv_t)0)
		iconv_close(r->cd);
	for (size_t i = 0; i < ECERT_RECORDS_COLUMNS_MAX; i++)
		ecert_free(r->labels[i]);
	ecert_buf_free(&r->row.data);
	ecert_buf_free(&r->rec);
	ecert_free(r->txt);
	ecert_free(r);
}

const char *ecert_records_field_name(const char *label)
{
	if (!label)
		return NULL;
	for (size_t i = 0; i < sizeof(field_names) / sizeof(field_names[0]); i++)
		if (strcmp(label, field_names[i]) == 0)
			return field_names[i];
	for (size_t i = 0; i < sizeof(column_table) / sizeof(column_table[0]); i++)
		if (strcmp(label, column_table[i].label) == 0)
			return column_table[i].field;
	return NULL;
}

int ecert_records_format_parse(const char *name, enum ecert_records_format *out,
                               struct ecert_error *err)
{
	static const struct {
		const char *name;
		enum ecert_records_format fmt;
	} tab[] = {{"auto", ECERT_RECORDS_AUTO},
	           {"json", ECERT_RECORDS_JSON},
	           {"ndjson", ECERT_RECORDS_NDJSON},
	           {"jsonl", ECERT_RECORDS_NDJSON},
	           {"csv", ECERT_RECORDS_CSV}};

	for (size_t i = 0; name && i < sizeof(tab) / sizeof(tab[0]); i++) {
		if (strcasecmp(name, tab[i].name) == 0) {
			*out = tab[i].fmt;
			return ECERT_OK;
		}
	}
	return ecert_fail(err, ECERT_ERR_ARG, "unknown input format '%s' (json, ndjson, csv)",
	                  name ? name : "");
}

int ecert_records_encoding_parse(const char *name, enum ecert_records_encoding *out,
                                 struct ecert_error *err)
{
	static const struct {
		const char *name;
		enum ecert_records_encoding enc;
	} tab[] = {{"auto", ECERT_RECORDS_ENC_AUTO},
	           {"utf-8", ECERT_RECORDS_UTF8},
	           {"utf8", ECERT_RECORDS_UTF8},
	           {"gb18030", ECERT_RECORDS_GB18030},
	           {"gbk", ECERT_RECORDS_GB18030}};

	for (size_t i = 0; name && i < sizeof(tab) / sizeof(tab[0]); i++) {
		if (strcasecmp(name, tab[i].name) == 0) {
			*out = tab[i].enc;
			return ECERT_OK;
		}
	}
	return ecert_fail(err, ECERT_ERR_ARG, "unknown encoding '%s' (utf-8, gb18030)",
	                  name ? name : "");
}
